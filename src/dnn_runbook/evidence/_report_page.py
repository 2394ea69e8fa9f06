"""The HTML of ``report.html``: its layout, its CSS, and how each part of a run is shown.

:func:`render_page` turns a :class:`~dnn_runbook.evidence.report.RunEvidence` into one HTML
document. Every text passes the run's redactor and then ``html.escape``. Screenshots are
embedded as ``data:`` URIs; a click shows one full size and another click closes it, with CSS
alone (a hidden checkbox in a label), so the page needs no script and makes no request.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dnn_runbook import __version__

if TYPE_CHECKING:
    from dnn_runbook.evidence.redact import Redactor
    from dnn_runbook.evidence.report import RunEvidence, StepView, TableRead

#: The colour masked regions of screenshots are painted in (as ``runner.sessions`` paints them).
MASK_COLOR = "#1b2a38"

_STEP_FILE = re.compile(r"^(?P<index>\d+)-(?P<rest>.+)\.(?P<ext>png|txt)$")
_TRACE_FILE = re.compile(r"^trace-.+\.zip$")
_MAX_TEXT = 6000
_EVENT_KEYS = {"event", "level", "timestamp", "run_id", "step_id", "step_index", "action"}

_STATUS = {
    "done": ("Done", "ok"),
    "already_done": ("Already done", "info"),
    "failed": ("Failed", "bad"),
    "declined": ("Declined", "warn"),
    "refused": ("Refused", "warn"),
    "interrupted": ("Interrupted", "warn"),
    "pending": ("Not run", "muted"),
    "running": ("Unfinished", "warn"),
}
_RUN_STATUS = {
    "done": ("Completed", "ok", "Every step finished."),
    "failed": ("Failed", "bad", "A step failed and the run stopped."),
    "declined": ("Declined", "warn", "The operator declined a confirmation; the run stopped."),
    "refused": ("Refused", "warn", "Preflight refused to start; nothing was changed."),
    "interrupted": ("Interrupted", "warn", "The run was interrupted (Ctrl-C)."),
    "running": ("Unfinished", "warn", "The run did not record an end: it was killed or crashed."),
}


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time as the journal and events write it, or ``None`` if it is not one."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _when(text: str | None, *, date: bool = True) -> str:
    moment = parse_time(text)
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if date else "%H:%M:%S")


def _elapsed(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def render_page(
    evidence: RunEvidence,
    *,
    redactor: Redactor,
    chain_head: str,
    problems: Sequence[str],
    built_by: str,
    now: datetime | None = None,
) -> str:
    """The report of ``evidence`` as one HTML document; see the module docstring."""
    return _Page(evidence, redactor, chain_head, list(problems), built_by, now).render()


def opt_str(value: object) -> str | None:
    """``str(value)``, or ``None`` for ``None``."""
    return None if value is None else str(value)


class _Page:
    """Renders one report; every text goes through :meth:`t` (redact, then escape)."""

    def __init__(
        self,
        evidence: RunEvidence,
        redactor: Redactor,
        chain_head: str,
        problems: list[str],
        built_by: str,
        now: datetime | None,
    ) -> None:
        self.ev = evidence
        self.redactor = redactor
        self.chain_head = chain_head
        self.problems = problems
        self.built_by = built_by
        self.now = now or datetime.now(UTC)
        self.entries = {entry.file: entry for entry in evidence.entries}
        self.shown: set[str] = set()

    def t(self, value: object) -> str:
        """``value`` as text, secrets redacted, HTML-escaped."""
        return html.escape(self.redactor.redact("" if value is None else str(value)))

    def render(self) -> str:
        ev = self.ev
        label, tone, _ = _RUN_STATUS.get(ev.status, (ev.status, "muted", ""))
        body = "".join(
            [
                self._unverified(),
                self._summary(),
                self._window(),
                self._overview(),
                *(self._step(step) for step in ev.steps),
                self._other_files(),
                self._final_state(),
                self._warnings(),
                self._integrity(),
            ]
        )
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{self.t(ev.runbook_name)} — license migration evidence</title>"
            f"<style>{_CSS}</style></head><body>"
            '<header class="top"><div class="wrap">'
            '<p class="kicker">DNN Evoq license migration · evidence report</p>'
            f'<h1>{self.t(ev.runbook_name)} <span class="pill {tone}">{self.t(label)}</span></h1>'
            f'<p class="sub">Run <code>{self.t(ev.run_id)}</code> · started '
            f"{self.t(_when(ev.started))}</p></div></header>"
            f'<main class="wrap">{body}</main>'
            f'<footer class="wrap">{self._footer()}</footer></body></html>\n'
        )

    # -- sections ------------------------------------------------------------------------

    def _unverified(self) -> str:
        if not self.problems:
            return ""
        items = "".join(f"<li>{self.t(p)}</li>" for p in self.problems)
        return (
            '<section class="card alert bad"><h2>This report was built from evidence that does '
            "NOT verify</h2><p><code>dnn-runbook verify</code> found these problems in the run "
            "directory when this report was built (with <code>--force</code>). What follows "
            f"may have been altered and proves nothing.</p><ul>{items}</ul></section>"
        )

    def _summary(self) -> str:
        ev = self.ev
        label, tone, meaning = _RUN_STATUS.get(ev.status, (ev.status, "muted", ""))
        people = "".join(
            f"<li>{'Started' if s.get('event') == 'run_started' else 'Resumed'} by "
            f"<b>{self.t(s.get('user', '?'))}</b> on <b>{self.t(s.get('host', '?'))}</b> at "
            f"{self.t(_when(opt_str(s.get('timestamp'))))} (dnn-runbook {self.t(s.get('version', '?'))})"
            "</li>"
            for s in ev.sessions
        )
        start, end = parse_time(ev.started), parse_time(ev.finished)
        total = (end - start).total_seconds() if start and end else None
        facts = [
            ("Runbook", f"<b>{self.t(ev.runbook_name)}</b>"
             + (f' <span class="muted">({self.t(ev.runbook_path)})</span>' if ev.runbook_path else "")),
            ("Runbook SHA-256", f"<code>{self.t(ev.runbook_sha256)}</code>"),
            ("Run by", f'<ul class="plain">{people}</ul>' if people else "unknown (no run_started event)"),
            ("Started", self.t(_when(ev.started))),
            ("Finished", self.t(_when(ev.finished)) if ev.finished else "— (not recorded)"),
            ("Resumed", ", ".join(self.t(_when(r)) for r in ev.resumed) or "never"),
            ("Wall time", self.t(_elapsed(total)) + (" (resumes included)" if ev.resumed else "")),
            ("Browser", self.t(ev.browser or "—")),
            ("Playwright traces", self._traces()),
            ("Evidence", f"{len(ev.entries)} files chained in <code>manifest.json</code>; chain "
             f'head before this report <code>{self.t(self.chain_head[:16])}…</code> '
             '(<a href="#integrity">details</a>)'),
            ("Outcome", f'<span class="pill {tone}">{self.t(label)}</span> {self.t(meaning)}'),
        ]  # fmt: skip
        stop = self._stop_reason()
        return (
            f'<section class="card"><h2>Summary</h2>{stop}<dl class="facts">'
            + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
            + "</dl></section>"
        )

    def _stop_reason(self) -> str:
        stopped = next(
            (s for s in self.ev.steps if s.status in {"failed", "declined", "refused", "interrupted", "running"}),
            None,
        )  # fmt: skip
        if stopped is None or self.ev.status == "done":
            return ""
        _, tone = _STATUS.get(stopped.status, ("", "warn"))
        return (
            f'<div class="callout {tone}"><b>Stopped at step {stopped.index} '
            f"<code>{self.t(stopped.id)}</code>:</b> {self.t(stopped.message or 'no reason recorded')}</div>"
        )

    def _window(self) -> str:
        ev = self.ev
        if ev.development_activated is None:
            return (
                '<section class="card"><h2>Development-license window</h2><p class="muted">The '
                "production invoice was not activated as a Development license in this run.</p></section>"
            )
        start = parse_time(ev.development_activated)
        end = parse_time(ev.development_removed) or parse_time(ev.finished) or self.now
        span = _elapsed((end - start).total_seconds()) if start else "—"
        if ev.development_removed:
            state = f'<span class="pill ok">Closed</span> removed {self.t(_when(ev.development_removed))}'
        else:
            state = (
                '<span class="pill bad">Still open</span> the production invoice still serves as a '
                "Development license at the end of this run; DNN allows that only briefly."
            )
        return (
            '<section class="card"><h2>Development-license window</h2><dl class="facts">'
            f"<dt>Activated</dt><dd>{self.t(_when(ev.development_activated))}</dd>"
            f"<dt>State</dt><dd>{state}</dd>"
            f'<dt>Duration</dt><dd><b class="big">{self.t(span)}</b></dd></dl></section>'
        )

    def _overview(self) -> str:
        rows = "".join(
            f'<tr><td class="num">{s.index}</td><td><a href="#step-{self.t(s.id)}"><code>{self.t(s.id)}</code></a></td>'
            f"<td>{self.t(s.action)}</td><td>{self._pill(s.status)}</td>"
            f'<td class="num">{self.t(_elapsed(s.duration_s))}</td><td>{self.t(s.message or "")}</td></tr>'
            for s in self.ev.steps
        )  # fmt: skip
        notes = "".join(f'<p class="callout warn">{self.t(n)}</p>' for n in self.ev.notes)
        return (
            f'<section class="card"><h2>Steps</h2>{notes}<table class="steps"><thead><tr><th>#</th>'
            "<th>Step</th><th>Action</th><th>Outcome</th><th>Duration</th><th>What happened</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>"
        )

    def _step(self, step: StepView) -> str:
        if step.status == "pending" and not step.files:
            return ""
        facts = [
            ("Started", _when(step.started)),
            ("Finished", _when(step.finished)),
            ("Duration", _elapsed(step.duration_s)),
        ]
        if step.attempts:
            facts.append(("Attempts", str(step.attempts)))
        meta = " · ".join(f"{k} <b>{self.t(v)}</b>" for k, v in facts)
        parts = [
            f'<section class="card step" id="step-{self.t(step.id)}"><div class="step-head">'
            f'<span class="idx">{step.index}</span><h2><code>{self.t(step.id)}</code> '
            f'<span class="muted">{self.t(step.action)}</span></h2>{self._pill(step.status)}</div>',
            f'<p class="desc">{self.t(step.description)}</p>' if step.description else "",
            f'<p class="meta">{meta}</p>',
        ]
        if step.message:
            _, tone = _STATUS.get(step.status, ("", "muted"))
            parts.append(f'<p class="callout {tone}">{self.t(step.message)}</p>')
        if step.notification:
            parts.append(
                '<blockquote class="notification"><span>The page said</span>'
                f"{self.t(step.notification)}</blockquote>"
            )
        if step.tables:
            parts.append('<h3>License tables read</h3><div class="tables">')
            parts.extend(self._license_table(read) for read in step.tables)
            parts.append("</div>")
        parts.append(self._files(step))
        parts.append("</section>")
        return "".join(parts)

    def _files(self, step: StepView) -> str:
        images = [f for f in step.files if f.endswith(".png")]
        texts = [f for f in step.files if not f.endswith(".png")]
        self.shown.update(step.files)
        labels = {name: _label(name, step.id) for name in images}
        before = [n for n in images if labels[n].startswith("before")]
        after = [n for n in images if labels[n].startswith("after")]
        out = []
        if before and after:
            out.append('<h3>Before and after</h3><div class="shots">')
            out.append(self._figure(before[-1], "Before") + self._figure(after[-1], "After"))
            out.append("</div>")
            images = [n for n in images if n not in (before[-1], after[-1])]
        if images:
            title = "Also during the step" if out else "Screenshots"
            out.append(f'<h3>{title}</h3><div class="shots">')
            out.extend(self._figure(n, labels[n].replace("-", " ").capitalize()) for n in images)
            out.append("</div>")
        for name in texts:
            out.append(
                f'<h3>Recorded text</h3><p class="meta"><code>{self.t(name)}</code></p>'
                f"{self._text_file(name)}"
            )
        return "".join(out)

    def _read(self, name: str) -> bytes | str:
        """The bytes of evidence file ``name``, or why it is not shown.

        Only files the manifest lists are read, and never through a link: a journal that was
        tampered with cannot make the report embed a file from outside the run directory.
        """
        if name not in self.entries:
            return f"{name} is not in the manifest, so it is not shown"
        path = self.ev.run_dir / name
        if path.is_symlink():
            return f"{name} is a link, not a file, so it is not shown"
        try:
            return path.read_bytes()
        except OSError:
            return f"{name} is missing from the run directory"

    def _figure(self, name: str, caption: str) -> str:
        entry = self.entries.get(name)
        data = self._read(name)
        if isinstance(data, str):
            return (
                f'<figure><div class="missing">{self.t(data)}</div>'
                f"<figcaption>{self.t(caption)}</figcaption></figure>"
            )
        digest = hashlib.sha256(data).hexdigest()
        if entry is None:
            check = '<span class="bad-text">not in the manifest</span>'
        elif entry.sha256 == digest:
            check = f'SHA-256 <code>{digest[:16]}…</code> <span class="ok-text">matches the manifest</span>'
        else:
            check = '<span class="bad-text">ALTERED: does not match the manifest</span>'
        uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        taken = f" · {self.t(_when(entry.time, date=False))}" if entry else ""
        return (
            f'<figure><label class="zoom" title="Click to see it full size; click again to close">'
            f'<input type="checkbox"><img src="{uri}" alt="{self.t(caption)}: {self.t(name)}">'
            f"</label><figcaption><b>{self.t(caption)}</b>{taken} · "
            f"<code>{self.t(name)}</code><br>{check}</figcaption></figure>"
        )

    def _text_file(self, name: str) -> str:
        data = self._read(name)
        if isinstance(data, str):
            return f'<p class="bad-text">{self.t(data)}.</p>'
        text = data.decode("utf-8", errors="replace")
        if len(text) > _MAX_TEXT:
            text = text[:_MAX_TEXT] + "\n…"
        return f'<pre class="file">{self.t(text)}</pre>'

    def _license_table(self, read: TableRead) -> str:
        if read.reachable is None:
            reach = ""
        elif read.reachable:
            reach = '<span class="ok-text">licensing service reachable</span>'
        else:
            reach = '<span class="bad-text">cannot reach the licensing service</span>'
        head = (
            f'<p class="table-head"><b>{self.t(read.server)}</b> · read at '
            f"{self.t(_when(read.time, date=False))} · {reach}</p>"
        )
        if not read.rows:
            return f'<div class="lic">{head}<p class="empty">No license.</p></div>'
        rows = "".join(
            f"<tr><td>{self.t(r.get('type'))}</td><td><code>{self.t(r.get('invoice'))}</code></td>"
            f"<td>{self.t(r.get('web_server'))}</td><td>{'✓' if r.get('activated') else '✗'}</td>"
            f"<td>{self.t(r.get('expires') or '—')}</td></tr>"
            for r in read.rows
        )
        return (
            f'<div class="lic">{head}<table><thead><tr><th>License type</th><th>Invoice</th>'
            "<th>Web server</th><th>Activated</th><th>Expires</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )

    def _other_files(self) -> str:
        rest = [
            e.file for e in self.ev.entries if e.file.endswith(".png") and e.file not in self.shown
        ]
        if not rest:
            return ""
        figures = "".join(self._figure(n, "Screenshot") for n in rest)
        return (
            '<section class="card"><h2>Other screenshots</h2><p class="muted">Chained into the '
            f'manifest but recorded by no step (for example, after a crash).</p><div class="shots">{figures}</div></section>'
        )

    def _final_state(self) -> str:
        last: dict[str, TableRead] = {}
        for read in self.ev.tables:
            last[read.server] = read
        label, tone, _ = _RUN_STATUS.get(self.ev.status, (self.ev.status, "muted", ""))
        tables = "".join(self._license_table(read) for read in last.values())
        return (
            f'<section class="card"><h2>Final state</h2><p>Run outcome: <span class="pill {tone}">'
            f"{self.t(label)}</span>. The last license table read on each server:</p>"
            f'<div class="tables">{tables or "<p class=muted>No table was read.</p>"}</div></section>'
        )

    def _warnings(self) -> str:
        if not self.ev.warnings:
            return ""
        items = []
        for event in self.ev.warnings:
            details = "; ".join(
                f"{key}: {value}" for key, value in event.items() if key not in _EVENT_KEYS
            )
            step = (
                f" · step <code>{self.t(event.get('step_id'))}</code>"
                if event.get("step_id")
                else ""
            )
            items.append(
                f"<li><b>{self.t(event.get('event'))}</b> ({self.t(event.get('level'))}) at "
                f"{self.t(_when(opt_str(event.get('timestamp')), date=False))}{step}"
                f'<br><span class="muted">{self.t(details)}</span></li>'
            )
        return f'<section class="card"><h2>Warnings</h2><ul class="warnings">{"".join(items)}</ul></section>'

    def _integrity(self) -> str:
        rows = "".join(
            f"<tr><td><code>{self.t(e.file)}</code></td><td class=\"num\">{e.size:,}</td>"
            f"<td><code class=\"hash\">{self.t(e.sha256)}</code></td><td>{self.t(e.step_id or '')}</td></tr>"
            for e in self.ev.entries
        )  # fmt: skip
        return (
            '<section class="card" id="integrity"><h2>Evidence and integrity</h2>'
            "<p>Chain head of <code>manifest.json</code> <b>before this report was added</b>:</p>"
            f'<p class="head"><code>{self.t(self.chain_head)}</code></p>'
            '<p class="muted">This report is then chained into the manifest as its last file, so '
            "the manifest's final head (its <code>head</code> field, which the run printed at its "
            "end) covers this report too. Record that final head in the change ticket: "
            "<code>dnn-runbook verify RUN_DIR --expect-head HASH</code> checks the run directory "
            "against it later.</p>"
            f"<details><summary>{len(self.ev.entries)} evidence files in the manifest</summary>"
            '<table class="files"><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th><th>Step</th>'
            f"</tr></thead><tbody>{rows}</tbody></table></details></section>"
        )

    def _footer(self) -> str:
        return (
            f"<p>Built by dnn-runbook {self.t(__version__)} ({self.t(self.built_by)}) on "
            f"{self.t(_when(self.now.isoformat()))} from the run directory "
            f"<code>{self.t(self.ev.run_dir.name)}</code> alone. Screenshots are embedded; the page "
            "makes no request and runs no script.</p><p>Never shown: passwords and activation "
            "keys. Masked: the account email, and invoice numbers, shown as their last four "
            "characters at most. In screenshots those fields are painted over in "
            f'<span class="swatch"></span> {MASK_COLOR}.</p>'
        )

    def _traces(self) -> str:
        names = [e.file for e in self.ev.entries if _TRACE_FILE.match(e.file)]
        if not names:
            return "none (<code>--trace</code> was off)"
        listed = ", ".join(f"<code>{self.t(n)}</code>" for n in names)
        return (
            f"{listed}: scrubbed of every secret and cookie; open one with "
            "<code>playwright show-trace FILE</code>"
        )

    def _pill(self, status: str) -> str:
        label, tone = _STATUS.get(status, (status, "muted"))
        return f'<span class="pill {tone}">{self.t(label)}</span>'


def _label(name: str, step_id: str) -> str:
    """``before`` from ``02-add-dev-on-new-before.png``, ``after-2`` from ``…-after-2.png``."""
    match = _STEP_FILE.match(name)
    rest = match.group("rest") if match else name
    return rest[len(step_id) + 1 :] if rest.startswith(f"{step_id}-") else rest


_CSS = """
:root{--ink:#1d2733;--muted:#627084;--line:#dce2ea;--bg:#eef1f5;--card:#fff;
--ok:#17693f;--ok-bg:#dcf3e6;--bad:#b42318;--bad-bg:#fde6e3;--warn:#8a5300;--warn-bg:#fff1cf;
--info:#1d5a8c;--info-bg:#e1edf8;--mask:#1b2a38}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.wrap{max-width:1420px;margin:0 auto;padding-left:32px;padding-right:32px}
header.top{background:#10222f;color:#fff;padding:26px 0 22px}
header.top h1{margin:4px 0 6px;font-size:28px;display:flex;align-items:center;gap:14px}
header.top .kicker{margin:0;color:#8fb3cf;text-transform:uppercase;letter-spacing:.08em;font-size:12px}
header.top .sub{margin:0;color:#c6d3de}
header.top code{color:#fff}
main{padding-top:24px;padding-bottom:16px}
.card>:last-child{margin-bottom:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 24px 20px;
margin:0 0 18px;box-shadow:0 1px 2px rgba(16,24,40,.05)}
h2{font-size:18px;margin:0 0 12px}
h3{font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:18px 0 8px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
.muted{color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:6px 24px;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
ul.plain{list-style:none;margin:0;padding:0}
.big{font-size:20px}
.pill{display:inline-block;padding:2px 11px;border-radius:999px;font-size:12px;font-weight:600;
white-space:nowrap;vertical-align:middle;letter-spacing:.02em}
.pill.ok{background:var(--ok-bg);color:var(--ok)}.pill.bad{background:var(--bad-bg);color:var(--bad)}
.pill.warn{background:var(--warn-bg);color:var(--warn)}.pill.info{background:var(--info-bg);color:var(--info)}
.pill.muted{background:#edf0f3;color:var(--muted)}
header.top .pill{font-size:13px}
.ok-text{color:var(--ok);font-weight:600}.bad-text{color:var(--bad);font-weight:700}
.callout{border-left:4px solid;border-radius:6px;padding:8px 14px;margin:0 0 14px}
.callout.ok{background:var(--ok-bg);border-color:var(--ok)}.callout.bad{background:var(--bad-bg);border-color:var(--bad)}
.callout.warn{background:var(--warn-bg);border-color:var(--warn)}.callout.info{background:var(--info-bg);border-color:var(--info)}
.callout.muted{background:#f3f5f8;border-color:#b8c2cf}
.alert.bad{background:var(--bad-bg);border:2px solid var(--bad);color:var(--bad)}
.alert.bad h2{color:var(--bad)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;background:#f7f9fb}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
table.steps code{word-break:normal;white-space:nowrap}table.steps a{color:inherit;text-decoration:none}table.steps a:hover code{text-decoration:underline}
.step-head{display:flex;align-items:center;gap:12px;margin-bottom:6px}
.step-head h2{margin:0;flex:1}
.step-head code{font-size:17px}
.idx{display:inline-flex;align-items:center;justify-content:center;width:30px;height:30px;border-radius:50%;
background:#10222f;color:#fff;font-weight:700}
.desc{margin:4px 0 6px}.meta{margin:0 0 12px;color:var(--muted)}.meta b{color:var(--ink);font-weight:600}
blockquote.notification{margin:0 0 12px;padding:10px 16px;background:#f4faf8;border:1px solid #bfe3d6;border-radius:8px}
blockquote.notification span{display:block;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.tables{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:12px}
.lic{border:1px solid var(--line);border-radius:8px;overflow:hidden}
.lic .table-head{margin:0;padding:7px 12px;background:#f7f9fb;border-bottom:1px solid var(--line)}
.lic table th{background:#fff}.lic table tr:last-child td{border-bottom:0}
.lic .empty{margin:0;padding:8px 12px;color:var(--muted)}
.shots{display:grid;grid-template-columns:1fr 1fr;gap:18px}
figure{margin:0}
figure img{display:block;width:100%;height:auto;border:1px solid var(--line);border-radius:6px;cursor:zoom-in;background:#fff}
figcaption{font-size:12.5px;color:var(--muted);margin-top:6px}figcaption b{color:var(--ink)}
.zoom input{position:absolute;opacity:0;pointer-events:none}
.zoom input:checked+img{position:fixed;inset:0;margin:auto;width:auto;height:auto;max-width:96vw;max-height:96vh;
z-index:10;cursor:zoom-out;border:0;outline:2px solid rgba(255,255,255,.7);box-shadow:0 0 0 100vmax rgba(9,17,25,.86)}
.missing{display:flex;align-items:center;justify-content:center;aspect-ratio:1280/860;background:var(--bad-bg);
color:var(--bad);border:2px dashed var(--bad);border-radius:6px;font-weight:600}
pre.file{background:#f7f9fb;border:1px solid var(--line);border-radius:6px;padding:10px 12px;
white-space:pre-wrap;word-break:break-all;font-size:12px;max-height:260px;overflow:auto}
.head code{font-size:15px;background:#f2f5f8;padding:6px 10px;border-radius:6px;display:inline-block}
details summary{cursor:pointer;color:var(--info);font-weight:600;margin:8px 0}
table.files td,table.files th{padding:4px 8px}table.files code.hash{font-size:11.5px}
ul.warnings{margin:0;padding-left:18px}ul.warnings li{margin-bottom:6px}
footer{color:var(--muted);font-size:12.5px;padding-bottom:40px}
.swatch{display:inline-block;width:12px;height:12px;background:var(--mask);border-radius:2px;vertical-align:-1px}
@media (max-width:900px){.shots{grid-template-columns:1fr}.tables{grid-template-columns:1fr}}
@media print{body{background:#fff}.card{box-shadow:none;break-inside:avoid-page}header.top{background:#fff;color:#000}
header.top .kicker,header.top .sub{color:#333}details{display:block}}
"""
