"""``screenshot``: evidence of a server's Settings > About at a moment the runbook chooses."""

from __future__ import annotations

from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.runbook import ScreenshotStep
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext

#: How recently the server's page may have been loaded afresh for a screenshot step to take
#: it as shown: a step that read the same server just before (``verify_license``) leaves it
#: loaded a fraction of a second earlier, and loading it again would show the same.
AS_LOADED_WITHIN_S = 5.0


def take(ctx: StepContext, step: ScreenshotStep) -> ActionResult:
    """Open About on the server, read its table into the log, and take the screenshot.

    The page is loaded afresh unless the step before loaded it under
    :data:`AS_LOADED_WITHIN_S` ago and nothing has been done on it since; the message says so.
    """
    server = ctx.on(step.server)
    view = server.view(as_loaded_within=AS_LOADED_WITHIN_S)
    name = server.screenshot(step.label)
    where = f" as {name}" if name else " (screenshots are off)"
    count = len(view.rows)
    held = f"{count} license" if count == 1 else f"{count} licenses"
    loaded = (
        ""
        if view.loaded_s_ago is None
        else f", as loaded from the server {view.loaded_s_ago:.1f} s before with nothing done since"
    )
    return ActionResult(
        StepStatus.DONE,
        f"Recorded Settings > About on {step.server.name} ({held}){where}{loaded}.",
    )
