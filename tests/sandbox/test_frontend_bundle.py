"""The committed front-end bundles are the build of the committed sources.

Each bundle's first line names the SHA-256 of the inputs it was built from (``build.mjs``,
``.npmrc``, ``package.json``, ``package-lock.json``, ``src/`` and ``stubs/``); the hash is
recomputed here, so a source changed without ``make frontend`` fails. Where Node.js and npm are
installed, the bundles are also rebuilt from the lockfile in a scratch folder and compared byte
for byte: esbuild's output is deterministic.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

FRONTEND = Path(__file__).parents[2] / "src" / "dnn_runbook" / "sandbox" / "frontend"
STATIC = FRONTEND.parent / "static" / "dnn"
BUNDLES = (
    Path("personabar/scripts/shell.js"),
    Path("modules/Dnn.Licensing/scripts/bundles/licensing-bundle.js"),
    Path("site/jquery.js"),
)
_BANNER = re.compile(rb"from sources sha256:([0-9a-f]{64})")


def source_hash(root: Path) -> str:
    """The hash ``build.mjs`` writes into each bundle, computed the same way."""
    tree = [
        path.relative_to(root).as_posix()
        for folder in ("src", "stubs")
        for path in (root / folder).rglob("*")
        if path.is_file()
    ]
    outer = hashlib.sha256()
    for name in sorted([".npmrc", "build.mjs", "package.json", "package-lock.json", *tree]):
        inner = hashlib.sha256((root / name).read_bytes()).hexdigest()
        outer.update(f"{name}\0{inner}\n".encode())
    return outer.hexdigest()


def built_from(bundle: Path) -> str:
    """The source hash a bundle names in its first line."""
    with bundle.open("rb") as file:
        match = _BANNER.search(file.readline())
    assert match, f"{bundle} does not start with the build's banner"
    return match.group(1).decode()


class TestCommittedBundles:
    @pytest.mark.parametrize("bundle", BUNDLES, ids=str)
    def test_built_from_the_committed_sources(self, bundle: Path) -> None:
        """The hash in the bundle is the hash of the sources in the repository."""
        assert built_from(STATIC / bundle) == source_hash(FRONTEND)

    def test_the_hash_sees_a_changed_source(self, tmp_path: Path) -> None:
        """The check can fail: one byte more in one source gives another hash."""
        copy = tmp_path / "frontend"
        shutil.copytree(FRONTEND, copy, ignore=shutil.ignore_patterns("node_modules"))
        before = source_hash(copy)
        shell = copy / "src" / "shell" / "shell.js"
        shell.write_bytes(shell.read_bytes() + b"\n")
        assert source_hash(copy) != before

    def test_third_party_notices_name_the_components(self) -> None:
        """The notices name DNN's component library, React and jQuery with their licenses."""
        notices = (STATIC / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
        for package in ("@dnnsoftware/dnn-react-common 2.1.3", "react 16.14.0", "jquery 3.7.1"):
            assert package in notices
        assert notices.count("License: MIT") >= 3


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("npm") is None or shutil.which("node") is None,
    reason="rebuilding the bundles needs Node.js and npm",
)
def test_rebuilt_bundles_are_byte_identical(tmp_path: Path) -> None:
    """npm ci from the lockfile and node build.mjs, in a scratch copy, give the same bytes."""
    copy = tmp_path / "frontend"
    shutil.copytree(FRONTEND, copy, ignore=shutil.ignore_patterns("node_modules"))
    (tmp_path / "static" / "dnn").mkdir(parents=True)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=600,
    )
    subprocess.run(["node", "build.mjs"], cwd=copy, check=True, capture_output=True, timeout=300)
    for bundle in (*BUNDLES, Path("THIRD-PARTY-NOTICES.txt")):
        assert (tmp_path / "static" / "dnn" / bundle).read_bytes() == (STATIC / bundle).read_bytes()
