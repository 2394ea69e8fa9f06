"""``dnn-runbook plan``: say in plain words what a runbook will do."""

from __future__ import annotations

from pathlib import Path

import typer

from dnn_runbook.cli.validate import EnvFileOption, RunbookArgument
from dnn_runbook.exit_codes import ExitCode


def run_plan(runbook: Path, env_file: Path | None) -> int:
    """Print the plan of ``runbook`` (problems to stderr); return the exit code."""
    from dnn_runbook.runbook import check
    from dnn_runbook.runbook.plan import render_plan

    loaded, problems = check(runbook, env_file=env_file)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if loaded is None:
        return ExitCode.INVALID
    typer.echo(render_plan(loaded, label=str(runbook)), nl=False)
    return ExitCode.OK


def plan(runbook: RunbookArgument, env_file: EnvFileOption = None) -> None:
    """Print RUNBOOK's steps, numbered, in plain words, with servers and license types
    resolved; secrets are never shown. Nothing is started.

    Exits 2, with every problem, when the runbook is invalid.
    """
    code = run_plan(runbook, env_file)
    if code:
        raise typer.Exit(code)
