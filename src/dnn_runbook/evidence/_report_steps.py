"""The parts of ``report.html`` about steps: each step with its files and license tables,
and the final state of each server.

:class:`StepSections` holds what every part of the page needs (the evidence, the redactor,
the manifest's entries) and :meth:`StepSections.t`, through which every text passes; the page
itself (``_report_page``) adds the run-level parts.
"""

from __future__ import annotations

import base64
import hashlib
import html
from typing import TYPE_CHECKING

from dnn_runbook.evidence._report_model import RunEvidence, StepView, TableRead, read_listed
from dnn_runbook.evidence._report_style import RUN_STATUS, STATUS, elapsed, label_of, when

if TYPE_CHECKING:
    from dnn_runbook.evidence.redact import Redactor

_MAX_TEXT = 6000


class StepSections:
    """Renders the step parts of one report; every text goes through :meth:`t`."""

    def __init__(self, evidence: RunEvidence, redactor: Redactor) -> None:
        self.ev = evidence
        self.redactor = redactor
        self.entries = {entry.file: entry for entry in evidence.entries}
        #: The files shown with their step, so the rest can be listed on their own.
        self.shown: set[str] = set()

    def t(self, value: object) -> str:
        """``value`` as text, secrets redacted, HTML-escaped."""
        return html.escape(self.redactor.redact("" if value is None else str(value)))

    def _step(self, step: StepView) -> str:
        if step.status == "pending" and not step.files:
            return ""
        facts = [
            ("Started", when(step.started)),
            ("Finished", when(step.finished)),
            ("Duration", elapsed(step.duration_s)),
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
            _, tone = STATUS.get(step.status, ("", "muted"))
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
        labels = {name: label_of(name, step.id) for name in images}
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

    def _figure(self, name: str, caption: str) -> str:
        entry = self.entries.get(name)
        data = read_listed(self.ev.run_dir, self.entries, name)
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
        taken = f" · {self.t(when(entry.time, date=False))}" if entry else ""
        return (
            f'<figure><label class="zoom" title="Click to see it full size; click again to close">'
            f'<input type="checkbox"><img src="{uri}" alt="{self.t(caption)}: {self.t(name)}">'
            f"</label><figcaption><b>{self.t(caption)}</b>{taken} · "
            f"<code>{self.t(name)}</code><br>{check}</figcaption></figure>"
        )

    def _text_file(self, name: str) -> str:
        data = read_listed(self.ev.run_dir, self.entries, name)
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
            f"{self.t(when(read.time, date=False))} · {reach}</p>"
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

    def _final_state(self) -> str:
        last: dict[str, TableRead] = {}
        for read in self.ev.tables:
            last[read.server] = read
        label, tone, _ = RUN_STATUS.get(self.ev.status, (self.ev.status, "muted", ""))
        tables = "".join(self._license_table(read) for read in last.values())
        return (
            f'<section class="card"><h2>Final state</h2><p>Run outcome: <span class="pill {tone}">'
            f"{self.t(label)}</span>. The last license table read on each server:</p>"
            f'<div class="tables">{tables or "<p class=muted>No table was read.</p>"}</div></section>'
        )

    def _pill(self, status: str) -> str:
        label, tone = STATUS.get(status, (status, "muted"))
        return f'<span class="pill {tone}">{self.t(label)}</span>'
