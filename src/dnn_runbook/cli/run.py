"""``dnn-runbook run``: execute a runbook against real servers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.cli import _params as opt


def run(
    runbook: Annotated[
        Path,
        typer.Argument(
            metavar="RUNBOOK",
            help="The runbook file.",
            exists=True,
            dir_okay=False,
            resolve_path=True,
            show_default=False,
        ),
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
    support_case: Annotated[
        str | None,
        typer.Option(
            "--support-case",
            metavar="ID",
            help=(
                "With --resume: the DNN support case for the activation a step of the run "
                "lost; recorded in the evidence, it lets the run go past that step."
            ),
            show_default=False,
        ),
    ] = None,
    browser_path: opt.BrowserPath = None,
    proxy: opt.Proxy = None,
    show_license_ids: opt.ShowLicenseIds = False,
    screenshots: opt.Screenshots = True,
    timeout: opt.Timeout = 30,
    trace: opt.Trace = "off",
    log_format: opt.LogFormatOption = "console",
    capture: opt.CaptureFile = None,
    sign_key: opt.SignKey = None,
    tsa_url: opt.TsaUrl = None,
    tsa_ca: opt.TsaCa = None,
    notify_command: opt.NotifyCommand = None,
    bell: opt.Bell = True,
) -> None:
    """Run RUNBOOK step by step, with preflight, interlocks and evidence.

    Exit codes: 0 done; 1 a step failed and the run stopped; 2 the runbook or the command
    line is invalid; 3 the operator declined a confirmation; 4 preflight refused to start;
    130 interrupted (Ctrl-C).
    """
    from dnn_runbook.app.run import run as run_runbook

    options = opt.run_options(
        evidence_dir=evidence_dir,
        assume_yes=assume_yes,
        headed=headed,
        slow_mo=slow_mo,
        browser_path=browser_path,
        proxy=proxy,
        show_license_ids=show_license_ids,
        screenshots=screenshots,
        timeout=timeout,
        trace=trace,
        log_format=log_format,
        capture=capture,
        sign_key=sign_key,
        tsa_url=tsa_url,
        tsa_ca=tsa_ca,
        notify_command=notify_command,
        bell=bell,
        resume=resume,
    )
    options = replace(options, support_case=support_case)
    result = run_runbook(runbook, options, env_file=env_file)
    opt.finish(result.exit_code, problems=result.problems, error=result.error)
