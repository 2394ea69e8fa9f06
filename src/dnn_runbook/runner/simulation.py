"""The runbook walked on a model of the servers: what a run would do, step by step, and where
it would stop. Nothing here touches a server.

``check`` reads every server's license table, then :func:`simulate` applies each step to a
model built from those tables, in order, as the run would: preflight's checks
(:mod:`~dnn_runbook.runner.actions.preflight`), each step's "already done" test, and before
each change the very interlocks of :mod:`~dnn_runbook.runner.interlocks`, evaluated on the
model as it would be at that moment. Row matching is :mod:`~dnn_runbook.runner.views`', as
everywhere. Each step becomes a :class:`PlannedStep` whose :meth:`~PlannedStep.sentence`
tells it: "step 5 would remove Production ••••01-1 from old; the interlock
'replacement-first' would hold because new would hold Development".

What the model cannot know: a license's EXPIRES before the licensing service has issued it,
and what the licensing service holds for servers outside the runbook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from dnn_runbook.exceptions import InterlockError
from dnn_runbook.licenses import LicenseType
from dnn_runbook.runbook import (
    Activation,
    AddLicenseStep,
    ConfirmStep,
    PreflightStep,
    RemoveLicenseStep,
    Runbook,
    ScreenshotStep,
    Step,
    VerifyLicenseStep,
    WaitCutoverStep,
    WaitHttpStep,
)
from dnn_runbook.runbook.durations import format_duration
from dnn_runbook.runner import endstate
from dnn_runbook.runner.actions.preflight import as_sentence, expectations, problems_with
from dnn_runbook.runner.interlocks import check_activation, check_removal
from dnn_runbook.runner.planned import InterlockCheck, PlannedStep, Simulation, Verdict
from dnn_runbook.runner.views import ServerView, activated_row, is_type, rows_for, types_held
from pages import LicenseRow

__all__ = ["InterlockCheck", "PlannedStep", "Simulation", "Verdict", "simulate"]

DEVELOPMENT = LicenseType.DEVELOPMENT


def _types(types: Sequence[LicenseType] | set[LicenseType]) -> str:
    names = sorted(str(kind) for kind in types)
    return ", ".join(names) if names else "no license"


class _Model:
    """The servers' tables as the walk changes them."""

    def __init__(self, views: Mapping[str, ServerView], web_servers: Mapping[str, str]) -> None:
        self.views = dict(views)
        self.web_servers = web_servers

    def others(self, name: str) -> dict[str, ServerView]:
        return {other: view for other, view in self.views.items() if other != name}

    def add(self, name: str, license_type: LicenseType, invoice: str) -> None:
        view = self.views[name]
        # EXPIRES comes from the licensing service: unknown until the activation.
        row = LicenseRow(license_type.value, invoice, self.web_servers.get(name, ""), True, None)
        self.views[name] = replace(view, rows=(*view.rows, row))

    def remove(self, name: str, row: LicenseRow) -> None:
        view = self.views[name]
        self.views[name] = replace(view, rows=tuple(held for held in view.rows if held is not row))


def _holding(view: ServerView, invoice: str) -> str:
    held = _types(
        {kind for kind in types_held(view, invoice) if activated_row(view, invoice, kind)}
    )
    return f"{view.name} would hold {held}"


class _Walk:
    def __init__(
        self,
        runbook: Runbook,
        model: _Model,
        unreadable: Mapping[str, str],
    ) -> None:
        self.runbook = runbook
        self.model = model
        self.unreadable = unreadable
        #: Set by preflight when the servers are already in the runbook's end state.
        self.migrated: str | None = None

    def step(self, step: Step) -> PlannedStep:
        match step:
            case PreflightStep():
                return self.preflight(step)
            case AddLicenseStep():
                return self.add(step)
            case RemoveLicenseStep():
                return self.remove(step)
            case VerifyLicenseStep():
                return self.verify(step)
            case ConfirmStep():
                return self._planned(step, f"would ask the operator to confirm: {step.message}")
            case WaitHttpStep():
                return self._planned(
                    step,
                    f"would wait until {step.url} answers HTTP {step.expect_status}"
                    + (f" with {step.contains!r} in the page" if step.contains else "")
                    + f", for at most {format_duration(step.timeout)} (not tried by check: "
                    "it means something only once the run has got there)",
                )
            case WaitCutoverStep():
                return self._planned(
                    step,
                    "would "
                    + step.describe()[0].lower()
                    + step.describe()[1:].rstrip(".")
                    + " (not tried by check: it means something only once DNS has moved)",
                )
            case ScreenshotStep():
                return self._planned(
                    step, f"would take a screenshot of Settings > About on {step.server.name}"
                )

    def _planned(
        self,
        step: Step,
        text: str,
        verdict: Verdict = Verdict.WOULD_RUN,
        *,
        interlocks: Sequence[InterlockCheck] = (),
        reason: str | None = None,
    ) -> PlannedStep:
        return PlannedStep(
            step.index, step.id, step.action.value, verdict, text, tuple(interlocks), reason
        )

    def _unread(self, step: Step, name: str, text: str) -> PlannedStep | None:
        if name in self.model.views:
            return None
        why = as_sentence(self.unreadable.get(name, "it was not read"))
        return self._planned(
            step, text, Verdict.WOULD_FAIL, reason=f"{name} could not be read: {why}"
        )

    def preflight(self, step: PreflightStep) -> PlannedStep:
        wanted = expectations(self.runbook, step)
        invoice, masked = step.invoice.reveal(), step.invoice.masked()
        problems: list[str] = []
        held: list[str] = []
        for spec in step.servers:
            view = self.model.views.get(spec.name)
            if view is None:
                why = as_sentence(self.unreadable.get(spec.name, "it was not read"))
                problems.append(f"{spec.name} ({spec.url}) could not be read: {why}")
                continue
            problems += problems_with(spec.name, view, wanted[spec.name], invoice, masked)
            reach = "reaches" if view.licensing_reachable else "cannot reach"
            held.append(
                f"{spec.name} holds {_types(types_held(view, invoice))} for invoice {masked} "
                f"and {reach} the licensing service"
            )
        names = [spec.name for spec in step.servers]
        text = "would log in to " + (
            names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        )
        start = {
            n: set(e.exactly) if e.exactly is not None else e.must_hold for n, e in wanted.items()
        }
        views = {spec.name: self.model.views.get(spec.name) for spec in step.servers}
        read = {name: view for name, view in views.items() if view is not None}
        if len(read) == len(views) and endstate.already_migrated(
            self.runbook, start, read, invoice
        ):
            held_now = f"{endstate.words(read, invoice)} for invoice {masked}"
            self.migrated = f"Already migrated: {held_now}."
            return self._planned(
                step,
                f"{text} and find the servers already migrated ({held_now}): the run would "
                "change nothing and end with exit 0",
            )
        if problems:
            return self._planned(
                step,
                text,
                Verdict.REFUSED,
                reason="Preflight would refuse to start, and nothing would change: "
                + " ".join(problems),
            )
        return self._planned(step, f"{text} and pass: {'; '.join(held)}")

    def add(self, step: AddLicenseStep) -> PlannedStep:
        name, kind = step.server.name, step.type
        invoice, masked = step.invoice.reveal(), step.invoice.masked()
        text = f"would add {kind} {masked} on {name} ({step.activation} activation)"
        unread = self._unread(step, name, text)
        if unread is not None:
            return unread
        view = self.model.views[name]
        if activated_row(view, invoice, kind) is not None:
            return self._planned(step, text, Verdict.ALREADY_DONE)
        if step.activation is Activation.AUTOMATIC and not view.licensing_reachable:
            return self._planned(
                step,
                text,
                Verdict.WOULD_FAIL,
                reason=f"{name} cannot reach the DNN licensing service, so automatic activation "
                "would fail: set 'activation: manual' on this step, or open the firewall.",
            )
        checks: list[InterlockCheck] = []
        if kind.single_activation:
            others = self.model.others(name)
            try:
                check_activation(name, kind, invoice, others, masked_invoice=masked)
            except InterlockError as exc:
                return self._refused(step, text, exc)
            checks.append(
                InterlockCheck(
                    "single-activation",
                    True,
                    f"no other server would hold {kind} for invoice {masked}",
                )
            )
        else:
            text += "; no interlock applies (Development activations are unlimited)"
        self.model.add(name, kind, invoice)
        return self._planned(step, text, interlocks=checks)

    def remove(self, step: RemoveLicenseStep) -> PlannedStep:
        name, masked = step.server.name, step.invoice.masked()
        what = f"{step.type} {masked}" if step.type else f"the license {masked}"
        text = f"would remove {what} from {name}"
        unread = self._unread(step, name, text)
        if unread is not None:
            return unread
        view = self.model.views[name]
        found = rows_for(view.rows, step.invoice.reveal(), step.type)
        if not found:
            return self._planned(step, text, Verdict.ALREADY_DONE)
        if len(found) > 1:
            return self._planned(
                step,
                text,
                Verdict.WOULD_FAIL,
                reason=f"{name} would hold {len(found)} licenses for invoice {masked} "
                f"({', '.join(row.license_type for row in found)}); name the one to remove "
                "with 'type:' in the runbook.",
            )
        row = found[0]
        others = self.model.others(name)
        try:
            check_removal(view, row, others, masked_invoice=masked)
        except InterlockError as exc:
            return self._refused(step, text, exc)
        checks = self._removal_reasons(view, row, others)
        self.model.remove(name, row)
        return self._planned(step, text, interlocks=checks)

    def _removal_reasons(
        self, view: ServerView, row: LicenseRow, others: Mapping[str, ServerView]
    ) -> list[InterlockCheck]:
        """Why each interlock that ``check_removal`` just passed holds."""
        invoice = row.invoice_number
        if not is_type(row, DEVELOPMENT):
            holders = [other for other in others.values() if activated_row(other, invoice)]
            return [
                InterlockCheck(
                    "reachable-before-remove",
                    True,
                    f"{view.name} reaches the licensing service",
                ),
                InterlockCheck(
                    "replacement-first", True, " and ".join(_holding(h, invoice) for h in holders)
                ),
            ]
        kept = [held for held in view.rows if held is not row and held.activated]
        if kept:
            because = f"{view.name} would keep its activated {kept[0].license_type} license"
        else:
            holders = [
                other
                for other in others.values()
                if any(
                    held.activated and not is_type(held, DEVELOPMENT)
                    for held in rows_for(other.rows, invoice)
                )
            ]
            because = " and ".join(_holding(h, invoice) for h in holders)
        return [InterlockCheck("development-removed-last", True, because)]

    def _refused(self, step: Step, text: str, exc: InterlockError) -> PlannedStep:
        message = str(exc).split(": ", 1)[-1]
        return self._planned(
            step,
            text,
            Verdict.REFUSED,
            interlocks=[InterlockCheck(exc.rule, False, message)],
            reason="The run would stop here before anything is clicked.",
        )

    def verify(self, step: VerifyLicenseStep) -> PlannedStep:
        name, kind, masked = step.server.name, step.type, step.invoice.masked()
        when = (
            f"on {step.expires.isoformat()}" if isinstance(step.expires, date) else "in the future"
        )
        text = (
            f"would check that {name} holds an activated {kind} license for invoice {masked} "
            f"expiring {when}" + (", and nothing else" if step.only else "")
        )
        unread = self._unread(step, name, text)
        if unread is not None:
            return unread
        view = self.model.views[name]
        rows = rows_for(view.rows, step.invoice.reveal(), kind)
        problems: list[str] = []
        if not rows:
            problems.append(f"{name} would hold no {kind} license for invoice {masked}")
        else:
            row = rows[0]
            if not row.activated:
                problems.append(f"the {kind} license on {name} would not be activated")
            elif row.expires is None:
                text += " (EXPIRES is known only once the licensing service has activated it)"
            elif isinstance(step.expires, date) and row.expires != step.expires:
                problems.append(f"EXPIRES shows {row.expires.isoformat()}")
            elif not isinstance(step.expires, date) and row.expires <= date.today():
                problems.append(f"EXPIRES shows {row.expires.isoformat()}, not in the future")
        if step.only:
            extra = [held for held in view.rows if held not in rows[:1]]
            if extra:
                problems.append(
                    "other licenses would be left over: "
                    + ", ".join(f"{held.license_type} ({held.masked_invoice})" for held in extra)
                )
        if problems:
            return self._planned(
                step, text, Verdict.WOULD_FAIL, reason="It would fail: " + "; ".join(problems) + "."
            )
        return self._planned(step, text)


def simulate(
    runbook: Runbook,
    steps: Sequence[Step],
    views: Mapping[str, ServerView],
    *,
    web_servers: Mapping[str, str] | None = None,
    unreadable: Mapping[str, str] | None = None,
    refused_before: str | None = None,
) -> Simulation:
    """Walk ``steps`` (the run's, an implicit preflight included) on ``views``.

    Args:
        runbook: the runbook the steps come from.
        steps: the steps the run would take, in order.
        views: each readable server's table and licensing reachability, as read now.
        web_servers: each server's own Web Server name, for the rows the walk adds.
        unreadable: why each server that could not be read was not.
        refused_before: why the run would be refused before its first step (an earlier
            run's open development window), if it would be.
    """
    model = _Model(views, web_servers or {})
    walk = _Walk(runbook, model, unreadable or {})
    planned: list[PlannedStep] = []
    stopped = refused_before
    for step in steps:
        if stopped is not None:
            planned.append(
                PlannedStep(
                    step.index,
                    step.id,
                    step.action.value,
                    Verdict.NOT_REACHED,
                    "would not be reached",
                    reason=stopped,
                )
            )
            continue
        if walk.migrated is not None:
            planned.append(
                PlannedStep(
                    step.index,
                    step.id,
                    step.action.value,
                    Verdict.ALREADY_DONE,
                    "would be recorded as already done",
                    reason=walk.migrated,
                )
            )
            continue
        result = walk.step(step)
        planned.append(result)
        if result.stops_the_run:
            stopped = f"The run would stop at step {step.id!r} first."
    return Simulation(tuple(planned), dict(model.views), refused_before)
