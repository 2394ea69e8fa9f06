"""Helpers shared by the tests that run whole runbooks against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from dnn_runbook.sandbox import Sandbox

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[1]
SEED_RUNBOOK = REPO / "runbook.yaml"

#: Values for every variable of the seed runbook, for tests that never reach a server.
FAKE_ENV = {
    "DNN_OLD_URL": "http://127.0.0.1:9",
    "DNN_NEW_URL": "http://127.0.0.1:9",
    "DNN_OLD_USERNAME": "host",
    "DNN_OLD_PASSWORD": "pw-old-secret",
    "DNN_NEW_USERNAME": "host",
    "DNN_NEW_PASSWORD": "pw-new-secret",
    "DNN_LICENSE_EMAIL": "owner@example.com",
    "DNN_LICENSE_INVOICE": "INV001-1",
}

#: The options of `execute` that the tests do not vary.
RUN_DEFAULTS: dict[str, Any] = {
    "headed": False,
    "slow_mo": 0,
    "browser_path": None,
    "show_license_ids": False,
    "screenshots": True,
    "timeout": 20,
}


def write_env(sandbox: Sandbox, path: Path) -> Path:
    """The sandbox's addresses and credentials as an env file, as `sandbox --env-file` writes."""
    path.write_text("".join(f"{key}={value}\n" for key, value in sandbox.env().items()))
    return path


def holdings(state: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Which server holds which (type, invoice), from the sandbox's truth."""
    return {
        name: sorted((lic["type"], lic["invoice"]) for lic in server["licenses"])
        for name, server in state["servers"].items()
    }


def only_run_dir(evidence_dir: Path) -> Path:
    """The one run directory a test's runs made."""
    dirs = [p for p in evidence_dir.iterdir() if p.is_dir()]
    assert len(dirs) == 1, dirs
    return dirs[0]


#: The kinds of sandbox history event that change a license or an activation.
CHANGES = {
    "activation_granted",
    "activation_returned",
    "activation_not_returned",
    "license_removed",
}


def changes(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of the sandbox's history that changed a license."""
    return [event for event in state["history"] if event["kind"] in CHANGES]


def journal(run_dir: Path) -> dict[str, Any]:
    """A run's state.json."""
    data: dict[str, Any] = json.loads((run_dir / "state.json").read_text())
    return data


def in_worker_thread(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Call ``function`` in a thread of its own and return its result (or raise its error).

    The runner drives Playwright's sync API, which refuses to start in a thread whose asyncio
    loop is running - as pytest-playwright's own Playwright leaves the main thread once any
    test has used the ``page`` fixture. A fresh thread has no loop.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="runner") as pool:
        return pool.submit(function, *args, **kwargs).result()
