"""``dnn-runbook report RUN_DIR``: rebuild a run's report from its run directory (see
``dnn_runbook.app.report``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.printable import printable


def report(
    run_dir: Annotated[
        Path,
        typer.Argument(
            metavar="RUN_DIR",
            help="The run directory (screenshots/<UTC time>-<runbook name>/).",
            show_default=False,
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Build the report even if the run directory does not verify intact; the "
            "report then says so in red and lists what verify found.",
        ),
    ] = False,
    runbook: Annotated[
        Path | None,
        typer.Option(
            "--runbook",
            metavar="RUNBOOK",
            dir_okay=False,
            help="The run's runbook, to redact its secrets from the report as the run did "
            "(default: the runbook file the run recorded, if it is unchanged).",
            show_default=False,
        ),
    ] = None,
    env_file: Annotated[
        Path | None,
        typer.Option(
            "--env-file",
            metavar="FILE",
            help="Read the runbook's ${VAR} values (its secrets) from this KEY=value file.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Rebuild RUN_DIR's report as report-N.html (never replacing one) and chain it.

    Exit 0 written; 1 RUN_DIR does not verify (without --force); 2 not a run directory.
    """
    from dnn_runbook.app.report import rebuild_report

    result = rebuild_report(run_dir, force=force, runbook=runbook, env_file=env_file)
    for line in result.errors:
        typer.echo(printable(line), err=True)
    for line in result.lines:
        typer.echo(printable(line))
    if result.exit_code:
        raise typer.Exit(result.exit_code)
