"""Help that reads well at 80 columns, and `dnn-runbook schema`."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.runbook.jsonschema import json_schema

COMMANDS = [
    "validate",
    "plan",
    "check",
    "run",
    "rehearse",
    "sandbox",
    "verify",
    "report",
    "doctor",
    "schema",
]


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


class TestHelpAt80Columns:
    @pytest.mark.parametrize("command", COMMANDS)
    def test_no_line_is_wider_than_the_terminal(self, command: str) -> None:
        """Every line fits in 80 columns."""
        assert max(len(line) for line in _help(command).splitlines()) <= 80

    @pytest.mark.parametrize("command", COMMANDS)
    def test_flags_show_readable_metavars_only(self, command: str) -> None:
        """No <bool> or <file> after a flag, no {RUNBOOK} placeholder."""
        text = _help(command)
        assert not re.search(
            r"<[a-z ]+>", text.replace("<UTC time>", "").replace("<runbook name>", "")
        )
        assert not re.search(r"\{[A-Z_]+\}", text)

    @pytest.mark.parametrize("command", COMMANDS)
    def test_no_word_is_split_at_a_hyphen(self, command: str) -> None:
        """retain-on-failure and licensing-down:old stay whole on one line."""
        for line in _help(command).splitlines():
            assert not re.search(r"\w-$", line), line

    def test_the_trace_modes_and_log_formats_are_listed(self) -> None:
        """--trace MODE and --log-format FORMAT say their choices in words."""
        text = " ".join(_help("run").split())
        assert "--trace MODE" in text
        assert "on, retain-on-failure (only when the run fails) or off" in text
        assert "--log-format FORMAT" in text

    def test_the_usage_line_names_the_runbook_plainly(self) -> None:
        """Usage: dnn-runbook run [OPTIONS] RUNBOOK."""
        assert _help("run").startswith("Usage: dnn-runbook run [OPTIONS] RUNBOOK\n")


class TestSchema:
    def test_prints_the_json_schema(self) -> None:
        """`dnn-runbook schema` prints the schema editors use, as JSON."""
        result = CliRunner().invoke(app, ["schema"])
        assert result.exit_code == 0
        assert json.loads(result.output) == json_schema()
