"""``confirm``: a step only a person can do, such as the DNS cut-over."""

from __future__ import annotations

from dnn_runbook.exceptions import OperatorDeclinedError
from dnn_runbook.runbook import ConfirmStep
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext
from dnn_runbook.runner.journal import StepStatus


def confirm(ctx: StepContext, step: ConfirmStep) -> ActionResult:
    """Show the instruction and wait for the operator's yes."""
    confirmed = ctx.console.confirm(step.message, assume_yes=ctx.settings.assume_yes)
    ctx.log.info("operator_answer", confirmed=confirmed, by_flag=ctx.settings.assume_yes)
    if not confirmed:
        raise OperatorDeclinedError(
            f"Step {step.id!r}: the operator did not confirm '{step.message.strip()}'. Nothing "
            "after it was done; resume the run with --resume once the step is done."
        )
    how = "--yes" if ctx.settings.assume_yes else "the operator"
    return ActionResult(StepStatus.DONE, f"Confirmed by {how}.")
