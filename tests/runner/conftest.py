"""Fixtures for running runbooks against the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from dnn_runbook.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
SEED_RUNBOOK = REPO / "runbook.yaml"


def write_env(sandbox: Sandbox, path: Path) -> Path:
    """The sandbox's addresses and credentials as an env file, as `sandbox --env-file` writes."""
    path.write_text("".join(f"{key}={value}\n" for key, value in sandbox.env().items()))
    return path


@pytest.fixture
def env_file(sandbox: Sandbox, tmp_path: Path) -> Path:
    """An env file for the test's sandbox."""
    return write_env(sandbox, tmp_path / "sandbox.env")


@pytest.fixture
def evidence_dir(tmp_path: Path) -> Path:
    """Where the test's runs put their run directories."""
    return tmp_path / "evidence"
