"""``dnn-runbook validate``: check a runbook without starting anything.

Also home of the start-up fast path that ``validate`` and ``plan`` share (see ``fast_path``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.exit_codes import ExitCode

RunbookArgument = Annotated[
    Path,
    typer.Argument(help="The runbook file, such as runbook.yaml.", show_default=False),
]
EnvFileOption = Annotated[
    Path | None,
    typer.Option(
        "--env-file",
        help="Read ${VAR} values from this KEY=value file; the environment wins over it.",
        show_default=False,
    ),
]


def run_validate(runbook: Path, env_file: Path | None) -> int:
    """Check ``runbook``, print the verdict and every problem; return the exit code."""
    # Imported here so that other commands' start-up does not pay for the YAML stack.
    from dnn_runbook.runbook import check

    loaded, problems = check(runbook, env_file=env_file)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if loaded is None:
        errors = sum(1 for problem in problems if problem.is_error)
        typer.echo(f"{runbook}: invalid, {errors} error{'s' if errors != 1 else ''}", err=True)
        return ExitCode.INVALID
    warnings = len(problems)
    note = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
    typer.echo(f"{runbook}: valid, {len(loaded.steps)} steps{note}")
    return ExitCode.OK


def validate(runbook: RunbookArgument, env_file: EnvFileOption = None) -> None:
    """Check RUNBOOK and report every problem as FILE:LINE:COL; no browser is started.

    Exits 0 when the runbook is valid (warnings are printed but do not fail it), 2 when it is
    not.
    """
    code = run_validate(runbook, env_file)
    if code:
        raise typer.Exit(code)


def fast_path(argv: Sequence[str]) -> int | None:
    """Run ``validate`` or ``plan`` without typer's parameter machinery; ``None`` to decline.

    Typer converts every parameter (its own ``--help`` flag included) through a pydantic
    TypeAdapter, which costs more start-up time than the whole check of a runbook, and
    ``validate`` runs often: in editors, commit hooks and CI. Only the exact forms
    ``validate|plan RUNBOOK [--env-file FILE]`` are taken here, with the very functions the
    typer commands call; anything else (``--help``, a typo, a missing argument) is declined
    so that typer handles and reports it as usual.
    """
    from dnn_runbook.cli.plan import run_plan

    commands: dict[str, Callable[[Path, Path | None], int]] = {
        "validate": run_validate,
        "plan": run_plan,
    }
    if not argv or argv[0] not in commands:
        return None
    runbook: str | None = None
    env_file: str | None = None
    rest = list(argv[1:])
    while rest:
        arg = rest.pop(0)
        if arg == "--env-file" and rest and env_file is None:
            env_file = rest.pop(0)
        elif arg.startswith("--env-file=") and env_file is None:
            env_file = arg.partition("=")[2]
        elif arg.startswith("-") or runbook is not None:
            return None
        else:
            runbook = arg
    if not runbook or env_file == "":
        return None
    return commands[argv[0]](Path(runbook), None if env_file is None else Path(env_file))
