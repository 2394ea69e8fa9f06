"""Fixtures for the evidence tests: a small, complete run directory built through the real API."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence.atomic import append_line
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.run_dir import create_run_dir
from tests.evidence.pki import SshSigner, Tsa, make_ssh_signer

RUNBOOK_SHA = hashlib.sha256(b"version: 1\nname: migrate-license\n").hexdigest()


def binding_of(name: str, sha256: str = RUNBOOK_SHA) -> dict[str, Any]:
    """The least binding a manifest takes: the runbook's name and SHA-256."""
    return {"runbook": {"name": name, "sha256": sha256}}


STARTED = datetime(2026, 11, 29, 21, 24, 6, tzinfo=UTC)


Clock = Callable[[], datetime]
Rewrite = Callable[[Path, Callable[[dict[str, Any]], None]], None]


def _ticking_clock() -> Clock:
    ticks = iter(range(1_000_000))
    return lambda: STARTED + timedelta(seconds=next(ticks))


def _rewrite_manifest(run_dir: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    path = run_dir / "manifest.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture
def clock() -> Clock:
    """A clock starting at ``STARTED`` that advances one second per call."""
    return _ticking_clock()


@pytest.fixture
def rewrite_manifest() -> Rewrite:
    """``rewrite_manifest(run_dir, edit)``: edit the parsed manifest, write it back as the tool.

    The layout is kept so that a test checks the tampering it means to, not a whitespace change.
    """
    return _rewrite_manifest


@pytest.fixture
def runbook_sha() -> str:
    """The runbook hash the ``manifest`` fixture records."""
    return RUNBOOK_SHA


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    """A run directory with five entries over four files, one of them re-added after a change.

    Files: ``01-preflight-old.png``, ``events.jsonl``, ``state.json`` (added twice) and
    ``traces/trace.zip`` (in a subfolder).
    """
    run_dir = create_run_dir(tmp_path / "screenshots", "migrate-license", STARTED)
    manifest = Manifest.create(
        run_dir, run_dir.name, binding_of("migrate-license"), clock=_ticking_clock()
    )
    manifest.write_file("01-preflight-old.png", b"\x89PNG\r\n\x1a\n fake image bytes", "preflight")
    manifest.write_file("state.json", '{"done": []}', "preflight")
    append_line(run_dir / "events.jsonl", '{"event": "step_started", "step_id": "add-dev"}')
    manifest.add("events.jsonl", "add-dev")
    manifest.write_file("traces/trace.zip", b"PK\x05\x06" + bytes(18), "add-dev")
    manifest.write_file("state.json", '{"done": ["add-dev"]}', "add-dev")
    return manifest


@pytest.fixture
def run_dir(manifest: Manifest) -> Path:
    """The run directory of the ``manifest`` fixture."""
    return manifest.run_dir


@pytest.fixture(scope="session")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tsa]:
    """A local RFC 3161 time-stamping authority (openssl ts) with its own test CA."""
    authority = Tsa(tmp_path_factory.mktemp("tsa"))
    yield authority
    authority.close()


@pytest.fixture(scope="session")
def ssh_signer(tmp_path_factory: pytest.TempPathFactory) -> SshSigner:
    """An SSH key pair and the allowed_signers file that names it."""
    return make_ssh_signer(tmp_path_factory.mktemp("ssh"))
