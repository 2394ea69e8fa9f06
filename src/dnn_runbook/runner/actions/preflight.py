"""``preflight``: look at every server before anything changes, and refuse to start when
they are not as the runbook expects.

What "as expected" means comes from the step's ``expect:`` where it names a server, and
otherwise from the runbook itself: walking its steps in order tells which license types a
server must hold at the start (it removes them before adding them) and which it must not
(it adds them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.exceptions import (
    PageError,
    PreflightRefusedError,
    ServerAccessError,
    StepFailedError,
)
from dnn_runbook.runbook import (
    Activation,
    AddLicenseStep,
    LicenseType,
    PreflightStep,
    RemoveLicenseStep,
    Runbook,
)
from dnn_runbook.runner import endstate
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext
from dnn_runbook.runner.views import ServerView, is_type, types_held


@dataclass(slots=True)
class StartExpectation:
    """What one server must (and must not) hold for the invoice when the run starts."""

    exactly: tuple[LicenseType, ...] | None = None
    must_hold: set[LicenseType] = field(default_factory=set)
    must_not_hold: set[LicenseType] = field(default_factory=set)
    #: Whether a later step needs this server to reach the licensing service: an automatic
    #: activation, or a removal whose activation must go back to the invoice. A server only
    #: activated manually (behind a firewall) and only losing Development licenses does not.
    needs_service: bool = False


def expectations(runbook: Runbook, step: PreflightStep | None) -> dict[str, StartExpectation]:
    """The starting state each server must be in, from ``expect:`` or from the steps."""
    result = {name: StartExpectation() for name in runbook.servers}
    touched: dict[str, set[LicenseType]] = {name: set() for name in runbook.servers}
    for later in runbook.steps:
        if isinstance(later, AddLicenseStep):
            name, kind = later.server.name, later.type
            if later.activation is Activation.AUTOMATIC:
                result[name].needs_service = True
            if kind not in touched[name]:
                result[name].must_not_hold.add(kind)
            touched[name].add(kind)
        elif isinstance(later, RemoveLicenseStep):
            name, removed = later.server.name, later.type
            if removed is not LicenseType.DEVELOPMENT:
                result[name].needs_service = True
            if removed is None:
                continue
            if removed not in touched[name]:
                result[name].must_hold.add(removed)
            touched[name].add(removed)
    if step is not None:
        for name, types in step.expect.items():
            result[name].exactly = tuple(types)
    return result


def _words(types: set[LicenseType] | tuple[LicenseType, ...]) -> str:
    names = sorted(str(t) for t in types)
    return ", ".join(names) if names else "no license"


def as_sentence(text: str) -> str:
    """``text`` ended with a full stop unless it already ends a sentence."""
    return text if text.endswith((".", "!", "?")) else f"{text}."


def problems_with(
    name: str, view: ServerView, expected: StartExpectation, invoice: str, masked: str
) -> list[str]:
    """Every way ``view`` differs from what ``expected`` asks, as sentences."""
    found: list[str] = []
    if not view.licensing_reachable and expected.needs_service:
        found.append(
            f"{name} cannot reach the DNN licensing service (its About page says 'Connection to "
            "license server failed'): open the web server's firewall to the licensing service, "
            "or use manual activation."
        )
    held = types_held(view, invoice)
    if expected.exactly is not None and held != set(expected.exactly):
        found.append(
            f"{name} was expected to hold {_words(expected.exactly)} for invoice {masked} but holds "
            f"{_words(held)}."
        )
    missing = expected.must_hold - held
    if missing and expected.exactly is None:
        found.append(
            f"{name} must hold the {_words(missing)} license for invoice {masked} that the runbook "
            f"removes later, but holds {_words(held)}."
        )
    clashing = {t for t in expected.must_not_hold if any(is_type(row, t) for row in view.rows)}
    if clashing:
        found.append(
            f"{name} already holds a {_words(clashing)} license, which the runbook adds later: a "
            "server can hold one license of each type."
        )
    return found


def run(ctx: StepContext, step: PreflightStep) -> ActionResult:
    """Log in everywhere, record each table, and refuse to go on if anything is off."""
    wanted: Mapping[str, StartExpectation] = expectations(ctx.runbook, step)
    problems: list[str] = []
    unusable: list[str] = []
    summaries: list[str] = []
    invoice, masked = step.invoice.reveal(), step.invoice.masked()
    views: dict[str, ServerView] = {}
    # Every server's login is pressed, then every server's Settings > About, so that the
    # servers answer and the panels slide in at the same time; each is then read in turn.
    for _stage in ("log in", "press About"):
        for spec in step.servers:
            ctx.on(spec).session.start_fresh_read()
    for spec in step.servers:
        server = ctx.on(spec)
        try:
            view = server.view()
        except ServerAccessError as exc:
            # Its own sentence and advice: no state of the servers would cure it.
            unusable.append(str(exc))
            continue
        except (PageError, StepFailedError) as exc:
            problems.append(f"{spec.name} ({spec.url}) could not be read: {as_sentence(str(exc))}")
            continue
        server.screenshot(spec.name)
        views[spec.name] = view
        if not view.licensing_reachable and not wanted[spec.name].needs_service:
            ctx.console.warn(
                f"{spec.name} cannot reach the licensing service; the runbook only activates "
                "manually and removes Development licenses there, so the run may go on."
            )
            ctx.log.warning("licensing_unreachable_tolerated", server=spec.name)
        problems += problems_with(spec.name, view, wanted[spec.name], invoice, masked)
        summaries.append(f"{spec.name}: {_words(types_held(view, invoice))}")
    start = {
        name: set(e.exactly) if e.exactly is not None else e.must_hold for name, e in wanted.items()
    }
    if not unusable and endstate.already_migrated(ctx.runbook, start, views, invoice):
        return ActionResult(
            StepStatus.DONE,
            "Already migrated: the servers are in the state the runbook leads to ("
            + endstate.words(views, invoice)
            + f" for invoice {masked}), so nothing was changed and no later step runs.",
            ends_run=True,
        )
    if problems or unusable:
        state_advice = (
            " Bring the servers to the state the runbook expects (or correct the runbook's "
            "'expect:'), then run it again."
        )
        raise PreflightRefusedError(
            "Preflight refused to start, and nothing was changed: "
            + " ".join([*unusable, *problems])
            + (state_advice if problems else "")
        )
    return ActionResult(
        StepStatus.DONE,
        f"Servers ready; for invoice {masked}: " + "; ".join(summaries) + ".",
    )
