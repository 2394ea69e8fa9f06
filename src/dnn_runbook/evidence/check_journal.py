"""The run directory of a ``check``: a normal run directory, marked as a check.

It holds what a run's does (masked screenshots, ``events.jsonl``, ``manifest.json``, a
``state.json`` and ``report.html``), so ``dnn-runbook verify`` and ``report`` accept it. Its
folder is named ``<UTC time>-<runbook name>-check``, and its ``state.json`` says
``"kind": "check"``: one line per server looked at (``check.<server>``), then each step of
the runbook with what a run would do there (``would_run``, ``already_done``, ``refused``,
``would_fail``, ``not_reached``). A check changed nothing and has nothing to finish, so
``--resume`` refuses its folder (:meth:`dnn_runbook.evidence.journal.Journal.load`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dnn_runbook.clock import iso, utc_now
from dnn_runbook.evidence.journal import FILE_NAME, FORMAT
from dnn_runbook.evidence.lock import RunLock
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.run_dir import create_run_dir

__all__ = ["KIND", "CheckJournal", "CheckRecord", "start_check"]

#: What ``state.json``'s ``kind`` says of a check's run directory.
KIND = "check"


@dataclass(slots=True)
class CheckRecord:
    """One line of a check's journal: a server looked at, or a step of the runbook."""

    index: int
    id: str
    action: str
    status: str = "pending"
    started: str | None = None
    finished: str | None = None
    attempts: int = 0
    message: str | None = None
    notification: str | None = None
    screenshots: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CheckJournal:
    """A check's ``state.json``, in the journal's own shape so that the report reads it."""

    path: Path
    #: The manifest the journal is chained into at every save.
    manifest: Manifest
    run_id: str
    runbook_name: str
    runbook_sha256: str
    runbook_path: str
    started: str
    records: list[CheckRecord] = field(default_factory=list)
    #: ``checking``, then ``check_passed``, ``check_refused`` or ``check_failed``.
    status: str = "checking"
    finished: str | None = None

    def add(self, index: int, record_id: str, action: str) -> CheckRecord:
        """A new line, saved."""
        record = CheckRecord(index, record_id, action)
        self.records.append(record)
        self.save()
        return record

    def to_json(self) -> dict[str, Any]:
        """The document written to ``state.json``."""
        return {
            "format": FORMAT,
            "kind": KIND,
            "run_id": self.run_id,
            "runbook": {
                "name": self.runbook_name,
                "sha256": self.runbook_sha256,
                "path": self.runbook_path,
            },
            "status": self.status,
            "started": self.started,
            "updated": iso(utc_now()),
            "finished": self.finished,
            "resumed": [],
            "development_activated": None,
            "development_removed": None,
            "binding": dict(self.manifest.binding),
            "steps": [asdict(record) for record in self.records],
        }

    def save(self) -> None:
        """Write ``state.json`` whole, chained into the manifest before it takes its name."""
        text = json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        self.manifest.write_file(FILE_NAME, text.encode("utf-8"), None)


def start_check(
    evidence_dir: Path, *, binding: Mapping[str, Any], runbook_path: str
) -> tuple[Path, Manifest, CheckJournal, RunLock]:
    """Create a check's run directory, its lock, its manifest and its journal; ``binding``
    is what the runbook resolved (:func:`dnn_runbook.evidence.binding.bind`). Release the
    lock when the check is over."""
    runbook = binding["runbook"]
    name, sha256 = str(runbook["name"]), str(runbook["sha256"])
    run_dir = create_run_dir(evidence_dir, f"{name}-check", utc_now())
    lock = RunLock.acquire(run_dir)
    try:
        manifest = Manifest.create(run_dir, run_dir.name, binding)
        journal = CheckJournal(
            path=run_dir / FILE_NAME,
            manifest=manifest,
            run_id=run_dir.name,
            runbook_name=name,
            runbook_sha256=sha256,
            runbook_path=runbook_path,
            started=iso(utc_now()) or "",
        )
        journal.save()
    except BaseException:
        lock.release()
        raise
    return run_dir, manifest, journal, lock
