"""``screenshot``: evidence of a server's Settings > About at a moment the runbook chooses."""

from __future__ import annotations

from dnn_runbook.runbook import ScreenshotStep
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext
from dnn_runbook.runner.journal import StepStatus


def take(ctx: StepContext, step: ScreenshotStep) -> ActionResult:
    """Open About on the server, read its table into the log, and take the screenshot."""
    view = ctx.view(step.server)
    name = ctx.screenshot(step.server, step.label)
    where = f" as {name}" if name else " (screenshots are off)"
    return ActionResult(
        StepStatus.DONE,
        f"Recorded Settings > About on {step.server.name} ({len(view.rows)} licenses){where}.",
    )
