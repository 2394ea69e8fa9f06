"""The runbook that backs a stopped run out: what ``dnn-runbook rollback RUN_DIR`` runs.

A run that stopped before the old server's Production license was removed has changed one
thing at most: it added the production invoice as a Development license on the new server
(and, in another runbook, any license it added before that point). Backing it out removes
exactly those, newest first, through the same steps as a run (preflight, interlocks, before and
after screenshots, evidence), then checks that each server holds what the original run's
preflight found: the starting state. Once that removal has finished the way is forward only,
and :func:`refusal` says so with the command that finishes the run.

The rollback is a run of its own, in a new run directory named ``<runbook>-rollback``: its
first step is a confirmation that names the run it backs out and that run's manifest head, so
its evidence (which verifies on its own) is linked to the original's, which stays untouched.
Every step can be done twice (a removal already done is recorded as such), so a rollback
that stopped is finished by running ``dnn-runbook rollback RUN_DIR`` again.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from dnn_runbook.evidence.journal import Journal
from dnn_runbook.licenses import LicenseType
from dnn_runbook.runbook import (
    ConfirmStep,
    PreflightStep,
    RemoveLicenseStep,
    Runbook,
    Step,
    VerifyLicenseStep,
)
from dnn_runbook.runner.advice import may_have_added, past_return, resume_command


def refusal(runbook: Runbook, journal: Journal, run_dir: Path, env_file: Path | None) -> str | None:
    """Why ``run_dir``'s run cannot be backed out any more, or ``None`` if it can."""
    removed = past_return(runbook, journal)
    if removed is None:
        return None
    return (
        f"The run in {run_dir} cannot be rolled back: its step {removed!r} removed a license "
        "other than Development (the old server's Production), and that activation has gone "
        "back to the invoice. Backing out now would leave the site with no license at all; the "
        "way forward is to finish the run: "
        f"{resume_command(runbook.source, run_dir, env_file)}"
    )


def rollback_runbook(runbook: Runbook, journal: Journal, *, origin: str) -> Runbook:
    """The runbook that removes what ``journal``'s run added; ``origin`` names that run (its
    directory and manifest head) in the confirmation that leads it."""
    added = may_have_added(runbook, journal)
    first = next((s for s in runbook.steps if isinstance(s, PreflightStep)), None)
    start: dict[str, tuple[LicenseType, ...]] = dict(first.expect) if first is not None else {}
    invoice = runbook.license.invoice
    holding = {name: set(types) for name, types in start.items()}
    for step in added:
        holding.setdefault(step.server.name, set()).add(step.type)
    steps: list[Step] = [
        PreflightStep(
            id="preflight",
            index=1,
            line=0,
            servers=tuple(runbook.servers.values()),
            expect={name: tuple(sorted(types)) for name, types in holding.items()},
            invoice=invoice,
        ),
        ConfirmStep(
            id="confirm-rollback",
            index=2,
            line=0,
            message=(
                f"Back out {origin}: remove "
                + ", ".join(f"the {s.type} license on {s.server.describe()}" for s in added)
                + ", leaving every server as that run found it. Confirm to go on."
            ),
        ),
    ]
    for step in added:
        steps.append(
            RemoveLicenseStep(
                id=f"remove-{step.type.value.lower()}-on-{step.server.name}",
                index=len(steps) + 1,
                line=0,
                server=step.server,
                invoice=step.invoice,
                type=step.type,
            )
        )
    for name, types in start.items():
        for kind in types:
            steps.append(
                VerifyLicenseStep(
                    id=f"verify-{kind.value.lower()}-on-{name}",
                    index=len(steps) + 1,
                    line=0,
                    server=runbook.servers[name],
                    type=kind,
                    invoice=invoice,
                )
            )
    return dataclasses.replace(runbook, name=f"{runbook.name}-rollback", steps=tuple(steps))
