"""Unknown keys below the top level: under ``servers.<name>`` and under ``license:``. A typo
there (``pasword``, ``invoce``) must never be dropped silently, so every way in refuses it:
the loader (with the place and a "did you mean"), ``dnn-runbook validate`` (exit 2) and the
JSON Schema editors get."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.runbook.jsonschema import json_schema
from tests.runbook.test_schema import SMALL_ENVIRON, Write, problems_of, small

NESTED = [
    pytest.param(
        small(
            "    username: host\n    password: ${OLD",
            "    username: host\n    usernme: x\n    password: ${OLD",
        ),
        "runbook.yaml:7:5: servers.old.usernme is not a setting of a server; did you mean "
        "'username'?",
        id="server-typo",
    ),
    pytest.param(
        small("    url: ${NEW_URL}\n", "    url: ${NEW_URL}\n    port: 8080\n"),
        "runbook.yaml:10:5: servers.new.port is not a setting of a server; a server takes url, "
        "username, password, login_path, tls_verify, tls_ca.",
        id="server-unknown",
    ),
    pytest.param(
        small("  invoice: ${INVOICE}\n", "  invoice: ${INVOICE}\n  invoce: INV1-1\n"),
        "runbook.yaml:15:3: license.invoce is not a setting of license; did you mean 'invoice'?",
        id="license-typo",
    ),
    pytest.param(
        small("  invoice: ${INVOICE}\n", "  invoice: ${INVOICE}\n  type: Production\n"),
        "runbook.yaml:15:3: license.type is not a setting of license; license takes email, "
        "invoice.",
        id="license-unknown",
    ),
]


@pytest.mark.parametrize(("text", "expected"), NESTED)
def test_the_loader_names_the_place_and_the_key(write: Write, text: str, expected: str) -> None:
    assert problems_of(write, text) == [expected]


@pytest.mark.parametrize(("text", "expected"), NESTED)
def test_validate_exits_2(
    write: Write, text: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(text, dedent=False)
    for name, value in SMALL_ENVIRON.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["validate", str(path)], terminal_width=100)
    assert result.exit_code == 2
    assert expected in result.stderr


@pytest.mark.parametrize(("text", "expected"), NESTED)
def test_the_json_schema_refuses_them(text: str, expected: str) -> None:
    key = expected.split(" is not")[0].rsplit(".", 1)[1]
    document = yaml.safe_load(text)
    complaints = [
        error.message for error in jsonschema.Draft7Validator(json_schema()).iter_errors(document)
    ]
    assert any(repr(key) in message and "not allowed" in message for message in complaints), (
        complaints
    )


def test_the_small_runbook_itself_is_fine(write: Write, tmp_path: Path) -> None:
    """The cases above differ from a valid runbook only by the key they add."""
    assert problems_of(write, small("name: small", "name: small")) == []
