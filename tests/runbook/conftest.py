"""Fixtures for the runbook language tests: the seed runbook, fake secrets, small runbooks."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

#: The repository's own runbook.yaml, the seed procedure.
SEED = Path(__file__).resolve().parents[2] / "runbook.yaml"

#: Distinctive fake secrets, so that any output can be searched for them.
SEED_SECRETS = {
    "DNN_OLD_PASSWORD": "old-pw-Qx7Zk2Vw",
    "DNN_NEW_PASSWORD": "new-pw-Jh4Lm9Tp",
    "DNN_LICENSE_EMAIL": "owner.k3y7@example.org",
    "DNN_LICENSE_INVOICE": "INV042-7",
}

SEED_ENVIRON = {
    "DNN_OLD_URL": "http://127.0.0.1:18001",
    "DNN_NEW_URL": "http://127.0.0.1:18002",
    "DNN_SITE_URL": "https://www.example.com",
    "DNN_OLD_USERNAME": "host",
    "DNN_NEW_USERNAME": "host",
    "DNN_LICENSING_URL": "http://127.0.0.1:18003",
    **SEED_SECRETS,
}


@pytest.fixture
def seed_path() -> Path:
    """The repository's runbook.yaml."""
    return SEED


@pytest.fixture
def seed_secrets() -> dict[str, str]:
    """The secret values in ``seed_environ``, to search output for."""
    return dict(SEED_SECRETS)


@pytest.fixture
def seed_environ() -> dict[str, str]:
    """What `dnn-runbook sandbox --env-file` would provide, with distinctive fake secrets."""
    return dict(SEED_ENVIRON)


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write a file in a fresh folder that becomes the working directory; return its
    relative path, so that problems read ``runbook.yaml:LINE:COL``."""
    monkeypatch.chdir(tmp_path)

    def _write(text: str, name: str = "runbook.yaml", *, dedent: bool = True) -> Path:
        path = Path(name)
        path.write_text(textwrap.dedent(text) if dedent else text, encoding="utf-8")
        path.chmod(0o600)  # an env file others may read draws a warning
        return path

    return _write
