"""``add_license``, ``remove_license`` and ``verify_license``: the steps that touch licenses.

Each reads the server's table first and does nothing when its effect is already there (a
resumed run, or an operator who did the step by hand), recording that with a screenshot.
Before a click the interlocks check the other servers as they are now. A click whose answer
never came, or that the page calls temporary, is retried only after reading the table again
to see whether the first attempt took effect.
"""

from __future__ import annotations

from datetime import date

from dnn_runbook.evidence.redact import Redactor
from dnn_runbook.exceptions import (
    ActivationLostError,
    PageError,
    StepFailedError,
)
from dnn_runbook.runbook import (
    Activation,
    AddLicenseStep,
    LicenseType,
    RemoveLicenseStep,
    VerifyLicenseStep,
)
from dnn_runbook.runner import manual
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext
from dnn_runbook.runner.interlocks import ServerView, check_activation, check_removal
from dnn_runbook.runner.journal import StepStatus, iso, utc_now
from pages import LicenseRow, Outcome, OutcomeKind


def _same_type(row: LicenseRow, license_type: LicenseType) -> bool:
    return row.license_type.strip().casefold() == license_type.value.casefold()


def _same_invoice(row: LicenseRow, invoice: str) -> bool:
    return row.invoice_number.strip() == invoice.strip()


def _said(ctx: StepContext, outcome: Outcome) -> str:
    """The page's answer as it may be logged: secrets redacted, on one line."""
    return " ".join(Redactor(ctx.secrets()).redact(outcome.message).split())


def _activated(view: ServerView, step: AddLicenseStep) -> LicenseRow | None:
    return next(
        (
            row
            for row in view.rows
            if row.activated
            and _same_type(row, step.type)
            and _same_invoice(row, step.invoice.reveal())
        ),
        None,
    )


def _note_development(ctx: StepContext, license_type: LicenseType, *, added: bool) -> None:
    if license_type is not LicenseType.DEVELOPMENT:
        return
    now = iso(utc_now())
    if added and ctx.journal.development_activated is None:
        ctx.journal.development_activated = now
    elif not added:
        ctx.journal.development_removed = now
    ctx.journal.save()


def add(ctx: StepContext, step: AddLicenseStep) -> ActionResult:
    """Add and activate the license, unless the server already holds it activated."""
    spec = step.server
    # The other servers first and this one last, right before the click (see remove()).
    others = ctx.other_views(spec)
    view = ctx.view(spec)
    if _activated(view, step) is not None:
        ctx.screenshot(spec, "already-done")
        _note_development(ctx, step.type, added=True)
        return ActionResult(
            StepStatus.ALREADY_DONE,
            f"{spec.name} already holds an activated {step.type} license for invoice "
            f"{step.invoice.masked()}; nothing was clicked.",
        )
    if step.activation is Activation.AUTOMATIC and not view.licensing_reachable:
        raise StepFailedError(
            f"Step {step.id!r}: {spec.name} cannot reach the DNN licensing service, so automatic "
            "activation would fail. Let the web server reach the licensing service, or set "
            "'activation: manual' on this step, then resume."
        )
    check_activation(
        spec.name,
        step.type.value,
        step.invoice.reveal(),
        others,
        masked_invoice=step.invoice.masked(),
    )
    ctx.about(spec, reload=False)
    ctx.screenshot(spec, "before")
    delays = list(ctx.settings.backoff)
    while True:
        ctx.record.attempts += 1
        outcome = _activate_once(ctx, step)
        if outcome is not None and outcome.kind is OutcomeKind.ACTIVATED:
            ctx.screenshot(spec, "after")
            _note_development(ctx, step.type, added=True)
            said = _said(ctx, outcome)
            ctx.log.info(
                "license_activated", server=spec.name, type=step.type.value, notification=said
            )
            return ActionResult(
                StepStatus.DONE, f"Activated the {step.type} license on {spec.name}.", said
            )
        if outcome is not None and not outcome.temporary:
            raise StepFailedError(
                f"Step {step.id!r}: activating the {step.type} license on {spec.name} failed; the "
                f"page said: {_said(ctx, outcome)}"
            )
        # No answer, or a temporary one: did the first attempt take effect after all?
        again = ctx.view(spec)
        if _activated(again, step) is not None:
            ctx.screenshot(spec, "after")
            _note_development(ctx, step.type, added=True)
            return ActionResult(
                StepStatus.DONE,
                f"Activated the {step.type} license on {spec.name} (the page's answer was lost; "
                "the table shows it).",
            )
        if not delays:
            why = _said(ctx, outcome) if outcome is not None else "the page never answered"
            raise StepFailedError(
                f"Step {step.id!r}: activating the {step.type} license on {spec.name} did not "
                f"succeed after {ctx.record.attempts} attempts ({why}). Resume the run later."
            )
        delay = delays.pop(0)
        ctx.log.warning("activation_retry", server=spec.name, delay_s=delay)
        ctx.console.activity(f"activation did not go through; retrying in {delay:g} s")
        ctx.settings.sleep(delay)


def _activate_once(ctx: StepContext, step: AddLicenseStep) -> Outcome | None:
    """One try at the Add License form; ``None`` when the page never answered."""
    spec = step.server
    try:
        about = ctx.about(spec, reload=False)
        ctx.console.activity(f"filling in Add License on {spec.name}")
        form = about.add_license().fill(
            license_type=step.type.value,
            account_email=step.email.reveal(),
            invoice_number=step.invoice.reveal(),
        )
        if step.activation is Activation.AUTOMATIC:
            ctx.console.activity(f"pressing Automatic Activation on {spec.name}")
            return form.activate_automatically()
        return manual.activate(ctx, step, form)
    except PageError as exc:
        ctx.log.warning("activation_no_answer", server=spec.name, error=str(exc))
        return None


def _matching(view: ServerView, step: RemoveLicenseStep) -> list[LicenseRow]:
    invoice = step.invoice.reveal()
    return [
        row
        for row in view.rows
        if _same_invoice(row, invoice) and (step.type is None or _same_type(row, step.type))
    ]


def remove(ctx: StepContext, step: RemoveLicenseStep) -> ActionResult:
    """Remove the license, unless the server no longer holds it."""
    spec = step.server
    what = f"{step.type} license" if step.type else "license"
    delays = list(ctx.settings.backoff)
    while True:
        # The other servers first and this one last, right before the click, so that the
        # interlocks and the click both see this server as it is now.
        others = ctx.other_views(spec)
        view = ctx.view(spec)
        found = _matching(view, step)
        if not found and ctx.record.attempts:
            ctx.screenshot(spec, "after")
            _note_removed(ctx, step.type)
            return ActionResult(
                StepStatus.DONE,
                f"Removed the {what} from {spec.name} (the page's answer was lost; the table no "
                "longer shows it). Check the invoice's activations with DNN if in doubt.",
            )
        if not found:
            ctx.screenshot(spec, "already-done")
            _note_removed(ctx, step.type)
            return ActionResult(
                StepStatus.ALREADY_DONE,
                f"{spec.name} holds no {what} for invoice {step.invoice.masked()}; nothing was clicked.",
            )
        if len(found) > 1:
            raise StepFailedError(
                f"Step {step.id!r}: {spec.name} holds {len(found)} licenses for invoice "
                f"{step.invoice.masked()} ({', '.join(r.license_type for r in found)}); name the "
                "one to remove with 'type:' in the runbook."
            )
        row = found[0]
        check_removal(view, row, others, masked_invoice=step.invoice.masked())
        result = _remove_once(ctx, step, row)
        if result is not None:
            return result
        if not delays:
            raise StepFailedError(
                f"Step {step.id!r}: removing the {row.license_type} license from {spec.name} got "
                f"no clear answer in {ctx.record.attempts} attempts and the license is still "
                "there. Resume the run to try again."
            )
        delay = delays.pop(0)
        ctx.log.warning("removal_retry", server=spec.name, delay_s=delay)
        ctx.console.activity(f"the removal got no clear answer; checking again in {delay:g} s")
        ctx.settings.sleep(delay)


def _note_removed(ctx: StepContext, license_type: LicenseType | None) -> None:
    if license_type is LicenseType.DEVELOPMENT:
        _note_development(ctx, license_type, added=False)


def _remove_once(ctx: StepContext, step: RemoveLicenseStep, row: LicenseRow) -> ActionResult | None:
    """One click on the row's Remove and Yes; ``None`` when the answer was lost or temporary."""
    spec = step.server
    about = ctx.about(spec, reload=False)
    ctx.screenshot(spec, "before")
    ctx.record.attempts += 1
    ctx.console.activity(f"removing the {row.license_type} license on {spec.name}")
    try:
        outcome = about.remove_license(row)
    except PageError as exc:
        ctx.log.warning("removal_no_answer", server=spec.name, error=str(exc))
        return None
    ctx.screenshot(spec, "after")
    said = _said(ctx, outcome)
    ctx.log.info(
        "license_removal_answer", server=spec.name, kind=outcome.kind.value, notification=said
    )
    development = _same_type(row, LicenseType.DEVELOPMENT)
    if outcome.activation_lost and not development:
        raise ActivationLostError(
            f"Step {step.id!r}: the {row.license_type} license was deleted from {spec.name} at "
            f"{iso(utc_now())}, but its activation was NOT returned to invoice "
            f"{step.invoice.masked()} (the server could not reach the licensing service). Do not "
            "retry. Contact DNN Technical Support with the invoice number and this time so they "
            "can restore the activation. The page said: " + said
        )
    if outcome.kind is OutcomeKind.DELETED or outcome.activation_lost:
        # A Development activation that did not go back costs nothing: they are unlimited.
        if development:
            _note_development(ctx, LicenseType.DEVELOPMENT, added=False)
        return ActionResult(
            StepStatus.DONE, f"Removed the {row.license_type} license from {spec.name}.", said
        )
    if not outcome.temporary:
        raise StepFailedError(
            f"Step {step.id!r}: removing the {row.license_type} license from {spec.name} "
            f"failed; the page said: {said}"
        )
    return None


def verify(ctx: StepContext, step: VerifyLicenseStep) -> ActionResult:
    """Check the license is there, activated, expiring as expected, and (with only) alone."""
    spec = step.server
    view = ctx.view(spec)
    ctx.screenshot(spec, "verify")
    invoice = step.invoice.reveal()
    rows = [r for r in view.rows if _same_type(r, step.type) and _same_invoice(r, invoice)]
    problems: list[str] = []
    if not rows:
        problems.append(
            f"{spec.name} holds no {step.type} license for invoice {step.invoice.masked()}"
        )
    else:
        row = rows[0]
        if not row.activated:
            problems.append(f"the {step.type} license on {spec.name} is not activated")
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
        raise StepFailedError(
            f"Step {step.id!r}: verification failed: " + "; ".join(problems) + "."
        )
    row = rows[0]
    expires = row.expires.isoformat() if row.expires else "?"
    return ActionResult(
        StepStatus.DONE,
        f"{spec.name} holds an activated {step.type} license for invoice {step.invoice.masked()}, "
        f"expiring {expires}" + (", and nothing else." if step.only else "."),
    )
