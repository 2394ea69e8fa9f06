"""The options ``run`` and ``rehearse`` share, and the code that turns them into a run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from dnn_runbook.exit_codes import ExitCode

EnvFile = Annotated[
    Path | None,
    typer.Option(
        "--env-file",
        help="Read ${VAR} values from this KEY=value file; the environment wins over it.",
        show_default=False,
    ),
]
AssumeYes = Annotated[
    bool,
    typer.Option("--yes", "-y", help="Confirm every human step (for unattended rehearsals)."),
]
Headed = Annotated[bool, typer.Option("--headed", help="Show the browser window.")]
SlowMo = Annotated[
    float,
    typer.Option(
        "--slow-mo", metavar="MS", min=0, help="Slow every browser action by MS milliseconds."
    ),
]
EvidenceDir = Annotated[
    Path,
    typer.Option(
        "--evidence-dir",
        help="The folder that receives one new run directory per run.",
        file_okay=False,
    ),
]
BrowserPath = Annotated[
    str | None,
    typer.Option(
        "--browser-path",
        envvar="DNN_RUNBOOK_BROWSER",
        help="Use this Chromium, Chrome or Edge binary.",
        show_default=False,
    ),
]
ShowLicenseIds = Annotated[
    bool,
    typer.Option(
        "--show-license-ids",
        help="Do not mask the account email and invoice number in screenshots (passwords and "
        "activation keys are always masked).",
    ),
]
Screenshots = Annotated[
    bool,
    typer.Option(
        "--screenshots/--no-screenshots",
        help="Take before/after screenshots (the default); --no-screenshots keeps only the "
        "journal, the events, the manifest and a report without images.",
    ),
]
Trace = Annotated[
    Literal["on", "retain-on-failure", "off"],
    typer.Option(
        "--trace",
        help="Keep a Playwright trace of each server's browser (trace-<server>.zip, scrubbed of "
        "every secret): always (on), only when the run fails (retain-on-failure), or never.",
    ),
]
Timeout = Annotated[
    float,
    typer.Option(
        "--timeout", metavar="SECONDS", min=1, help="How long to wait for a page to answer."
    ),
]


def execute(
    runbook_path: Path,
    *,
    env_file: Path | None,
    environ: dict[str, str] | None = None,
    assume_yes: bool,
    headed: bool,
    slow_mo: float,
    evidence_dir: Path,
    browser_path: str | None,
    show_license_ids: bool,
    screenshots: bool,
    timeout: float,
    resume: Path | None = None,
    key_provider: object = None,
    trace: str = "off",
) -> int:
    """Load the runbook (exit 2 when invalid, before anything starts), run it, return the code."""
    from dnn_runbook.evidence.trace import TraceMode
    from dnn_runbook.exceptions import DnnRunbookError, RunbookInvalidError, RunError
    from dnn_runbook.runbook import load
    from dnn_runbook.runner.console import Console
    from dnn_runbook.runner.context import RunSettings
    from dnn_runbook.runner.engine import RunOptions, run_runbook

    try:
        runbook = load(runbook_path, env_file=env_file, environ=environ)
    except RunbookInvalidError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{runbook_path}: invalid; nothing was started.", err=True)
        return ExitCode.INVALID
    settings = RunSettings(assume_yes=assume_yes, activation_key_provider=key_provider)  # type: ignore[arg-type]
    options = RunOptions(
        evidence_dir=evidence_dir,
        resume=resume,
        headed=headed,
        slow_mo_ms=slow_mo or None,
        browser_path=browser_path,
        timeout_ms=timeout * 1000,
        screenshots=screenshots,
        show_license_ids=show_license_ids,
        trace=TraceMode(trace),
        settings=settings,
    )
    console = Console()
    try:
        outcome = run_runbook(runbook, options, console)
    except RunError as exc:
        typer.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except DnnRunbookError as exc:
        # The run directory could not be made or resumed, or there is no browser.
        typer.echo(f"error: {exc}", err=True)
        return ExitCode.INVALID if resume is not None else ExitCode.STEP_FAILED
    return outcome.exit_code
