"""The run journal, ``state.json``: where a run is, written atomically after every change.

A killed runner leaves a journal that names the step it was in; ``--resume`` reads it and
continues from the first step that is not finished. The journal also keeps the few facts the
safety rules need across a resume (when the Development license was activated, for example).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from dnn_runbook.evidence.atomic import write_atomic
from dnn_runbook.exceptions import RunDirError

FORMAT = "dnn-runbook-state/1"
FILE_NAME = "state.json"


class StepStatus(StrEnum):
    """Where a step stands."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    #: The step's effect was already there when it was about to act; nothing was clicked.
    ALREADY_DONE = "already_done"
    FAILED = "failed"
    DECLINED = "declined"
    REFUSED = "refused"
    INTERRUPTED = "interrupted"

    @property
    def finished(self) -> bool:
        """True when a resumed run must not run this step again."""
        return self in {StepStatus.DONE, StepStatus.ALREADY_DONE}


class RunStatus(StrEnum):
    """Where the whole run stands."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    DECLINED = "declined"
    REFUSED = "refused"
    INTERRUPTED = "interrupted"


def utc_now() -> datetime:
    """The current time in UTC, to the millisecond (what every record of a run uses)."""
    return datetime.now(UTC).replace(microsecond=datetime.now(UTC).microsecond // 1000 * 1000)


def iso(moment: datetime | None) -> str | None:
    """``moment`` as ISO 8601 in UTC with a ``Z``, or ``None``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def format_elapsed(value: timedelta) -> str:
    """A duration for people: ``4.2s``, ``3m12s``, ``1h05m``."""
    seconds = value.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def parse_iso(text: str | None) -> datetime | None:
    """The inverse of :func:`iso`."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(slots=True)
class StepRecord:
    """The journal's record of one step."""

    index: int
    id: str
    action: str
    status: StepStatus = StepStatus.PENDING
    started: str | None = None
    finished: str | None = None
    attempts: int = 0
    message: str | None = None
    notification: str | None = None
    screenshots: list[str] = field(default_factory=list)

    @property
    def duration_s(self) -> float | None:
        """How long the step took, when it has finished."""
        start, end = parse_iso(self.started), parse_iso(self.finished)
        if start is None or end is None:
            return None
        return (end - start).total_seconds()


@dataclass(slots=True)
class Journal:
    """The state of one run, saved to ``state.json`` in its run directory."""

    path: Path
    run_id: str
    runbook_name: str
    runbook_sha256: str
    runbook_path: str
    started: str
    steps: list[StepRecord]
    status: RunStatus = RunStatus.RUNNING
    updated: str | None = None
    finished: str | None = None
    resumed: list[str] = field(default_factory=list)
    #: When the production invoice was activated as Development, and when that was removed.
    development_activated: str | None = None
    development_removed: str | None = None

    @classmethod
    def create(
        cls,
        run_dir: Path,
        *,
        run_id: str,
        runbook_name: str,
        runbook_sha256: str,
        runbook_path: str,
        steps: list[tuple[int, str, str]],
    ) -> Journal:
        """Start the journal of a new run with every step pending, and save it."""
        journal = cls(
            path=run_dir / FILE_NAME,
            run_id=run_id,
            runbook_name=runbook_name,
            runbook_sha256=runbook_sha256,
            runbook_path=runbook_path,
            started=iso(utc_now()) or "",
            steps=[StepRecord(index, step_id, action) for index, step_id, action in steps],
        )
        journal.save()
        return journal

    @classmethod
    def load(cls, run_dir: Path) -> Journal:
        """Read the journal of the run in ``run_dir``.

        Raises:
            RunDirError: there is no journal, or it is not one this version wrote.
        """
        path = run_dir / FILE_NAME
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise RunDirError(
                f"{run_dir} has no {FILE_NAME}: it is not the run directory of a dnn-runbook run "
                "(pass the folder that 'dnn-runbook run' printed at the end)."
            ) from exc
        except (OSError, ValueError) as exc:
            raise RunDirError(f"{path} could not be read as a journal ({exc}).") from exc
        if data.get("format") != FORMAT:
            raise RunDirError(
                f"{path} must have format {FORMAT!r} (got {data.get('format')!r}); it was not "
                "written by this version of dnn-runbook."
            )
        try:
            steps = [
                StepRecord(**{**raw, "status": StepStatus(raw["status"])}) for raw in data["steps"]
            ]
            return cls(
                path=path,
                run_id=data["run_id"],
                runbook_name=data["runbook"]["name"],
                runbook_sha256=data["runbook"]["sha256"],
                runbook_path=data["runbook"]["path"],
                started=data["started"],
                steps=steps,
                status=RunStatus(data["status"]),
                updated=data.get("updated"),
                finished=data.get("finished"),
                resumed=list(data.get("resumed", [])),
                development_activated=data.get("development_activated"),
                development_removed=data.get("development_removed"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RunDirError(
                f"{path} is not a complete journal: {exc!r} is missing or wrong."
            ) from exc

    def to_json(self) -> dict[str, Any]:
        """The journal as the JSON document saved to disk."""
        return {
            "format": FORMAT,
            "run_id": self.run_id,
            "runbook": {
                "name": self.runbook_name,
                "sha256": self.runbook_sha256,
                "path": self.runbook_path,
            },
            "status": self.status.value,
            "started": self.started,
            "updated": self.updated,
            "finished": self.finished,
            "resumed": self.resumed,
            "development_activated": self.development_activated,
            "development_removed": self.development_removed,
            "steps": [{**asdict(step), "status": step.status.value} for step in self.steps],
        }

    def save(self) -> None:
        """Write the journal atomically: a crash leaves the previous or the new one, whole."""
        self.updated = iso(utc_now())
        write_atomic(self.path, json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")

    def record(self, step_id: str) -> StepRecord:
        """The record of the step with ``step_id``."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def first_unfinished(self) -> StepRecord | None:
        """The step a resumed run starts from, or ``None`` when every step has finished."""
        return next((step for step in self.steps if not step.status.finished), None)
