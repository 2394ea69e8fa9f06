"""Fixtures for running runbooks against the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from dnn_runbook.sandbox import Sandbox
from tests.support import write_env


@pytest.fixture
def env_file(sandbox: Sandbox, tmp_path: Path) -> Path:
    """An env file for the test's sandbox."""
    return write_env(sandbox, tmp_path / "sandbox.env")


@pytest.fixture
def evidence_dir(tmp_path: Path) -> Path:
    """Where the test's runs put their run directories."""
    return tmp_path / "evidence"
