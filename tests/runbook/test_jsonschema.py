"""The runbook's JSON Schema for editors (``dnn_runbook.runbook.jsonschema``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dnn_runbook.runbook import check
from dnn_runbook.runbook._schema import TOP_LEVEL_SETTINGS
from dnn_runbook.runbook._steps import ACTION_SETTINGS, COMMON_SETTINGS
from dnn_runbook.runbook.jsonschema import json_schema

SEED = Path(__file__).resolve().parents[2] / "runbook.yaml"
ENVIRON = {
    "DNN_OLD_URL": "http://127.0.0.1:18001",
    "DNN_NEW_URL": "http://127.0.0.1:18002",
    "DNN_SITE_URL": "https://www.example.com",
    "DNN_OLD_USERNAME": "host",
    "DNN_NEW_USERNAME": "host",
    "DNN_OLD_PASSWORD": "schema-pw-1",
    "DNN_NEW_PASSWORD": "schema-pw-2",
    "DNN_LICENSE_EMAIL": "schema@example.com",
    "DNN_LICENSE_INVOICE": "INV1-1",
}


class _EditorLoader(yaml.SafeLoader):
    """Reads YAML as editors do (YAML 1.2 core): a date stays a string."""


_EditorLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def errors(document: Any) -> list[str]:
    """The schema's complaints about ``document``."""
    validator = jsonschema.Draft7Validator(json_schema())
    return [error.message for error in validator.iter_errors(document)]


def parse(text: str) -> Any:
    """Parse YAML the way an editor does."""
    return yaml.load(text, Loader=_EditorLoader)  # noqa: S506 - a SafeLoader subclass


class TestSchema:
    def test_is_a_valid_draft7_schema(self) -> None:
        """The schema itself is valid JSON Schema and serialises to JSON."""
        schema = json_schema()
        jsonschema.Draft7Validator.check_schema(schema)
        assert json.loads(json.dumps(schema)) == schema

    def test_follows_the_validators_tables(self) -> None:
        """The schema knows exactly the keys the validator knows, per action."""
        schema = json_schema()
        assert set(schema["properties"]) == set(TOP_LEVEL_SETTINGS)
        branches = schema["properties"]["steps"]["items"]["allOf"]
        for branch in branches:
            action = branch["if"]["properties"]["action"]["const"]
            required, optional = ACTION_SETTINGS[action]
            keys = set(branch["then"]["properties"])
            assert keys == set(COMMON_SETTINGS + required + optional)
            assert branch["then"]["required"] == [*COMMON_SETTINGS, *required]

    def test_seed_is_valid(self) -> None:
        """The repository's runbook.yaml passes the schema."""
        assert errors(parse(SEED.read_text(encoding="utf-8"))) == []

    @pytest.mark.parametrize(
        ("old", "new", "fragment"),
        [
            ("action: add_license", "action: add-license", "is not one of"),
            ("type: Development", "type: Prod", "is not valid under any of the given schemas"),
            ("    expires: future", "    expire: future", "Additional properties"),
            ("version: 1", "version: 2", "is not one of"),
            ("timeout: 5m", "timeout: 5 min", "is not valid under any of the given schemas"),
            ("name: migrate-evoq-license", "name: Migrate", "does not match"),
        ],
    )
    def test_catches_common_mistakes(self, old: str, new: str, fragment: str) -> None:
        """Editors flag the usual mistakes as the user types."""
        text = SEED.read_text(encoding="utf-8")
        assert old in text
        found = errors(parse(text.replace(old, new, 1)))
        assert found
        assert any(fragment in message for message in found)

    def test_variables_are_accepted_in_typed_values(self) -> None:
        """${VAR} is accepted where a typed value (type, duration, status) is expected."""
        text = SEED.read_text(encoding="utf-8")
        text = text.replace("type: Development", "type: ${TYPE}").replace(
            "expect_status: 200", "expect_status: ${STATUS}"
        )
        assert errors(parse(text)) == []


class TestAgreesWithValidate:
    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(st.data())
    def test_what_validate_accepts_the_schema_accepts(
        self, tmp_path: Path, data: st.DataObject
    ) -> None:
        """A runbook that `validate` accepts never draws a complaint from the schema."""
        lines = SEED.read_text(encoding="utf-8").splitlines()
        edits = {
            "type: Development": ["type: development", "type: Test", "type: ${TYPE}"],
            "activation: automatic": ["activation: manual", "activation: Manual"],
            "expires: future": ["expires: 2027-06-30", "expires: Future"],
            "only: true": ["only: false", "only: yes"],
            "timeout: 5m": ["timeout: 1h30m", "timeout: 90s"],
            "      new: []": ["      new: Test", "      new: [test, Staging]"],
            "    # login_path: /Login": ["    login_path: /Admin/Login"],
            '    # contains: "some text"': ["    contains: Welcome"],
        }
        for index, line in enumerate(lines):
            for before, choices in edits.items():
                if before in line and data.draw(st.booleans()):
                    lines[index] = line.replace(before, data.draw(st.sampled_from(choices)))
        text = "\n".join(lines) + "\n"
        path = tmp_path / "runbook.yaml"
        path.write_text(text, encoding="utf-8")
        runbook, problems = check(path, environ={**ENVIRON, "TYPE": "Staging"})
        if runbook is not None:
            assert errors(parse(text)) == []
        else:
            assert any(p.is_error for p in problems)
