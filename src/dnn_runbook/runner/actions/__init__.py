"""One module per kind of step; :func:`perform` picks the right one.

An action either returns an :class:`ActionResult` (done, or already done) or raises a
:class:`~dnn_runbook.exceptions.RunError` saying why the run must stop. The match below is
the runner's only table of actions; the language's own (which settings each action takes)
is ``dnn_runbook.runbook._steps.ACTION_SETTINGS``.
"""

from __future__ import annotations

from dnn_runbook.runbook import (
    AddLicenseStep,
    ConfirmStep,
    PreflightStep,
    RemoveLicenseStep,
    ScreenshotStep,
    VerifyLicenseStep,
    WaitCutoverStep,
    WaitHttpStep,
)
from dnn_runbook.runner.actions import cutover, http, human, licenses, preflight, screenshot
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext

__all__ = ["ActionResult", "perform"]


def perform(ctx: StepContext) -> ActionResult:
    """Carry out ``ctx.step``."""
    match ctx.step:
        case PreflightStep() as step:
            return preflight.run(ctx, step)
        case AddLicenseStep() as step:
            return licenses.add(ctx, step)
        case RemoveLicenseStep() as step:
            return licenses.remove(ctx, step)
        case VerifyLicenseStep() as step:
            return licenses.verify(ctx, step)
        case ConfirmStep() as step:
            return human.confirm(ctx, step)
        case WaitHttpStep() as step:
            return http.wait(ctx, step)
        case WaitCutoverStep() as step:
            return cutover.wait(ctx, step)
        case ScreenshotStep() as step:
            return screenshot.take(ctx, step)
