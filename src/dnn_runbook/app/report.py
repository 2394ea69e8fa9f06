"""``dnn-runbook report RUN_DIR``: rebuild a run's report from its run directory.

A run directory is append-only: the rebuilt report never replaces ``report.html`` but is
written as ``report-2.html`` (``-3``, ...) and chained into the manifest, after the run's
ticket hash (which it states, and which stays true: ``verify --expect-head`` takes any entry of
the chain); ``SHA256SUMS`` is rewritten. A run directory that does not verify intact is
refused unless ``force``, and then the report says in red that it was built from evidence
that does not verify.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from dnn_runbook.evidence.atomic import write_atomic
from dnn_runbook.evidence.journal import Journal
from dnn_runbook.evidence.lock import RunLock
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.redact import SecretSet
from dnn_runbook.evidence.report import (
    REPORT_NAME,
    load_evidence,
    render_report,
    write_report,
)
from dnn_runbook.evidence.run_dir import free_name
from dnn_runbook.evidence.seal import tickets
from dnn_runbook.evidence.sums import write_sums
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.exceptions import (
    DnnRunbookError,
    EvidenceError,
    InputFileError,
    ManifestError,
    RunDirError,
)
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.inputs import read_regular
from dnn_runbook.runbook import MAX_RUNBOOK_BYTES, Secret, load


@dataclass(frozen=True, slots=True)
class ReportResult:
    """What ``report`` did: the exit code, lines for standard output, lines for errors."""

    exit_code: ExitCode
    lines: tuple[str, ...] = ()
    errors: tuple[str, ...] = field(default=())
    #: The report written, if any.
    path: Path | None = None


def rebuild_report(
    run_dir: Path,
    *,
    force: bool = False,
    runbook: Path | None = None,
    env_file: Path | None = None,
) -> ReportResult:
    """Rebuild ``run_dir``'s report as ``report-N.html`` and chain it (see the module)."""
    try:
        lock = RunLock.acquire(run_dir) if run_dir.is_dir() else None
    except RunDirError as exc:
        return ReportResult(ExitCode.INVALID, errors=(f"error: {exc}",))
    try:
        return _rebuild(run_dir, force=force, runbook=runbook, env_file=env_file)
    finally:
        if lock is not None:
            lock.release()


def _rebuild(
    run_dir: Path, *, force: bool, runbook: Path | None, env_file: Path | None
) -> ReportResult:
    try:
        result = verify_run_dir(run_dir)
    except EvidenceError as exc:
        return ReportResult(ExitCode.INVALID, errors=(f"error: {exc}",))
    errors = [f"{run_dir}: {problem}" for problem in result.problems]
    if not result.ok and not force:
        errors.append(
            f"error: {run_dir} does not verify intact, so no report was built. Find out "
            "why first; --force builds one anyway, marked in red as built from evidence "
            "that does not verify."
        )
        return ReportResult(ExitCode.STEP_FAILED, errors=tuple(errors))
    secrets, source = run_secrets(run_dir, runbook, env_file)
    redactor = SecretSet(secrets).redactor
    try:
        manifest = Manifest.open(run_dir)
    except ManifestError:
        # Only reachable with force: the chain is broken, so the report cannot join it.
        manifest = None
    if manifest is not None:
        found = tickets(run_dir, manifest.entries)
        ticket = found[-1] if found else None
        name = write_report(
            manifest,
            redactor=redactor,
            problems=result.problems,
            built_by="dnn-runbook report",
            ticket=ticket,
        )
        write_sums(run_dir)
        said = (
            f"the ticket hash stays {ticket.head} ({ticket.file})"
            if ticket is not None
            else "the run recorded no ticket hash"
        )
        line = f"{run_dir / name}: written and chained after the ticket; {said}."
        return ReportResult(ExitCode.OK, (source, line), tuple(errors), run_dir / name)
    name = free_name(run_dir, REPORT_NAME.removesuffix(".html"), ".html")
    page = render_report(
        load_evidence(run_dir),
        redactor=redactor,
        chain_head=result.head,
        problems=result.problems,
        built_by="dnn-runbook report --force",
    )
    write_atomic(run_dir / name, page)
    line = (
        f"{run_dir / name}: written but NOT chained: the manifest's chain is broken, so "
        "nothing can be added to it."
    )
    return ReportResult(ExitCode.OK, (source, line), tuple(errors), run_dir / name)


def run_secrets(
    run_dir: Path, given: Path | None, env_file: Path | None
) -> tuple[tuple[Secret, ...], str]:
    """The secrets of the run's runbook, and a line saying where they came from.

    The run's journal and events hold masked values only; redacting the report with the
    runbook's secrets as well is defence in depth, so a runbook that cannot be loaded (moved,
    changed, or its variables unset) is no reason to refuse the report.
    """
    try:
        journal = Journal.load(run_dir)
    except RunDirError:
        return (), "Redacting with no runbook secrets: the run's journal names no runbook."
    path = given or Path(journal.runbook_path)
    expected = journal.runbook_sha256
    try:
        digest = hashlib.sha256(
            read_regular(path, max_bytes=MAX_RUNBOOK_BYTES, what="runbook")
        ).hexdigest()
    except InputFileError:
        return (), f"Redacting with no runbook secrets: {path} cannot be read."
    if digest != expected:
        return (), f"Redacting with no runbook secrets: {path} is not the runbook the run used."
    try:
        loaded = load(path, env_file=env_file)
    except DnnRunbookError:
        return (), (
            f"Redacting with no runbook secrets: {path} needs variables that are not set "
            "(pass --env-file)."
        )
    return loaded.secrets(), f"Redacting with the secrets of {path}."
