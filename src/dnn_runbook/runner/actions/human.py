"""``confirm``: a step only a person can do, such as the DNS cut-over."""

from __future__ import annotations

from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.exceptions import OperatorDeclinedError
from dnn_runbook.runbook import ConfirmStep
from dnn_runbook.runner import attention
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext


def confirm(ctx: StepContext, step: ConfirmStep) -> ActionResult:
    """Show the instruction and wait for the operator's yes."""
    notice = None
    if not ctx.options.assume_yes:
        notice = attention.waiting(
            ctx.options.notify_command, bell=ctx.options.bell, step_id=step.id
        )
    confirmed = ctx.console.confirm(step.message, assume_yes=ctx.options.assume_yes)
    if notice is not None:
        notice.settle(ctx.log)
    ctx.log.info("operator_answer", confirmed=confirmed, by_flag=ctx.options.assume_yes)
    if not confirmed:
        # The sentence's own full stop ends it: "… confirm 'Point DNS at new'.", not "new.'.".
        asked = step.message.strip().removesuffix(".")
        raise OperatorDeclinedError(
            f"the operator did not confirm '{asked}'. Nothing "
            "after it was done; resume the run with --resume once the step is done."
        )
    how = "--yes" if ctx.options.assume_yes else "the operator"
    return ActionResult(StepStatus.DONE, f"Confirmed by {how}.")
