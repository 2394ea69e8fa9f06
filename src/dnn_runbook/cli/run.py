"""``dnn-runbook run``: execute a runbook against real servers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.cli import run_options as opt


def run(
    runbook: Annotated[
        Path,
        typer.Argument(help="The runbook file.", exists=True, dir_okay=False, resolve_path=True),
    ],
    env_file: opt.EnvFile = None,
    assume_yes: opt.AssumeYes = False,
    headed: opt.Headed = False,
    slow_mo: opt.SlowMo = 0,
    evidence_dir: opt.EvidenceDir = Path("screenshots"),
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume",
            metavar="RUN_DIR",
            help="Continue the run in RUN_DIR from its first unfinished step.",
            exists=True,
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    browser_path: opt.BrowserPath = None,
    show_license_ids: opt.ShowLicenseIds = False,
    screenshots: opt.Screenshots = True,
    timeout: opt.Timeout = 30,
    trace: opt.Trace = "off",
) -> None:
    """Run RUNBOOK step by step, with preflight, interlocks and evidence.

    Exit codes: 0 done; 1 a step failed and the run stopped; 2 the runbook or the command
    line is invalid; 3 the operator declined a confirmation; 4 preflight refused to start;
    130 interrupted (Ctrl-C).
    """
    code = opt.execute(
        runbook,
        env_file=env_file,
        assume_yes=assume_yes,
        headed=headed,
        slow_mo=slow_mo,
        evidence_dir=evidence_dir,
        browser_path=browser_path,
        show_license_ids=show_license_ids,
        screenshots=screenshots,
        timeout=timeout,
        trace=trace,
        resume=resume,
    )
    if code:
        raise typer.Exit(code)
