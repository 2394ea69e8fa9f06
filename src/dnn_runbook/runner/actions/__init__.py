"""One module per kind of step; :func:`perform` picks the right one.

An action either returns an :class:`ActionResult` (done, or already done) or raises a
:class:`~dnn_runbook.exceptions.RunError` saying why the run must stop.
"""

from __future__ import annotations

from dnn_runbook.runbook import (
    AddLicenseStep,
    ConfirmStep,
    PreflightStep,
    RemoveLicenseStep,
    ScreenshotStep,
    VerifyLicenseStep,
    WaitHttpStep,
)
from dnn_runbook.runner.actions import http, human, licenses, preflight, screenshot
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext

__all__ = ["ActionResult", "perform"]


def perform(ctx: StepContext) -> ActionResult:
    """Carry out ``ctx.step``."""
    step = ctx.step
    if isinstance(step, PreflightStep):
        return preflight.run(ctx, step)
    if isinstance(step, AddLicenseStep):
        return licenses.add(ctx, step)
    if isinstance(step, RemoveLicenseStep):
        return licenses.remove(ctx, step)
    if isinstance(step, VerifyLicenseStep):
        return licenses.verify(ctx, step)
    if isinstance(step, ConfirmStep):
        return human.confirm(ctx, step)
    if isinstance(step, WaitHttpStep):
        return http.wait(ctx, step)
    if isinstance(step, ScreenshotStep):
        return screenshot.take(ctx, step)
    raise AssertionError(f"no action for {type(step).__name__}")  # the Step union is closed
