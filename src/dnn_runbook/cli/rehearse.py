"""``dnn-runbook rehearse``: run the runbook against a fresh in-process sandbox."""

from __future__ import annotations

import typer


def rehearse() -> None:
    """Rehearse the migration against the sandbox (not built yet: prints the plan)."""
    typer.echo(
        "rehearse will start the sandbox (an old and a new Evoq server and the licensing\n"
        "service) on 127.0.0.1, run ./runbook.yaml against it, and print where the evidence is."
    )
