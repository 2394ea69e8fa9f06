"""``dnn-runbook plan``: say in plain words what a runbook will do."""

from __future__ import annotations

from pathlib import Path

import typer

from dnn_runbook.cli._params import EnvFile, RunbookArgument


def print_plan(runbook: Path, env_file: Path | None) -> int:
    """Print the plan of ``runbook`` (problems to stderr); return the exit code."""
    from dnn_runbook.app.checks import plan

    result = plan(runbook, env_file)
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    if result.output:
        typer.echo(result.output, nl=False)
    return result.exit_code


def plan(runbook: RunbookArgument, env_file: EnvFile = None) -> None:
    """Print RUNBOOK's steps, numbered, in plain words, with servers and license types
    resolved; secrets are never shown. Nothing is started.

    Exits 2, with every problem, when the runbook is invalid.
    """
    code = print_plan(runbook, env_file)
    if code:
        raise typer.Exit(code)
