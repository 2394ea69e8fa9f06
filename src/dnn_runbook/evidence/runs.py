"""A run directory's life: created for a new run, reopened for a resumed one.

A new run gets a new owner-only directory, its lock, its manifest and its journal (every step
pending), the journal chained with every save. A resumed run takes the lock first, then
checks the directory against its manifest before it believes anything in it (see
:mod:`dnn_runbook.evidence.recovery`: only the provable traces of an interrupted process are
repaired), refuses a run whose runbook, servers, accounts, invoice or tool resolve
differently now (see :mod:`dnn_runbook.evidence.binding`), and marks the step a kill or
Ctrl-C left unfinished to run again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dnn_runbook.clock import iso, utc_now
from dnn_runbook.evidence import recovery
from dnn_runbook.evidence.binding import differences, how_differences, recorded_key
from dnn_runbook.evidence.journal import Journal, RunStatus, StepStatus
from dnn_runbook.evidence.lock import RunLock
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.names import JOURNAL_NAME, SUMS_NAME
from dnn_runbook.evidence.recovery import Repair
from dnn_runbook.evidence.run_dir import create_run_dir
from dnn_runbook.exceptions import OperatorDeclinedError, RunDirError

#: Given the HMAC key a run recorded, what its runbook resolves to now.
Rebind = Callable[[str], Mapping[str, Any]]

#: Shown the changes of how unfinished steps are done, says who accepted them (``"--yes"``,
#: ``"the operator"``), or ``None`` when they were not.
Accept = Callable[[Sequence[str]], str | None]


@dataclass(frozen=True, slots=True)
class RunFiles:
    """An open run directory: where it is, its manifest, its journal, the lock the process
    holds on it, and the repairs a resume made (see :mod:`~dnn_runbook.evidence.recovery`)."""

    run_dir: Path
    manifest: Manifest
    journal: Journal
    lock: RunLock | None = None
    repairs: tuple[Repair, ...] = ()
    #: The changes of how unfinished steps are done that this resume accepted.
    amended: tuple[str, ...] = ()

    def close(self) -> None:
        """Let the run directory go (release its lock)."""
        if self.lock is not None:
            self.lock.release()


def chained_store(manifest: Manifest) -> Callable[[bytes, str | None], None]:
    """How a run's journal is saved: chained into ``manifest`` before it replaces the last."""

    def store(data: bytes, step_id: str | None) -> None:
        manifest.write_file(JOURNAL_NAME, data, step_id)

    return store


def start_run(
    evidence_dir: Path,
    *,
    binding: Mapping[str, Any],
    runbook_path: str,
    steps: Sequence[tuple[int, str, str]],
) -> RunFiles:
    """Create the run directory of a new run, its lock, manifest and journal (``steps`` are
    ``(index, id, action)``, every one pending); ``binding`` is what the run resolved."""
    run_dir = create_run_dir(evidence_dir, _runbook_name(binding), utc_now())
    lock = RunLock.acquire(run_dir)
    try:
        manifest = Manifest.create(run_dir, run_dir.name, binding)
        journal = Journal.create(
            run_dir,
            run_id=manifest.run_id,
            runbook_name=manifest.runbook_name,
            runbook_sha256=manifest.runbook_sha256,
            runbook_path=runbook_path,
            steps=list(steps),
            binding=manifest.binding,
            store=chained_store(manifest),
        )
    except BaseException:
        lock.release()
        raise
    return RunFiles(run_dir, manifest, journal, lock)


def resume_run(run_dir: Path, *, rebind: Rebind, accept: Accept | None = None) -> RunFiles:
    """Reopen the run in ``run_dir`` to continue it from its first unfinished step.

    ``rebind(key)`` says what the runbook resolves to now, with the run's HMAC key. What the
    run does (servers, accounts, invoice, email, each step's target, the steps' order) must be
    the same; how an unfinished step is done may differ if ``accept`` (shown every change)
    accepts it: the change is then recorded in the journal (``amendments``) and in
    :attr:`RunFiles.amended`.

    Raises:
        RunDirError: ``run_dir`` is not a run directory, another process holds it, it does not
            verify against its manifest, what the runbook resolves to changed since, or how
            it does a step changed and there is no ``accept`` or the step has finished.
        OperatorDeclinedError: ``accept`` did not accept the changes.
    """
    # Absolute from here on: every file of the run is named as run_dir / name.
    run_dir = Path(run_dir).absolute()
    lock = RunLock.acquire(run_dir)
    try:
        repairs = recovery.check(run_dir)
        manifest = Manifest.open(run_dir)
        key = recorded_key(manifest.binding)
        if key is None:
            raise RunDirError(
                f"The manifest of {run_dir} records no binding key, so what the run resolved "
                "cannot be compared with what the runbook resolves to now; start a new run."
            )
        current = rebind(key)
        changed = differences(manifest.binding, current)
        if changed:
            raise RunDirError(
                f"The run in {run_dir} is not resumed: what its runbook resolves to now is not "
                f"what the run acted on, and a resume may change only how an unfinished step "
                f"is done. Changed: {'; '.join(changed)}. Resume with the runbook, env file "
                "and environment the run started with, or start a new run."
            )
        recovery.apply(run_dir, manifest, repairs)
        # The checksums describe the directory as the last run left it; they are written anew
        # at the end, and until then must not contradict a manifest that grows.
        (run_dir / SUMS_NAME).unlink(missing_ok=True)
        journal = Journal.load(run_dir, store=chained_store(manifest))
        if journal.binding != manifest.binding:
            raise RunDirError(
                f"The journal of {run_dir} records another binding than its manifest's header: "
                "one of them was rewritten; start a new run."
            )
        amended = _amend(run_dir, journal, current, accept)
        _reopen(journal)
    except BaseException:
        lock.release()
        raise
    return RunFiles(run_dir, manifest, journal, lock, repairs, amended)


def _amend(
    run_dir: Path, journal: Journal, current: Mapping[str, Any], accept: Accept | None
) -> tuple[str, ...]:
    """The changes of how steps are done since the run (or its last accepted amendment),
    accepted and added to the journal; refused as :func:`resume_run` says."""
    latest = journal.amendments[-1].get("binding") if journal.amendments else None
    baseline = latest if isinstance(latest, dict) else journal.binding
    finished = {record.id for record in journal.steps if record.status.finished}
    refused, changed = how_differences(baseline, current, finished=finished)
    if refused or (changed and accept is None):
        raise RunDirError(
            f"The run in {run_dir} is not resumed: its runbook changed since. Changed: "
            f"{'; '.join(refused or changed)}. Resume with the runbook the run started with"
            + ("." if refused else ", or accept the change when resuming with 'dnn-runbook run'.")
        )
    if not changed:
        return ()
    assert accept is not None
    who = accept(changed)
    if who is None:
        raise OperatorDeclinedError(
            f"the changes to the runbook were not accepted, so the run in {run_dir} was not "
            "resumed and nothing was done. Resume with the runbook the run started with, or "
            "accept the changes."
        )
    journal.amendments.append(
        {"at": iso(utc_now()), "changes": changed, "confirmed_by": who, "binding": dict(current)}
    )
    return tuple(changed)


def _reopen(journal: Journal) -> None:
    journal.resumed.append(iso(utc_now()))
    journal.status = RunStatus.RUNNING
    journal.finished = None
    for record in journal.steps:
        if record.status in {StepStatus.RUNNING, StepStatus.INTERRUPTED}:
            # The process died or was stopped inside this step: run it again (steps are
            # idempotent, and the table says whether the first try took effect).
            record.message = f"{record.message or ''} Interrupted; run again on resume.".strip()
        if not record.status.finished:
            record.status = StepStatus.PENDING
    journal.save()


def _runbook_name(binding: Mapping[str, Any]) -> str:
    """The runbook's name the run directory is named after (the manifest checks the rest)."""
    runbook = binding.get("runbook")
    if not isinstance(runbook, dict):
        raise RunDirError("A run's binding must name its runbook (binding['runbook']).")
    return str(runbook.get("name", ""))
