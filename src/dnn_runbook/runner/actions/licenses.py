"""``add_license``, ``remove_license`` and ``verify_license``: the steps that touch licenses.

Each reads the server's table first and does nothing when its effect is already there (a
resumed run, or an operator who did the step by hand), recording that with a screenshot.
Before a click the interlocks check the other servers as they are now. A click whose answer
never came, or that the page calls temporary, is retried only after reading the table again
to see whether the first attempt took effect.
"""

from __future__ import annotations

from datetime import date

from dnn_runbook.clock import iso, utc_now
from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.exceptions import ActivationLostError, PageError, StepFailedError
from dnn_runbook.runbook import (
    Activation,
    AddLicenseStep,
    LicenseType,
    RemoveLicenseStep,
    VerifyLicenseStep,
)
from dnn_runbook.runner.actions import _manual as manual
from dnn_runbook.runner.actions import lost_activation
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import ServerHandle, StepContext
from dnn_runbook.runner.interlocks import check_activation, check_removal
from dnn_runbook.runner.views import ServerView, activated_row, is_type, rows_for
from pages import LicenseRow, Outcome, OutcomeKind


def _said(ctx: StepContext, outcome: Outcome) -> str:
    """The page's answer as it may be logged: secrets redacted, on one line."""
    return " ".join(ctx.secrets.redact(outcome.message).split())


def _activated(view: ServerView, step: AddLicenseStep) -> LicenseRow | None:
    return activated_row(view, step.invoice.reveal(), step.type)


def _note_added(ctx: StepContext, license_type: LicenseType) -> None:
    """The Development window opens with the first Development activation (a resume keeps it)."""
    if license_type is LicenseType.DEVELOPMENT and ctx.journal.development_activated is None:
        ctx.journal.development_activated = iso(utc_now())
        ctx.journal.save()


def _note_removed(ctx: StepContext, license_type: LicenseType | None) -> None:
    """The Development window closes when the Development license goes."""
    if license_type is LicenseType.DEVELOPMENT:
        ctx.journal.development_removed = iso(utc_now())
        ctx.journal.save()


def add(ctx: StepContext, step: AddLicenseStep) -> ActionResult:
    """Add and activate the license, unless the server already holds it activated."""
    server = ctx.on(step.server)
    # The other servers first and this one last, right before the click (see remove()).
    others, view = server.views()
    if _activated(view, step) is not None:
        server.screenshot("already-done")
        _note_added(ctx, step.type)
        return ActionResult(
            StepStatus.ALREADY_DONE,
            f"{server.name} already holds an activated {step.type} license for invoice "
            f"{step.invoice.masked()}; nothing was clicked.",
        )
    if step.activation is Activation.AUTOMATIC and not view.licensing_reachable:
        raise StepFailedError(
            f"{server.name} cannot reach the DNN licensing service, so automatic "
            "activation would fail. Let the web server reach the licensing service, or set "
            "'activation: manual' on this step, then resume."
        )
    check_activation(
        server.name, step.type, step.invoice.reveal(), others, masked_invoice=step.invoice.masked()
    )
    server.about(reload=False)
    server.screenshot("before")
    delays = list(ctx.options.backoff)
    while True:
        ctx.record.attempts += 1
        # Saved before the click: a rollback trusts a count of 0 to mean nothing was clicked.
        ctx.journal.save()
        outcome = _activate_once(ctx, server, step)
        if outcome is not None and outcome.kind is OutcomeKind.ACTIVATED:
            server.screenshot("after")
            _note_added(ctx, step.type)
            said = _said(ctx, outcome)
            ctx.log.info(
                "license_activated", server=server.name, type=step.type.value, notification=said
            )
            return ActionResult(
                StepStatus.DONE, f"Activated the {step.type} license on {server.name}.", said
            )
        if outcome is not None and not outcome.temporary:
            raise StepFailedError(
                f"activating the {step.type} license on {server.name} failed; the "
                f"page said: {_said(ctx, outcome)}"
            )
        # No answer, or a temporary one: did the first attempt take effect after all?
        again = server.view()
        if _activated(again, step) is not None:
            server.screenshot("after")
            _note_added(ctx, step.type)
            return ActionResult(
                StepStatus.DONE,
                f"Activated the {step.type} license on {server.name} (the page's answer was lost; "
                "the table shows it).",
            )
        if not delays:
            why = _said(ctx, outcome) if outcome is not None else "the page never answered"
            raise StepFailedError(
                f"activating the {step.type} license on {server.name} did not "
                f"succeed after {ctx.record.attempts} attempts ({why}). Resume the run later."
            )
        delay = delays.pop(0)
        ctx.log.warning("activation_retry", server=server.name, delay_s=delay)
        ctx.console.activity(f"activation did not go through; retrying in {delay:g} s")
        ctx.wait(delay)


def _activate_once(ctx: StepContext, server: ServerHandle, step: AddLicenseStep) -> Outcome | None:
    """One try at the Add License form; ``None`` when the page never answered."""
    try:
        about = server.about(reload=False)
        ctx.console.activity(f"filling in Add License on {server.name}")
        form = about.add_license().fill(
            license_type=step.type.value,
            account_email=step.email.reveal(),
            invoice_number=step.invoice.reveal(),
        )
        if step.activation is Activation.AUTOMATIC:
            ctx.console.activity(f"pressing Automatic Activation on {server.name}")
            return form.activate_automatically()
        return manual.activate(ctx, server, step, form)
    except PageError as exc:
        ctx.log.warning("activation_no_answer", server=server.name, error=str(exc))
        return None


def _matching(view: ServerView, step: RemoveLicenseStep) -> list[LicenseRow]:
    return rows_for(view.rows, step.invoice.reveal(), step.type)


def remove(ctx: StepContext, step: RemoveLicenseStep) -> ActionResult:
    """Remove the license, unless the server no longer holds it."""
    if ctx.record.activation_lost is not None:
        return lost_activation.resume_past(ctx, step)
    server = ctx.on(step.server)
    what = f"{step.type} license" if step.type else "license"
    delays = list(ctx.options.backoff)
    while True:
        # The other servers first and this one last, right before the click, so that the
        # interlocks and the click both see this server as it is now.
        others, view = server.views()
        found = _matching(view, step)
        if not found and ctx.record.attempts:
            server.screenshot("after")
            _note_removed(ctx, step.type)
            return ActionResult(
                StepStatus.DONE,
                f"Removed the {what} from {server.name} (the page's answer was lost; the table no "
                "longer shows it). Check the invoice's activations with DNN if in doubt.",
            )
        if not found:
            server.screenshot("already-done")
            _note_removed(ctx, step.type)
            return ActionResult(
                StepStatus.ALREADY_DONE,
                f"{server.name} holds no {what} for invoice {step.invoice.masked()}; nothing was clicked.",
            )
        if len(found) > 1:
            raise StepFailedError(
                f"{server.name} holds {len(found)} licenses for invoice "
                f"{step.invoice.masked()} ({', '.join(r.license_type for r in found)}); name the "
                "one to remove with 'type:' in the runbook."
            )
        row = found[0]
        check_removal(view, row, others, masked_invoice=step.invoice.masked())
        result = _remove_once(ctx, server, step, row)
        if result is not None:
            return result
        if not delays:
            raise StepFailedError(
                f"removing the {row.license_type} license from {server.name} got "
                f"no clear answer in {ctx.record.attempts} attempts and the license is still "
                "there. Resume the run to try again."
            )
        delay = delays.pop(0)
        ctx.log.warning("removal_retry", server=server.name, delay_s=delay)
        ctx.console.activity(f"the removal got no clear answer; checking again in {delay:g} s")
        ctx.wait(delay)


def _remove_once(
    ctx: StepContext, server: ServerHandle, step: RemoveLicenseStep, row: LicenseRow
) -> ActionResult | None:
    """One click on the row's Remove and Yes; ``None`` when the answer was lost or temporary."""
    about = server.about(reload=False)
    server.screenshot("before")
    ctx.record.attempts += 1
    ctx.console.activity(f"removing the {row.license_type} license on {server.name}")
    try:
        outcome = about.remove_license(row)
    except PageError as exc:
        ctx.log.warning("removal_no_answer", server=server.name, error=str(exc))
        return None
    server.screenshot("after")
    said = _said(ctx, outcome)
    ctx.log.info(
        "license_removal_answer", server=server.name, kind=outcome.kind.value, notification=said
    )
    development = is_type(row, LicenseType.DEVELOPMENT)
    if outcome.activation_lost and not development:
        when = lost_activation.note_loss(ctx, said)
        raise ActivationLostError(
            f"the {row.license_type} license was deleted from {server.name} at "
            f"{when}, but its activation was NOT returned to invoice "
            f"{step.invoice.masked()} (the server could not reach the licensing service). Do not "
            "retry. Contact DNN Technical Support with the invoice number and this time so they "
            "can restore the activation, then resume the run with --support-case CASE-ID. The "
            "page said: " + said
        )
    if outcome.kind is OutcomeKind.DELETED or outcome.activation_lost:
        # A Development activation that did not go back costs nothing: they are unlimited.
        if development:
            _note_removed(ctx, LicenseType.DEVELOPMENT)
        return ActionResult(
            StepStatus.DONE, f"Removed the {row.license_type} license from {server.name}.", said
        )
    if not outcome.temporary:
        raise StepFailedError(
            f"removing the {row.license_type} license from {server.name} "
            f"failed; the page said: {said}"
        )
    return None


def verify(ctx: StepContext, step: VerifyLicenseStep) -> ActionResult:
    """Check the license is there, activated, expiring as expected, and (with only) alone."""
    server = ctx.on(step.server)
    view = server.view()
    server.screenshot("verify")
    rows = rows_for(view.rows, step.invoice.reveal(), step.type)
    problems: list[str] = []
    if not rows:
        problems.append(
            f"{server.name} holds no {step.type} license for invoice {step.invoice.masked()}"
        )
    else:
        row = rows[0]
        if not row.activated:
            problems.append(f"the {step.type} license on {server.name} is not activated")
        if row.expires is None:
            problems.append("its EXPIRES column is empty")
        elif isinstance(step.expires, date):
            if row.expires != step.expires:
                problems.append(
                    f"EXPIRES shows {row.expires.isoformat()}, not {step.expires.isoformat()}"
                )
        elif row.expires <= date.today():
            problems.append(f"EXPIRES shows {row.expires.isoformat()}, which is not in the future")
    if step.only:
        extra = [r for r in view.rows if r not in rows[:1]]
        if extra:
            problems.append(
                "other licenses are left over: "
                + ", ".join(f"{r.license_type} ({r.masked_invoice})" for r in extra)
            )
    if problems:
        raise StepFailedError("verification failed: " + "; ".join(problems) + ".")
    # No problem: the row is there with an EXPIRES date (a date prints as YYYY-MM-DD).
    return ActionResult(
        StepStatus.DONE,
        f"{server.name} holds an activated {step.type} license for invoice {step.invoice.masked()}, "
        f"expiring {rows[0].expires}" + (", and nothing else." if step.only else "."),
    )
