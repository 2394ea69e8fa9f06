"""``dnn-runbook doctor``: check that this machine can start a browser."""

from __future__ import annotations

from typing import Annotated

import typer

from dnn_runbook.exit_codes import ExitCode


def doctor(
    browser_path: Annotated[
        str | None,
        typer.Option(
            "--browser-path",
            metavar="PATH",
            envvar="DNN_RUNBOOK_BROWSER",
            help="Use this Chromium, Chrome or Edge binary instead of looking for one.",
        ),
    ] = None,
) -> None:
    """Print Python, Playwright and browser versions, then start the browser headless once."""
    from dnn_runbook.app.doctor import run_doctor

    report = run_doctor(browser_path)
    width = max(len(name) for name, _ in report.lines)
    for name, value in report.lines:
        typer.echo(f"{name + ':':<{width + 1}} {value}")
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if not report.ok:
        typer.echo(f"error: {report.error}", err=True)
        raise typer.Exit(ExitCode.STEP_FAILED)
    typer.echo("doctor: the browser works.")
