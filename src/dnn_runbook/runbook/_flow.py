"""Static checks of the license flow: what the steps would do to the declared starting state.

A preflight's ``expect`` says which license types each server holds for the runbook's invoice.
Walking the steps from there shows mistakes before anything runs: removing a license that
will not be there, adding one that already is, verifying what no step produced, removing
Production before any other server holds a license for the invoice (the runner's interlock
refuses that), or leaving the production invoice active as Development at the end. These are
warnings: the real servers may differ from what the runbook declares, and the runner checks
the real state before every step anyway.
"""

from __future__ import annotations

from dnn_runbook.problems import Problem, Severity
from dnn_runbook.runbook.model import (
    AddLicenseStep,
    LicenseType,
    PreflightStep,
    RemoveLicenseStep,
    Runbook,
    Step,
    VerifyLicenseStep,
)

#: Per server, the license types held for the runbook's invoice, or None when not declared.
State = dict[str, set[LicenseType] | None]


def _held(types: set[LicenseType]) -> str:
    names = sorted(str(t) for t in types)
    if not names:
        return "no license"
    if len(names) == 1:
        return f"a {names[0]} license"
    return " and ".join(names) + " licenses"


def flow_warnings(runbook: Runbook, label: str, text: str) -> list[Problem]:
    """Return the warnings for ``runbook``, located in ``text`` (its source) as ``label``."""
    lines = text.split("\n")
    warnings: list[Problem] = []

    def warn(step: Step, message: str) -> None:
        source_line = lines[step.line - 1] if step.line - 1 < len(lines) else ""
        col = len(source_line) - len(source_line.lstrip(" -")) + 1
        warnings.append(Problem(label, step.line, col, message, Severity.WARNING))

    invoice = runbook.license.invoice
    state: State = dict.fromkeys(runbook.servers)
    # Servers that gained a license for the invoice during the run, by the step that added it.
    gained: set[str] = set()
    development_added: dict[str, AddLicenseStep] = {}
    for step in runbook.steps:
        where = f"steps[{step.index}] ({step.id})"
        if isinstance(step, PreflightStep):
            for name, types in step.expect.items():
                state[name] = set(types)
            continue
        if not isinstance(step, AddLicenseStep | RemoveLicenseStep | VerifyLicenseStep):
            continue
        if step.invoice != invoice:
            continue  # another invoice: nothing is declared about it
        name = step.server.name
        held = state.get(name)
        if isinstance(step, AddLicenseStep):
            if held is not None and step.type in held:
                warn(
                    step,
                    f"{where} adds a {step.type} license on {name}, which by then already holds "
                    "one for this invoice (by the preflight's expect and the steps before).",
                )
            if held is not None:
                held.add(step.type)
            gained.add(name)
            if step.type is LicenseType.DEVELOPMENT:
                development_added[name] = step
        elif isinstance(step, RemoveLicenseStep):
            if held is not None and (step.type not in held if step.type else not held):
                what = f"a {step.type} license" if step.type else "a license"
                warn(
                    step,
                    f"{where} removes {what} from {name}, which by then holds {_held(held)} for "
                    "this invoice (by the preflight's expect and the steps before); there "
                    "would be nothing to remove.",
                )
            others = [
                other
                for other, types in state.items()
                if other != name and (other in gained or (types is not None and types))
            ]
            if step.type is LicenseType.PRODUCTION and not others:
                warn(
                    step,
                    f"{where} removes the Production license from {name} before any other "
                    "server holds a license for this invoice; the runner refuses that "
                    "(interlock) unless another server is seen holding one, so add it there "
                    "first.",
                )
            if held is not None and step.type is not None:
                held.discard(step.type)
            elif held is not None:
                held.clear()
            if step.type in (LicenseType.DEVELOPMENT, None):
                development_added.pop(name, None)
        else:
            if held is not None and step.type not in held:
                warn(
                    step,
                    f"{where} expects a {step.type} license on {name}, which by then holds "
                    f"{_held(held)} for this invoice (by the preflight's expect and the steps "
                    "before).",
                )
            elif held is not None and step.only and held - {step.type}:
                warn(
                    step,
                    f"{where} says only: true, but {name} by then also holds "
                    f"{_held(held - {step.type})} for this invoice.",
                )
    touches_production = any(
        LicenseType.PRODUCTION in types
        for s in runbook.steps
        if isinstance(s, PreflightStep)
        for types in s.expect.values()
    ) or any(
        getattr(s, "type", None) is LicenseType.PRODUCTION
        and getattr(s, "invoice", None) == invoice
        for s in runbook.steps
    )
    for name, step in development_added.items() if touches_production else ():
        warn(
            step,
            f"steps[{step.index}] ({step.id}) adds a Development license on {name} that no later "
            "step removes; the production invoice may serve as Development only for a short "
            "time (DNN KB 360006325634), so remove it once Production is active.",
        )
    return warnings
