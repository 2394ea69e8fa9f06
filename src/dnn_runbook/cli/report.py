"""``dnn-runbook report RUN_DIR``: rebuild a run's report from its run directory.

A run directory is append-only: the rebuilt report never replaces ``report.html`` but is
written as ``report-2.html`` (``-3``, ...) and chained into the manifest. A run directory that
does not verify intact is refused unless ``--force``, and then the report says in red that it
was built from evidence that does not verify.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.exit_codes import ExitCode


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
            help="Read the runbook's ${VAR} values (its secrets) from this KEY=value file.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Rebuild RUN_DIR's report as report-N.html (never replacing one) and chain it.

    Exit 0 written; 1 RUN_DIR does not verify (without --force); 2 not a run directory.
    """
    from dnn_runbook.evidence.atomic import write_atomic
    from dnn_runbook.evidence.manifest import Manifest
    from dnn_runbook.evidence.redact import Redactor
    from dnn_runbook.evidence.report import load_evidence, render_report, write_report
    from dnn_runbook.evidence.verify import verify_run_dir
    from dnn_runbook.exceptions import EvidenceError, ManifestError

    try:
        result = verify_run_dir(run_dir)
    except EvidenceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(ExitCode.INVALID) from None
    if not result.ok:
        for problem in result.problems:
            typer.echo(f"{run_dir}: {problem}", err=True)
        if not force:
            typer.echo(
                f"error: {run_dir} does not verify intact, so no report was built. Find out "
                "why first; --force builds one anyway, marked in red as built from evidence "
                "that does not verify.",
                err=True,
            )
            raise typer.Exit(ExitCode.STEP_FAILED)
    secrets, source = _run_secrets(run_dir, runbook, env_file)
    typer.echo(source)
    redactor = Redactor(secrets)
    try:
        manifest = Manifest.open(run_dir)
    except ManifestError:
        # Only reachable with --force: the chain is broken, so the report cannot join it.
        manifest = None
    if manifest is not None:
        name = write_report(
            manifest, redactor=redactor, problems=result.problems, built_by="dnn-runbook report"
        )
        typer.echo(f"{run_dir / name}: written and chained; manifest head now {manifest.head}")
        return
    name = _free_name(run_dir)
    page = render_report(
        load_evidence(run_dir),
        redactor=redactor,
        chain_head=result.head,
        problems=result.problems,
        built_by="dnn-runbook report --force",
    )
    write_atomic(run_dir / name, page)
    typer.echo(
        f"{run_dir / name}: written but NOT chained: the manifest's chain is broken, so "
        "nothing can be added to it."
    )


def _free_name(run_dir: Path) -> str:
    name, counter = "report.html", 2
    while (run_dir / name).exists():
        name = f"report-{counter}.html"
        counter += 1
    return name


def _run_secrets(run_dir: Path, given: Path | None, env_file: Path | None) -> tuple[list[str], str]:
    """The secrets of the run's runbook, and a line saying where they came from.

    The run's journal and events hold masked values only; redacting the report with the
    runbook's secrets as well is defence in depth, so a runbook that cannot be loaded (moved,
    changed, or its variables unset) is no reason to refuse the report.
    """
    from dnn_runbook.exceptions import DnnRunbookError
    from dnn_runbook.runbook import load

    try:
        journal = json.loads((run_dir / "state.json").read_text(encoding="utf-8"))
        recorded = journal["runbook"]
        path = given or Path(recorded["path"])
        expected = str(recorded["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return [], "Redacting with no runbook secrets: the run's journal names no runbook."
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return [], f"Redacting with no runbook secrets: {path} cannot be read."
    if digest != expected:
        return [], f"Redacting with no runbook secrets: {path} is not the runbook the run used."
    try:
        loaded = load(path, env_file=env_file)
    except DnnRunbookError:
        return [], (
            f"Redacting with no runbook secrets: {path} needs variables that are not set "
            "(pass --env-file)."
        )
    from dnn_runbook.runner.context import secret_values

    return secret_values(loaded), f"Redacting with the secrets of {path}."
