"""``dnn-runbook rehearse``: run a runbook against a fresh in-process sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.cli import run_options as opt


def rehearse(
    runbook: Annotated[
        Path,
        typer.Argument(help="The runbook file.", dir_okay=False, resolve_path=True),
    ] = Path("runbook.yaml"),
    fault: Annotated[
        list[str] | None,
        typer.Option(
            "--fault",
            metavar="SPEC",
            help="Switch on a sandbox fault, e.g. licensing-down:old (repeatable; see "
            "'dnn-runbook sandbox --help').",
            show_default=False,
        ),
    ] = None,
    assume_yes: opt.AssumeYes = False,
    headed: opt.Headed = False,
    slow_mo: opt.SlowMo = 0,
    evidence_dir: opt.EvidenceDir = Path("screenshots"),
    browser_path: opt.BrowserPath = None,
    show_license_ids: opt.ShowLicenseIds = False,
    screenshots: opt.Screenshots = True,
    timeout: opt.Timeout = 30,
    trace: opt.Trace = "off",
) -> None:
    """Rehearse RUNBOOK (default ./runbook.yaml) against a fresh sandbox: an old and a new
    Evoq server and the licensing service on 127.0.0.1. Exit codes as for 'run'."""
    from dnn_runbook.rehearsal import rehearse as run_rehearsal

    if not runbook.is_file():
        typer.echo(f"error: the runbook {runbook} does not exist.", err=True)
        raise typer.Exit(2)
    result = run_rehearsal(
        runbook,
        faults=fault or [],
        echo=typer.echo,
        assume_yes=assume_yes,
        headed=headed,
        slow_mo=slow_mo,
        evidence_dir=evidence_dir,
        browser_path=browser_path,
        show_license_ids=show_license_ids,
        screenshots=screenshots,
        timeout=timeout,
        trace=trace,
    )
    if result.exit_code:
        raise typer.Exit(result.exit_code)
