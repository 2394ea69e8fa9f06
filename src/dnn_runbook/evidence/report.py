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

**The head it states is the run's ticket hash** (``head.txt``, see
:mod:`~dnn_runbook.evidence.seal`), the one the run prints at its end; the report is chained
after it. A report of a run that never wrote a ticket states the head before the report.

Defence in depth: every text passes the run's :class:`~dnn_runbook.evidence.redact.Redactor`
and is HTML-escaped, and every invoice in a license table is cut to its last four characters,
even though the journal and the events hold only masked values already.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from dnn_runbook.evidence._chain import ManifestEntry, audit_chain, load_manifest_document
from dnn_runbook.evidence._json import MAX_JSON_BYTES, JsonReadError, parse_json
from dnn_runbook.evidence._report_model import RunEvidence, StepView, TableRead, opt_str
from dnn_runbook.evidence._report_page import render_page
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.names import EVENTS_NAME, JOURNAL_NAME, REPORT_NAME
from dnn_runbook.evidence.redact import Redactor
from dnn_runbook.evidence.seal import Ticket, describe
from dnn_runbook.exceptions import InputFileError
from dnn_runbook.inputs import read_regular
from dnn_runbook.licenses import MASK, mask_invoice

__all__ = ["REPORT_NAME", "load_evidence", "render_report", "report_file_name", "write_report"]


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
    journal = _read_json(run_dir / JOURNAL_NAME, notes)
    events = _read_events(run_dir / EVENTS_NAME, notes)
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
        kind=str(journal.get("kind") or "run"),
        servers=_servers(audit.binding),
    )


def report_file_name(manifest: Manifest) -> str:
    """``report.html``, or the first free ``report-N.html``: a report is never overwritten."""
    return manifest.free_name(REPORT_NAME.removesuffix(".html"), ".html")


def write_report(
    manifest: Manifest,
    *,
    redactor: Redactor,
    problems: Sequence[str] = (),
    built_by: str = "the run",
    ticket: Ticket | None = None,
) -> str:
    """Build the report of ``manifest``'s run directory, write it and chain it; return its name.

    The report states ``ticket``'s hash and how it was sealed, or with no ticket the
    manifest's head as it is before the report is added. ``problems`` (what ``verify`` found)
    are shown in red at the top: the evidence does not verify.
    """
    evidence = load_evidence(manifest.run_dir)
    page = render_report(
        evidence,
        redactor=redactor,
        chain_head=ticket.head if ticket is not None else manifest.head,
        problems=problems,
        built_by=built_by,
        ticket_file=ticket.file if ticket is not None else None,
        seal=describe(manifest.run_dir, ticket) if ticket is not None else (),
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
    ticket_file: str | None = None,
    seal: Sequence[str] = (),
) -> str:
    """The report as one HTML document (UTF-8 text); see the module docstring."""
    return render_page(
        evidence,
        redactor=redactor,
        chain_head=chain_head,
        problems=problems,
        built_by=built_by,
        now=now,
        ticket_file=ticket_file,
        seal=seal,
    )


# -- reading ----------------------------------------------------------------------------------


def _read_json(path: Path, notes: list[str]) -> dict[str, Any]:
    try:
        data = parse_json(read_regular(path, max_bytes=MAX_JSON_BYTES, what="journal"))
    except InputFileError as exc:
        notes.append(f"{path.name} could not be read ({exc.reason}): the steps are unknown.")
        return {}
    except JsonReadError as exc:
        notes.append(f"{path.name} is {exc}: the steps of the run are unknown.")
        return {}
    return data if isinstance(data, dict) else {}


def _read_events(path: Path, notes: list[str]) -> list[dict[str, Any]]:
    try:
        data = read_regular(path, max_bytes=MAX_JSON_BYTES, what="events file")
    except InputFileError as exc:
        notes.append(
            f"{path.name} could not be read ({exc.reason}): who ran the run and the tables "
            "read are unknown."
        )
        return []
    events, bad = [], 0
    # Split at LF only: a JSON line may hold U+2028 and the like, which splitlines() breaks at.
    for line in data.decode("utf-8", errors="replace").split("\n"):
        if not line.strip():
            continue
        try:
            event = parse_json(line)
        except JsonReadError:
            bad += 1
            continue
        if isinstance(event, dict):
            events.append(event)
    if bad:
        notes.append(f"{path.name} has {bad} line(s) that are not JSON (a crash cut one short).")
    return events


def _servers(binding: dict[str, Any] | None) -> tuple[str, ...]:
    servers = binding.get("servers") if binding is not None else None
    if not isinstance(servers, dict):
        return ()
    return tuple(
        f"{name}: {spec.get('url', '?')} (as {spec.get('username', '?')}{_trust(spec)})"
        for name, spec in servers.items()
        if isinstance(spec, dict)
    )


def _trust(spec: dict[str, Any]) -> str:
    """How the server's certificate was trusted, when not as the browser would by itself."""
    how = spec.get("how")
    if not isinstance(how, dict):
        return ""
    if how.get("tls_ca"):
        return f"; certificate checked against {how['tls_ca']}"
    if how.get("tls_verify") is False:
        return "; certificate NOT checked (tls_verify: false)"
    return ""


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
    shown = text.removeprefix(MASK)
    if shown != text and len(shown) <= 4:
        return text  # masked already
    return mask_invoice(text)


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
