"""``dnn-runbook verify RUN_DIR``: check a run directory against its hash-chained manifest."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.printable import printable

_HEAD = re.compile(r"[0-9a-fA-F]{32,64}")


def _check_head(value: str | None) -> str | None:
    if value is not None and not _HEAD.fullmatch(value.strip()):
        raise typer.BadParameter(
            "must be the ticket hash the run printed (head.txt holds it): all 64 hex digits, "
            f"or at least the first 32 (got {len(value)} characters)."
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
            help="Also require this ticket hash, as recorded in the change ticket (64 hex "
            "digits, or at least the first 32), to be an entry of the chain: catches a "
            "manifest rewritten as a whole.",
        ),
    ] = None,
    allowed_signers: Annotated[
        Path | None,
        typer.Option(
            "--allowed-signers",
            metavar="FILE",
            exists=True,
            dir_okay=False,
            help="Check each ticket hash's SSH signature against this allowed_signers file "
            "(ssh-keygen -Y verify) and say who signed it.",
            show_default=False,
        ),
    ] = None,
    tsa_ca: Annotated[
        Path | None,
        typer.Option(
            "--tsa-ca",
            metavar="FILE",
            exists=True,
            dir_okay=False,
            help="Check each ticket hash's RFC 3161 timestamp against these CA certificates "
            "(openssl ts -verify) and say when it was made.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Recompute every hash and the chain: exit 0 if intact, 1 naming each problem.

    Exit 2 when RUN_DIR is not a run directory (no manifest.json, or one that is not readable).
    """
    from dnn_runbook.evidence.verify import verify_run_dir
    from dnn_runbook.exceptions import EvidenceError

    try:
        result = verify_run_dir(
            run_dir, expect_head=expect_head, allowed_signers=allowed_signers, tsa_ca=tsa_ca
        )
    except EvidenceError as exc:
        typer.echo(printable(f"error: {exc}"), err=True)
        raise typer.Exit(ExitCode.INVALID) from None
    if result.ok:
        typer.echo(printable(result.summary()))
        for note in result.notes:
            typer.echo(printable(f"  {note}"))
        return
    for problem in result.problems:
        # File names come from the directory: whoever wrote it chose them.
        typer.echo(printable(f"{run_dir}: {problem}"))
    # 1: the evidence does not match its manifest (the code a failed step also uses).
    raise typer.Exit(ExitCode.STEP_FAILED)
