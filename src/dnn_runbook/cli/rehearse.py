"""``dnn-runbook rehearse``: run a runbook against a fresh in-process sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.cli import _params as opt


def rehearse(
    runbook: Annotated[
        Path,
        typer.Argument(
            metavar="RUNBOOK",
            help="The runbook file (default: runbook.yaml).",
            dir_okay=False,
            resolve_path=True,
            show_default=False,
        ),
    ] = Path("runbook.yaml"),
    fault: Annotated[
        list[str] | None,
        typer.Option(
            "--fault",
            metavar="SPEC",
            help=f"Switch on a sandbox fault (repeatable): {opt.FAULTS_HELP}.",
            show_default=False,
        ),
    ] = None,
    ui: opt.SandboxUi = "dnn",
    persona_bar: opt.PersonaBarDir = None,
    assume_yes: opt.AssumeYes = False,
    headed: opt.Headed = False,
    slow_mo: opt.SlowMo = 0,
    evidence_dir: opt.EvidenceDir = Path("screenshots"),
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
    """Rehearse RUNBOOK against a fresh sandbox: an old and a new Evoq server and the
    licensing service on 127.0.0.1. Exit codes as for 'run'."""
    from dnn_runbook.app.rehearse import rehearse as run_rehearsal

    opt.check_persona_bar_ui(persona_bar, ui)
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
    )
    result = run_rehearsal(runbook, options, faults=fault or [], ui=ui, persona_bar_dir=persona_bar)
    opt.finish(result.exit_code, problems=result.run.problems, error=result.run.error)
