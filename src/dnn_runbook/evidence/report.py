"""``report.html``: one self-contained page, built from a run directory alone, for a change ticket.

Everything comes from the run directory: the journal (``state.json``), the events
(``events.jsonl``), the manifest and the screenshots, which are embedded as ``data:`` URIs.
The CSS is inline, there is no script and no external request, so the file can be attached to
a ticket, mailed or archived and still show everything.

What it shows: the runbook (name, SHA-256), who ran it (OS user and host, from the
``run_started`` and ``run_resumed`` events), when (UTC start, end, resumes), the outcome and
why the run stopped, the development-license window, each step (outcome, duration, the
page's notification, the license tables read, the before/after screenshots side by side;
click a screenshot to see it full size), the final license table of each server, warnings,
and the evidence files with the manifest's chain head.

**The chain head it states is the head before the report itself was added.** The report is
then chained into the manifest as its last file, so the manifest's final head (the ``head`` of
``manifest.json``, which the run prints at its end) covers the report too.

Defence in depth: every text passes the run's :class:`~dnn_runbook.evidence.redact.Redactor`
and is HTML-escaped, and every invoice in a license table is cut to its last four characters,
even though the journal and the events hold only masked values already.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dnn_runbook.evidence._report_page import opt_str, parse_time, render_page
from dnn_runbook.evidence.chain import ManifestEntry, audit_chain, load_manifest_document
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.redact import Redactor

#: The name of the report a run writes; rebuilt reports get ``report-2.html``, ``-3``, ...
REPORT_NAME = "report.html"


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
        start, end = parse_time(self.started), parse_time(self.finished)
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
    #: What could not be read (a missing journal, unparsable event lines), as sentences.
    notes: tuple[str, ...] = field(default=())


def load_evidence(run_dir: Path) -> RunEvidence:
    """Read ``run_dir``'s manifest, journal and events; tolerate what a crash left damaged.

    Raises :class:`~dnn_runbook.exceptions.RunDirError` or
    :class:`~dnn_runbook.exceptions.ManifestError` only when there is no readable manifest.
    """
    _raw, document = load_manifest_document(run_dir)
    audit = audit_chain(document)
    latest: dict[str, ManifestEntry] = {}
    for entry in audit.entries:
        latest.pop(entry.file, None)
        latest[entry.file] = entry
    notes: list[str] = []
    journal = _read_json(run_dir / "state.json", notes)
    events = _read_events(run_dir / "events.jsonl", notes)
    tables = tuple(_table(event) for event in events if event.get("event") == "license_table_read")
    descriptions = {
        str(e.get("step_id")): str(e.get("description"))
        for e in events
        if e.get("event") == "step_started" and e.get("description")
    }
    steps = tuple(
        _step(raw, descriptions, tables) for raw in _list(journal, "steps") if isinstance(raw, dict)
    )
    found = journal.get("runbook")
    runbook: dict[str, Any] = found if isinstance(found, dict) else {}
    browser = next((e for e in events if e.get("event") == "browser_started"), None)
    return RunEvidence(
        run_dir=run_dir,
        run_id=str(journal.get("run_id") or audit.run_id or run_dir.name),
        runbook_name=str(runbook.get("name") or audit.runbook_name or "?"),
        runbook_sha256=str(runbook.get("sha256") or audit.runbook_sha256 or "?"),
        runbook_path=opt_str(runbook.get("path")),
        status=str(journal.get("status") or "running"),
        started=opt_str(journal.get("started")),
        finished=opt_str(journal.get("finished")),
        resumed=tuple(str(t) for t in _list(journal, "resumed")),
        development_activated=opt_str(journal.get("development_activated")),
        development_removed=opt_str(journal.get("development_removed")),
        steps=steps,
        sessions=tuple(e for e in events if e.get("event") in {"run_started", "run_resumed"}),
        browser=(f"{browser.get('browser')} {browser.get('version')}" if browser else None),
        tables=tables,
        # A step that stopped is shown with its step; the rest are warnings worth a look.
        warnings=tuple(
            e
            for e in events
            if e.get("level") in {"warning", "error", "critical"}
            and e.get("event") != "step_stopped"
        ),
        entries=tuple(latest.values()),
        notes=tuple(notes),
    )


def report_file_name(manifest: Manifest) -> str:
    """``report.html``, or the first free ``report-N.html``: a report is never overwritten."""
    name, counter = REPORT_NAME, 2
    while (manifest.run_dir / name).exists() or manifest.latest(name) is not None:
        name = f"report-{counter}.html"
        counter += 1
    return name


def write_report(
    manifest: Manifest,
    *,
    redactor: Redactor,
    problems: Sequence[str] = (),
    built_by: str = "the run",
) -> str:
    """Build the report of ``manifest``'s run directory, write it and chain it; return its name.

    The report states the manifest's head as it is before the report is added. ``problems``
    (what ``verify`` found) are shown in red at the top: the evidence does not verify.
    """
    evidence = load_evidence(manifest.run_dir)
    page = render_report(
        evidence, redactor=redactor, chain_head=manifest.head, problems=problems, built_by=built_by
    )
    name = report_file_name(manifest)
    manifest.write_file(name, page)
    return name


def render_report(
    evidence: RunEvidence,
    *,
    redactor: Redactor,
    chain_head: str,
    problems: Sequence[str] = (),
    built_by: str = "the run",
    now: datetime | None = None,
) -> str:
    """The report as one HTML document (UTF-8 text); see the module docstring."""
    return render_page(
        evidence,
        redactor=redactor,
        chain_head=chain_head,
        problems=problems,
        built_by=built_by,
        now=now,
    )


# -- reading ----------------------------------------------------------------------------------


def _read_json(path: Path, notes: list[str]) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        notes.append(f"{path.name} is missing: the steps of the run are unknown.")
        return {}
    except (OSError, ValueError) as exc:
        notes.append(f"{path.name} could not be read ({type(exc).__name__}): steps are unknown.")
        return {}
    return data if isinstance(data, dict) else {}


def _read_events(path: Path, notes: list[str]) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        notes.append(f"{path.name} is missing: who ran the run and the tables read are unknown.")
        return []
    events, bad = [], 0
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(event, dict):
            events.append(event)
    if bad:
        notes.append(f"{path.name} has {bad} line(s) that are not JSON (a crash cut one short).")
    return events


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _int(value: object) -> int:
    if isinstance(value, int | str):
        try:
            return int(value)
        except ValueError:
            return 0
    return 0


def _mask_invoice(value: object) -> str:
    """An invoice as its last four characters at most, whatever the event held."""
    text = "" if value is None else str(value)
    shown = text.lstrip("*•")
    if shown != text and len(shown) <= 4:
        return text  # masked already
    return "*" * len(text) if len(text) <= 4 else "*" + text[-4:]


def _table(event: dict[str, Any]) -> TableRead:
    rows = []
    for raw in _list(event, "licenses"):
        if isinstance(raw, dict):
            rows.append({**raw, "invoice": _mask_invoice(raw.get("invoice"))})
    reachable = event.get("licensing_reachable")
    return TableRead(
        time=opt_str(event.get("timestamp")),
        server=str(event.get("server") or "?"),
        step_id=opt_str(event.get("step_id")),
        reachable=reachable if isinstance(reachable, bool) else None,
        rows=tuple(rows),
    )


def _step(
    raw: dict[str, Any], descriptions: dict[str, str], tables: Iterable[TableRead]
) -> StepView:
    step_id = str(raw.get("id", "?"))
    return StepView(
        index=_int(raw.get("index")),
        id=step_id,
        action=str(raw.get("action", "?")),
        status=str(raw.get("status", "pending")),
        started=opt_str(raw.get("started")),
        finished=opt_str(raw.get("finished")),
        attempts=_int(raw.get("attempts")),
        message=opt_str(raw.get("message")),
        notification=opt_str(raw.get("notification")),
        files=tuple(str(name) for name in _list(raw, "screenshots")),
        description=descriptions.get(step_id),
        tables=tuple(t for t in tables if t.step_id == step_id),
    )
