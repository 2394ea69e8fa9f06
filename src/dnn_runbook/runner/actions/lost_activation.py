"""A license deleted without its activation going back, and the support case that lets a
resumed run go past it.

Only DNN Technical Support can give such an activation back to the invoice, so the step that
lost it is recorded as failed with the time of the loss (``activation_lost`` in the journal),
and a resume stops there again, without touching any server, until the operator names the
support case with ``--support-case ID``. The case is then recorded in the journal (the step's
``support_case``), in the events (``support_case_confirmed``) and so in the report and the
evidence chain, and the run goes on.
"""

from __future__ import annotations

import re

from dnn_runbook.clock import iso, utc_now
from dnn_runbook.evidence.journal import Journal, StepStatus
from dnn_runbook.exceptions import StepFailedError, SupportCaseError
from dnn_runbook.runbook import RemoveLicenseStep
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext

#: A support case ID as DNN's support portal or a change ticket writes it.
CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._#/:-]{0,63}")


def case_problems(support_case: str | None, *, resuming: bool) -> list[str]:
    """What is wrong with ``--support-case``, as sentences (none when it is fine)."""
    if support_case is None:
        return []
    if not resuming:
        return [
            "--support-case confirms the DNN support case for an activation a run lost; give it "
            "with --resume RUN_DIR of that run."
        ]
    if CASE_ID.fullmatch(support_case) is None:
        return [
            "--support-case must be the case's ID: 1 to 64 letters, digits, spaces and "
            f"'._#/:-', starting with a letter or digit (got {support_case[:80]!r})."
        ]
    return []


def check_case_fits(journal: Journal, support_case: str | None) -> None:
    """Refuse a ``--support-case`` for a run that lost no activation still unconfirmed.

    Raises:
        SupportCaseError: no step of the run waits for a support case.
    """
    if support_case is None:
        return
    if not any(r.activation_lost and not r.support_case for r in journal.steps):
        raise SupportCaseError(
            f"--support-case {support_case!r} was given, but no step of run {journal.run_id} "
            "lost an activation that waits for a support case; nothing was started. Leave "
            "--support-case out."
        )


def note_loss(ctx: StepContext, notification: str) -> str:
    """Record in the journal, before the run stops, that this step lost an activation: when,
    and what the page said. Returns the time."""
    when = str(iso(utc_now()))
    ctx.record.activation_lost = when
    ctx.record.notification = notification
    ctx.journal.save()
    return when


def resume_past(ctx: StepContext, step: RemoveLicenseStep) -> ActionResult:
    """The step that lost an activation, run again by a resume: refused until the operator
    names the support case, then recorded as done with the case; no server is touched.

    Raises:
        StepFailedError: no ``--support-case`` was given.
    """
    record = ctx.record
    what = f"{step.type} license" if step.type else "license"
    lost = (
        f"The {what} was deleted from {step.server.name} at {record.activation_lost} but its "
        f"activation was NOT returned to invoice {step.invoice.masked()}"
    )
    case = ctx.options.support_case
    if case is None:
        raise StepFailedError(
            f"{lost}. The run goes past this step only once DNN Technical Support has a case for "
            "it: resume with --support-case CASE-ID (the case's ID, recorded in the evidence)."
        )
    record.support_case = case
    ctx.journal.save()
    ctx.log.warning(
        "support_case_confirmed", support_case=case, activation_lost=record.activation_lost
    )
    return ActionResult(
        StepStatus.DONE,
        f"{lost}; the operator confirmed DNN support case {case} for it, and the run went on.",
    )
