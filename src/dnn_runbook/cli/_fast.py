"""The start-up fast path of ``validate`` and ``plan``.

Typer converts every parameter (its own ``--help`` flag included) through a pydantic
TypeAdapter, which costs more start-up time than the whole check of a runbook, and
``validate`` runs often: in editors, commit hooks and CI. Only the exact forms
``validate|plan RUNBOOK [--env-file FILE]`` are taken here, with the very functions the typer
commands call; anything else (``--help``, a typo, a missing argument) is declined so that
typer handles and reports it as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from dnn_runbook.cli.plan import print_plan
from dnn_runbook.cli.validate import print_validate

_COMMANDS: dict[str, Callable[[Path, Path | None], int]] = {
    "validate": print_validate,
    "plan": print_plan,
}


def fast_path(argv: Sequence[str]) -> int | None:
    """Run ``validate`` or ``plan`` without typer's parameter machinery; ``None`` to decline."""
    if not argv or argv[0] not in _COMMANDS:
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
    return _COMMANDS[argv[0]](Path(runbook), None if env_file is None else Path(env_file))
