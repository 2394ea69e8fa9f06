"""The exception hierarchy: exit codes from ExitCode, and the step attached once."""

from __future__ import annotations

import pytest

from dnn_runbook.exceptions import (
    InterlockError,
    OperatorDeclinedError,
    PageTimeoutError,
    PreflightRefusedError,
    RunInterruptedError,
    StepFailedError,
    step_context,
)
from dnn_runbook.exit_codes import ExitCode


class TestExitCodes:
    def test_each_stop_has_its_documented_code(self) -> None:
        """1 failed, 3 declined, 4 refused, 130 interrupted: all spelled by ExitCode."""
        assert StepFailedError.exit_code is ExitCode.STEP_FAILED
        assert OperatorDeclinedError.exit_code is ExitCode.DECLINED
        assert PreflightRefusedError.exit_code is ExitCode.PREFLIGHT_REFUSED
        assert RunInterruptedError.exit_code is ExitCode.INTERRUPTED == 130


class TestStepContext:
    def test_the_step_leads_the_message(self) -> None:
        """An error raised inside a step says which step, once."""
        with pytest.raises(StepFailedError) as info, step_context("remove-prod-on-old"):
            raise StepFailedError("the page said no.")
        assert str(info.value) == "Step 'remove-prod-on-old': the page said no."
        assert info.value.step_id == "remove-prod-on-old"
        assert info.value.args == ("the page said no.",)

    def test_the_innermost_step_wins(self) -> None:
        """Nested contexts do not stack prefixes."""
        with pytest.raises(InterlockError) as info, step_context("outer"), step_context("inner"):
            raise InterlockError("replacement-first", "no other server holds it.")
        assert str(info.value).startswith("Step 'inner': Interlock 'replacement-first'")

    def test_any_error_of_the_hierarchy_is_attached(self) -> None:
        """A page error too, not only a run's own errors."""
        with pytest.raises(PageTimeoutError) as info, step_context("verify-new"):
            raise PageTimeoutError("the table did not load.")
        assert str(info.value) == "Step 'verify-new': the table did not load."

    def test_other_exceptions_pass_untouched(self) -> None:
        """Only the project's errors carry a step."""
        with pytest.raises(ValueError, match=r"^plain$"), step_context("x"):
            raise ValueError("plain")

    def test_outside_a_step_the_message_is_bare(self) -> None:
        """No step, no prefix."""
        assert str(StepFailedError("bare.")) == "bare."
