"""The import graph: every module imports alone, and the graph's contracts hold."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import dnn_runbook
import pages
from tests.support import REPO

#: Run as a script, which forgets every project module before importing the next one, so
#: that each import starts from nothing, as a user's first import does.
_IMPORT_EACH_ALONE = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("dnn_runbook", "pages")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""


def _modules() -> list[str]:
    found = ["dnn_runbook", "pages"]
    for package in (dnn_runbook, pages):
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            if not info.name.endswith("__main__"):
                found.append(info.name)
    return sorted(found)


class TestImports:
    def test_every_module_imports_alone(self) -> None:
        """Each module imports in a fresh interpreter state: no cycle that only an import
        order hides, no module that leans on another having been imported first."""
        modules = _modules()
        assert len(modules) > 60
        done = subprocess.run(
            [sys.executable, "-c", _IMPORT_EACH_ALONE, *modules],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        assert done.stdout.strip() == "", done.stdout

    @pytest.mark.slow
    def test_the_import_contracts_hold(self) -> None:
        """lint-imports (the layers, the sandbox apart, Playwright confined, no cycle) passes,
        as make test runs it."""
        done = subprocess.run(
            [sys.executable, "-m", "importlinter.cli", "--no-cache"],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert done.returncode == 0, done.stdout[-3000:]
