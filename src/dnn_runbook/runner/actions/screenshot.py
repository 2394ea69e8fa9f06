"""``screenshot``: evidence of a server's Settings > About at a moment the runbook chooses."""

from __future__ import annotations

from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.runbook import ScreenshotStep
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext


def take(ctx: StepContext, step: ScreenshotStep) -> ActionResult:
    """Open About on the server, read its table into the log, and take the screenshot."""
    server = ctx.on(step.server)
    view = server.view()
    name = server.screenshot(step.label)
    where = f" as {name}" if name else " (screenshots are off)"
    count = len(view.rows)
    held = f"{count} license" if count == 1 else f"{count} licenses"
    return ActionResult(
        StepStatus.DONE, f"Recorded Settings > About on {step.server.name} ({held}){where}."
    )
