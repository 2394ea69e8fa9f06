"""What an action reports when it did not stop the run."""

from __future__ import annotations

from dataclasses import dataclass

from dnn_runbook.runner.journal import StepStatus


@dataclass(frozen=True, slots=True)
class ActionResult:
    """``status`` is DONE or ALREADY_DONE; ``message`` says what happened in one sentence,
    without secrets; ``notification`` is the page's answer (redacted), if there was one."""

    status: StepStatus
    message: str
    notification: str | None = None
