"""The run journal, ``state.json``: where a run is, written atomically after every change.

A killed runner leaves a journal that names the step it was in; ``--resume`` reads it and
continues from the first step that is not finished. The journal also keeps the few facts the
safety rules need across a resume (when the Development license was activated, for example)
and the binding: what the run resolved its runbook to (see
:mod:`dnn_runbook.evidence.binding`), the same as the manifest's header.

In a run, every save goes through the manifest (``store``): the journal is chained before it
replaces the previous one, so a resumed run can tell a journal the chain vouches for from one
edited since.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from dnn_runbook.clock import iso, parse_iso, utc_now
from dnn_runbook.evidence._json import MAX_JSON_BYTES, JsonReadError, parse_json
from dnn_runbook.evidence.atomic import write_atomic
from dnn_runbook.evidence.names import JOURNAL_NAME
from dnn_runbook.exceptions import InputFileError, RunDirError
from dnn_runbook.inputs import read_regular

FORMAT = "dnn-runbook-state/2"
FILE_NAME = JOURNAL_NAME

#: Saves the journal's bytes (and the step in progress, if any): into the manifest's chain in a
#: run, else straight to disk.
Store = Callable[[bytes, str | None], None]


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
    #: When this step deleted a license whose activation did not go back to the invoice.
    activation_lost: str | None = None
    #: The DNN support case the operator named for that loss (``--support-case``).
    support_case: str | None = None

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
    #: What the run resolved its runbook to; the same as the manifest header's.
    binding: dict[str, Any] = field(default_factory=dict)
    #: Each change of how unfinished steps are done that a resume accepted, in order:
    #: ``{"at", "changes", "confirmed_by", "binding"}``, ``binding`` what the runbook resolved
    #: to then (the next resume compares with the latest).
    amendments: list[dict[str, Any]] = field(default_factory=list)
    #: How :meth:`save` writes the bytes (None: atomically to ``path``, outside any chain).
    store: Store | None = field(default=None, repr=False, compare=False)

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
        binding: dict[str, Any] | None = None,
        store: Store | None = None,
    ) -> Journal:
        """Start the journal of a new run with every step pending, and save it."""
        journal = cls(
            path=run_dir / FILE_NAME,
            run_id=run_id,
            runbook_name=runbook_name,
            runbook_sha256=runbook_sha256,
            runbook_path=runbook_path,
            started=iso(utc_now()),
            steps=[StepRecord(index, step_id, action) for index, step_id, action in steps],
            binding=dict(binding or {}),
            store=store,
        )
        journal.save()
        return journal

    @classmethod
    def load(cls, run_dir: Path, *, store: Store | None = None) -> Journal:
        """Read the journal of the run in ``run_dir``.

        Raises:
            RunDirError: there is no journal, or it is not a whole journal this version wrote
                (whatever was done to the file: this never raises anything else).
        """
        path = run_dir / FILE_NAME
        try:
            data = parse_json(read_regular(path, max_bytes=MAX_JSON_BYTES, what="journal"))
        except InputFileError as exc:
            raise RunDirError(
                f"{run_dir} has no readable {FILE_NAME} ({exc.reason}) so it is not the run "
                "directory of a dnn-runbook run (pass the folder 'dnn-runbook run' printed)."
            ) from None
        except JsonReadError as exc:
            raise RunDirError(f"{path} could not be read as a journal: it is {exc}.") from None
        if isinstance(data, dict) and data.get("kind") == "check":
            raise RunDirError(
                f"{run_dir} holds the evidence of 'dnn-runbook check', which changed nothing "
                "and has nothing to resume: start the run without --resume."
            )
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise RunDirError(
                f"{path} must have format {FORMAT!r} (got {str(found)[:60]!r}); it was not "
                "written by this version of dnn-runbook."
            )
        try:
            return _journal_from(path, data, store)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RunDirError(
                f"{path} is not a complete journal: {str(exc)[:120]} is missing or wrong."
            ) from None

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
            "binding": self.binding,
            "amendments": self.amendments,
            "steps": [{**asdict(step), "status": step.status.value} for step in self.steps],
        }

    def save(self) -> None:
        """Write the journal whole: a crash leaves the previous or the new one, never half;
        in a run, the new one is chained before it replaces the previous one."""
        self.updated = iso(utc_now())
        data = (json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n").encode()
        if self.store is not None:
            self.store(data, self.current_step())
        else:
            write_atomic(self.path, data)

    def close_remaining(self, message: str) -> None:
        """Record every unfinished step as already done, with ``message`` saying why."""
        for step in self.steps:
            if not step.status.finished:
                step.status = StepStatus.ALREADY_DONE
                step.message = message
        self.save()

    def current_step(self) -> str | None:
        """The id of the step in progress, if one is."""
        return next((s.id for s in self.steps if s.status is StepStatus.RUNNING), None)

    def record(self, step_id: str) -> StepRecord:
        """The record of the step with ``step_id``."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def first_unfinished(self) -> StepRecord | None:
        """The step a resumed run starts from, or ``None`` when every step has finished."""
        return next((step for step in self.steps if not step.status.finished), None)


_TEXT_FIELDS = (
    "started",
    "finished",
    "message",
    "notification",
    "activation_lost",
    "support_case",
)


def _journal_from(path: Path, data: dict[str, Any], store: Store | None) -> Journal:
    """A journal from its parsed JSON, every field's type checked (see :meth:`Journal.load`)."""
    steps = []
    known = {f.name for f in fields(StepRecord)}
    for raw in _typed(data, "steps", list):
        if not isinstance(raw, dict) or set(raw) - known:
            raise ValueError("a step record")
        record = StepRecord(
            index=_typed(raw, "index", int),
            id=_typed(raw, "id", str),
            action=_typed(raw, "action", str),
            status=StepStatus(raw["status"]),
            attempts=_typed(raw, "attempts", int),
            screenshots=[str(_checked(n, str)) for n in _typed(raw, "screenshots", list)],
        )
        for name in _TEXT_FIELDS:
            setattr(record, name, _optional(raw.get(name)))
        steps.append(record)
    runbook = _typed(data, "runbook", dict)
    return Journal(
        path=path,
        run_id=_typed(data, "run_id", str),
        runbook_name=_typed(runbook, "name", str),
        runbook_sha256=_typed(runbook, "sha256", str),
        runbook_path=_typed(runbook, "path", str),
        started=_typed(data, "started", str),
        steps=steps,
        status=RunStatus(data["status"]),
        updated=_optional(data.get("updated")),
        finished=_optional(data.get("finished")),
        resumed=[str(_checked(t, str)) for t in _typed(data, "resumed", list)],
        development_activated=_time(data.get("development_activated")),
        development_removed=_time(data.get("development_removed")),
        binding=_typed(data, "binding", dict),
        amendments=[_checked(a, dict) for a in _checked(data.get("amendments", []), list)],
        store=store,
    )


def _typed(data: dict[str, Any], key: str, kind: type[Any]) -> Any:
    if key not in data:
        raise KeyError(repr(key))
    return _checked(data[key], kind, key)


def _checked(value: Any, kind: type[Any], key: str = "a value") -> Any:
    # bool is an int, but no count or index is true or false.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(repr(key))
    return value


def _optional(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("a text field")
    return value


def _time(value: Any) -> str | None:
    text = _optional(value)
    if text is not None and parse_iso(text) is None:
        raise ValueError("a time")
    return text
