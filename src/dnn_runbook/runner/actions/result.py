"""What an action reports when it did not stop the run."""

from __future__ import annotations

from dataclasses import dataclass

from dnn_runbook.evidence.journal import StepStatus


@dataclass(frozen=True, slots=True)
class ActionResult:
    """``status`` is DONE or ALREADY_DONE; ``message`` says what happened in one sentence,
    without secrets; ``notification`` is the page's answer (redacted), if there was one;
    ``ends_run``: nothing is left to do (preflight found the runbook's end state), so every
    later step is recorded as already done with this message and the run ends."""

    status: StepStatus
    message: str
    notification: str | None = None
    ends_run: bool = False
