"""The application layer's run: what a command gets back, before any browser starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from dnn_runbook.app.rehearse import rehearse
from dnn_runbook.app.run import run
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runner.options import RunOptions
from tests.support import SEED_RUNBOOK


class TestRun:
    def test_an_invalid_runbook_returns_its_problems_and_starts_nothing(
        self, tmp_path: Path
    ) -> None:
        """Variables unset: exit 2, every problem returned, no run directory made."""
        result = run(SEED_RUNBOOK, RunOptions(evidence_dir=tmp_path / "ev"), environ={})
        assert result.exit_code is ExitCode.INVALID
        assert result.problems
        assert all(p.is_error for p in result.problems)
        assert result.error == f"{SEED_RUNBOOK}: invalid; nothing was started."
        assert result.run_dir is None
        assert not (tmp_path / "ev").exists()

    def test_a_missing_runbook_says_so(self, tmp_path: Path) -> None:
        """No file: exit 2 with one sentence."""
        result = run(tmp_path / "nope.yaml", RunOptions())
        assert result.exit_code is ExitCode.INVALID
        assert result.error == f"the runbook {tmp_path / 'nope.yaml'} does not exist."

    def test_a_rehearsal_of_a_missing_runbook_starts_no_sandbox(self, tmp_path: Path) -> None:
        """rehearse refuses before the sandbox starts."""
        result = rehearse(tmp_path / "nope.yaml", RunOptions())
        assert result.exit_code is ExitCode.INVALID
        assert result.state == {}


class TestRunOptions:
    def test_defaults_are_the_command_lines(self) -> None:
        """Every field has the default `dnn-runbook run` has."""
        options = RunOptions()
        assert (options.timeout_s, options.timeout_ms) == (30, 30_000)
        assert options.evidence_dir == Path("screenshots")
        assert options.screenshots
        assert not options.assume_yes

    def test_keyword_only(self) -> None:
        """Options are named, never positional."""
        with pytest.raises(TypeError):
            RunOptions(Path("x"))  # type: ignore[misc]

    @pytest.mark.parametrize(
        ("field", "value", "says"),
        [("timeout_s", 0.5, "at least 1 second"), ("slow_mo_ms", -1, "0 or more")],
    )
    def test_bad_values_are_refused_with_the_field_named(
        self, field: str, value: float, says: str
    ) -> None:
        """The message names the field, the expectation and what was given."""
        with pytest.raises(ValueError, match=f"RunOptions.{field} must be {says}"):
            RunOptions(**{field: value})
