"""``dnn-runbook rollback RUN_DIR``: back out a run that stopped before the old server's
Production license was removed (see :mod:`dnn_runbook.runner.rollback`).

Before anything starts (exit 2, nothing changed, when one fails): the run directory verifies
against its manifest; no other process holds it (its lock is held for the whole rollback, so
the run cannot be resumed meanwhile); its runbook, read from the path the run recorded with
``--env-file``, resolves to the same servers, accounts, invoice and steps; and the run has not
passed the point of no return. Then the rollback runs like any run, in its own run directory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from dnn_runbook.app.run import RunResult, load_runbook, run_loaded
from dnn_runbook.evidence.binding import bind, differences, recorded_key
from dnn_runbook.evidence.journal import Journal
from dnn_runbook.evidence.lock import RunLock
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.exceptions import EvidenceError
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runner.advice import may_have_added
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.options import RunOptions
from dnn_runbook.runner.rollback import refusal, rollback_runbook


def rollback(
    run_dir: Path,
    options: RunOptions,
    *,
    env_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    console: Console | None = None,
) -> RunResult:
    """Back out the run in ``run_dir``; its evidence goes to ``options.evidence_dir``."""
    run_dir = run_dir.resolve()
    try:
        lock = RunLock.acquire(run_dir)
    except EvidenceError as exc:
        return RunResult(ExitCode.INVALID, error=f"{exc} Nothing was rolled back.")
    try:
        return _rollback(run_dir, options, env_file=env_file, environ=environ, console=console)
    finally:
        lock.release()


def _rollback(
    run_dir: Path,
    options: RunOptions,
    *,
    env_file: Path | None,
    environ: Mapping[str, str] | None,
    console: Console | None,
) -> RunResult:
    try:
        verified = verify_run_dir(run_dir)
        if not verified.ok:
            return _refused(
                f"The run directory {run_dir} does not verify against its manifest, so it is "
                f"not rolled back: run 'dnn-runbook verify {run_dir}' to see why."
            )
        manifest = Manifest.open(run_dir)
        journal = Journal.load(run_dir)
    except EvidenceError as exc:
        return _refused(str(exc))
    loaded = load_runbook(Path(journal.runbook_path), env_file=env_file, environ=environ)
    if isinstance(loaded, RunResult):
        return loaded
    key = recorded_key(manifest.binding)
    changed = differences(manifest.binding, bind(loaded, key=key)) if key else ["no binding key"]
    if changed:
        return _refused(
            f"The runbook {journal.runbook_path} no longer resolves to what the run in {run_dir} "
            f"acted on, so it is not rolled back: {'; '.join(changed)}. Give the env file the "
            "run was started with (--env-file)."
        )
    refused = refusal(loaded, journal, run_dir, env_file)
    if refused is not None:
        return _refused(refused)
    if not may_have_added(loaded, journal):
        return RunResult(
            ExitCode.OK,
            error=f"The run in {run_dir} clicked no activation, so there is nothing to roll back.",
        )
    origin = f"run {journal.run_id} (manifest head {manifest.head})"
    backout = rollback_runbook(loaded, journal, origin=origin)
    rolled = dataclasses.replace(options, resume=None, env_file=env_file, rollback_of=run_dir)
    return run_loaded(backout, rolled, console=console)


def _refused(reason: str) -> RunResult:
    return RunResult(ExitCode.INVALID, error=f"{reason} Nothing was rolled back.")
