"""``dnn-runbook verify RUN_DIR``: check a run directory against its hash-chained manifest."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.exit_codes import ExitCode

_HEAD = re.compile(r"[0-9a-f]{8,64}")


def _check_head(value: str | None) -> str | None:
    if value is not None and not _HEAD.fullmatch(value):
        raise typer.BadParameter(
            f"must be 8 to 64 lowercase hex digits, the start of the chain head that the "
            f"report shows (got {len(value)} characters)."
        )
    return value


def verify(
    run_dir: Annotated[
        Path,
        typer.Argument(
            metavar="RUN_DIR",
            help="The run directory to check (screenshots/<UTC time>-<runbook name>/).",
            show_default=False,
        ),
    ],
    expect_head: Annotated[
        str | None,
        typer.Option(
            "--expect-head",
            metavar="HASH",
            callback=_check_head,
            help="Also require this chain head (or its first 8+ hex digits), as recorded in "
            "the change ticket: catches a manifest rewritten as a whole.",
        ),
    ] = None,
) -> None:
    """Recompute every hash and the chain: exit 0 if intact, 1 naming each problem.

    Exit 2 when RUN_DIR is not a run directory (no manifest.json, or one that is not readable).
    """
    from dnn_runbook.evidence.verify import verify_run_dir
    from dnn_runbook.exceptions import EvidenceError

    try:
        result = verify_run_dir(run_dir, expect_head=expect_head)
    except EvidenceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(ExitCode.INVALID) from None
    if result.ok:
        typer.echo(result.summary())
        return
    for problem in result.problems:
        typer.echo(f"{run_dir}: {problem}")
    # 1: the evidence does not match its manifest (the code a failed step also uses).
    raise typer.Exit(ExitCode.STEP_FAILED)
