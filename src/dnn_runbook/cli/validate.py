"""``dnn-runbook validate``: check a runbook without starting anything."""

from __future__ import annotations

from pathlib import Path

import typer

from dnn_runbook.cli._params import EnvFile, RunbookArgument


def print_validate(runbook: Path, env_file: Path | None) -> int:
    """Check ``runbook``, print the verdict and every problem; return the exit code."""
    from dnn_runbook.app.checks import validate

    result = validate(runbook, env_file)
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    if result.verdict:
        typer.echo(result.verdict, err=True)
    if result.output:
        typer.echo(result.output, nl=False)
    return result.exit_code


def validate(runbook: RunbookArgument, env_file: EnvFile = None) -> None:
    """Check RUNBOOK and report every problem as FILE:LINE:COL; no browser is started.

    Exits 0 when the runbook is valid (warnings are printed but do not fail it), 2 when it
    is not.
    """
    code = print_validate(runbook, env_file)
    if code:
        raise typer.Exit(code)
