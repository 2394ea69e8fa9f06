"""What a report is built from: a run directory's journal, events and manifest, read once
into frozen objects (:class:`RunEvidence`) that the page renders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dnn_runbook.clock import parse_iso
from dnn_runbook.evidence._chain import ManifestEntry
from dnn_runbook.evidence.run_dir import through_link
from dnn_runbook.exceptions import InputFileError
from dnn_runbook.inputs import read_regular


def opt_str(value: object) -> str | None:
    """``str(value)``, or ``None`` for ``None``."""
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class TableRead:
    """A license table as one ``license_table_read`` event recorded it (invoices masked)."""

    time: str | None
    server: str
    step_id: str | None
    reachable: bool | None
    rows: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class StepView:
    """One step as the journal and the events tell it."""

    index: int
    id: str
    action: str
    status: str
    started: str | None
    finished: str | None
    attempts: int
    message: str | None
    notification: str | None
    files: tuple[str, ...]
    description: str | None
    tables: tuple[TableRead, ...]

    @property
    def duration_s(self) -> float | None:
        """How long the step took, when it started and finished."""
        start, end = parse_iso(self.started), parse_iso(self.finished)
        return None if start is None or end is None else (end - start).total_seconds()


@dataclass(frozen=True, slots=True)
class RunEvidence:
    """What a run directory holds, read once; :func:`render_report` turns it into HTML."""

    run_dir: Path
    run_id: str
    runbook_name: str
    runbook_sha256: str
    runbook_path: str | None
    status: str
    started: str | None
    finished: str | None
    resumed: tuple[str, ...]
    development_activated: str | None
    development_removed: str | None
    steps: tuple[StepView, ...]
    #: ``run_started``/``run_resumed`` events: who ran it, where, with which version.
    sessions: tuple[dict[str, Any], ...]
    browser: str | None
    tables: tuple[TableRead, ...]
    warnings: tuple[dict[str, Any], ...]
    #: The latest manifest entry of each file, in chain order.
    entries: tuple[ManifestEntry, ...]
    #: Each server the run acted on, as ``name: address (as user)``, from the manifest's binding.
    servers: tuple[str, ...] = field(default=())
    #: What could not be read (a missing journal, unparsable event lines), as sentences.
    notes: tuple[str, ...] = field(default=())
    #: ``run``, or ``check`` for the run directory of ``dnn-runbook check``.
    kind: str = "run"


def read_listed(run_dir: Path, entries: Mapping[str, ManifestEntry], name: str) -> bytes | str:
    """The bytes of evidence file ``name``, or why it is not shown.

    Only files the manifest lists are read, and never through a link: a journal that was
    tampered with cannot make the report embed a file from outside the run directory.
    """
    if name not in entries:
        return f"{name} is not in the manifest, so it is not shown"
    if through_link(run_dir, name):
        return f"{name} is reached through a link, not a file of the run, so it is not shown"
    try:
        return read_regular(run_dir / name, max_bytes=entries[name].size, what="screenshot")
    except InputFileError as exc:
        return f"{name} is not shown: {exc.reason}"
