"""The HTML of ``report.html``: its layout, its CSS, and how each part of a run is shown.

:func:`render_page` turns a :class:`~dnn_runbook.evidence.report.RunEvidence` into one HTML
document. Every text passes the run's redactor and then ``html.escape``. Screenshots are
embedded as ``data:`` URIs; a click shows one full size and another click closes it, with CSS
alone (a hidden checkbox in a label), so the page needs no script and makes no request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from dnn_runbook import __version__
from dnn_runbook.clock import parse_iso, utc_now
from dnn_runbook.evidence._report_model import (
    RunEvidence,
    opt_str,
)
from dnn_runbook.evidence._report_steps import StepSections
from dnn_runbook.evidence._report_style import (
    CSS,
    RUN_STATUS,
    STATUS,
    elapsed,
    when,
)
from dnn_runbook.licenses import MASK_COLOR

if TYPE_CHECKING:
    from dnn_runbook.evidence.redact import Redactor

_TRACE_FILE = re.compile(r"^trace-.+\.zip$")
_MAX_TEXT = 6000
_EVENT_KEYS = {"event", "level", "timestamp", "run_id", "step_id", "step_index", "action"}


def render_page(
    evidence: RunEvidence,
    *,
    redactor: Redactor,
    chain_head: str,
    problems: Sequence[str],
    built_by: str,
    now: datetime | None = None,
    ticket_file: str | None = None,
    seal: Sequence[str] = (),
) -> str:
    """The report of ``evidence`` as one HTML document; see the module docstring.

    ``chain_head`` is the ticket hash ``ticket_file`` holds, or (with no ticket) the chain's
    head before this report; ``seal`` says, a sentence each, who signed it and when it was
    timestamped.
    """
    page = _Page(evidence, redactor, chain_head, list(problems), built_by, now)
    page.ticket_file = ticket_file
    page.seal = list(seal)
    return page.render()


class _Page(StepSections):
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
        super().__init__(evidence, redactor)
        self.chain_head = chain_head
        self.ticket_file: str | None = None
        self.seal: list[str] = []
        self.problems = problems
        self.built_by = built_by
        self.now = now or utc_now()

    def render(self) -> str:
        ev = self.ev
        label, tone, _ = RUN_STATUS.get(ev.status, (ev.status, "muted", ""))
        body = "".join(
            [
                self._unverified(),
                self._check(),
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
            f"<style>{CSS}</style></head><body>"
            '<header class="top"><div class="wrap">'
            f'<p class="kicker">DNN Evoq license migration · {"check (read-only)" if ev.kind == "check" else "evidence report"}</p>'
            f'<h1>{self.t(ev.runbook_name)} <span class="pill {tone}">{self.t(label)}</span></h1>'
            f'<p class="sub">Run <code>{self.t(ev.run_id)}</code> · started '
            f"{self.t(when(ev.started))}</p></div></header>"
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

    def _check(self) -> str:
        if self.ev.kind != "check":
            return ""
        return (
            '<section class="card alert"><h2>A check: nothing was changed</h2><p>This is the '
            "evidence of <code>dnn-runbook check</code>: it logged in, read each server's "
            "licenses and looked for every control a run needs, pressing none of them, behind "
            "a guard that let no request that could change a license leave the browser. The "
            "steps below say what a run would do on the servers as they were.</p></section>"
        )

    def _summary(self) -> str:
        ev = self.ev
        label, tone, meaning = RUN_STATUS.get(ev.status, (ev.status, "muted", ""))
        people = "".join(
            f"<li>{'Started' if s.get('event') == 'run_started' else 'Resumed'} by "
            f"<b>{self.t(s.get('user', '?'))}</b> on <b>{self.t(s.get('host', '?'))}</b> at "
            f"{self.t(when(opt_str(s.get('timestamp'))))} (dnn-runbook {self.t(s.get('version', '?'))})"
            + (f", through the proxy {self.t(str(s['proxy']))}" if s.get("proxy") else "")
            + "</li>"
            for s in ev.sessions
        )
        start, end = parse_iso(ev.started), parse_iso(ev.finished)
        total = (end - start).total_seconds() if start and end else None
        facts = [
            ("Runbook", f"<b>{self.t(ev.runbook_name)}</b>"
             + (f' <span class="muted">({self.t(ev.runbook_path)})</span>' if ev.runbook_path else "")),
            ("Runbook SHA-256", f"<code>{self.t(ev.runbook_sha256)}</code>"),
            ("Servers", "<br>".join(self.t(line) for line in ev.servers) or "—"),
            ("Run by", f'<ul class="plain">{people}</ul>' if people else "unknown (no run_started event)"),
            ("Started", self.t(when(ev.started))),
            ("Finished", self.t(when(ev.finished)) if ev.finished else "— (not recorded)"),
            ("Resumed", ", ".join(self.t(when(r)) for r in ev.resumed) or "never"),
            ("Wall time", self.t(elapsed(total)) + (" (resumes included)" if ev.resumed else "")),
            ("Browser", self.t(ev.browser or "—")),
            ("Playwright traces", self._traces()),
            ("Evidence", f"{len(ev.entries)} files chained in <code>manifest.json</code>; "
             + (f"ticket hash <code>{self.t(self.chain_head)}</code>" if self.ticket_file else
                f"chain head before this report <code>{self.t(self.chain_head[:16])}…</code>")
             + ' (<a href="#integrity">details</a>)'),
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
        _, tone = STATUS.get(stopped.status, ("", "warn"))
        reason = stopped.message or "no reason recorded"
        # The callout names the step already: not "Stopped at step 1 preflight: Step 'preflight': …".
        reason = reason.removeprefix(f"Step {stopped.id!r}: ")
        return (
            f'<div class="callout {tone}"><b>Stopped at step {stopped.index} '
            f"<code>{self.t(stopped.id)}</code>:</b> {self.t(reason)}</div>"
        )

    def _window(self) -> str:
        ev = self.ev
        if ev.development_activated is None:
            return (
                '<section class="card"><h2>Development-license window</h2><p class="muted">The '
                "production invoice was not activated as a Development license in this run.</p></section>"
            )
        start = parse_iso(ev.development_activated)
        end = parse_iso(ev.development_removed) or parse_iso(ev.finished) or self.now
        span = elapsed((end - start).total_seconds()) if start else "—"
        if ev.development_removed:
            state = f'<span class="pill ok">Closed</span> removed {self.t(when(ev.development_removed))}'
        else:
            state = (
                '<span class="pill bad">Still open</span> the production invoice still serves as a '
                "Development license at the end of this run; DNN allows that only briefly."
            )
        return (
            '<section class="card"><h2>Development-license window</h2><dl class="facts">'
            f"<dt>Activated</dt><dd>{self.t(when(ev.development_activated))}</dd>"
            f"<dt>State</dt><dd>{state}</dd>"
            f'<dt>Duration</dt><dd><b class="big">{self.t(span)}</b></dd></dl></section>'
        )

    def _overview(self) -> str:
        rows = "".join(
            f'<tr><td class="num">{s.index}</td><td><a href="#step-{self.t(s.id)}"><code>{self.t(s.id)}</code></a></td>'
            f"<td>{self.t(s.action)}</td><td>{self._pill(s.status)}</td>"
            f'<td class="num">{self.t(elapsed(s.duration_s))}</td><td>{self.t(s.message or "")}</td></tr>'
            for s in self.ev.steps
        )  # fmt: skip
        notes = "".join(f'<p class="callout warn">{self.t(n)}</p>' for n in self.ev.notes)
        return (
            f'<section class="card"><h2>Steps</h2>{notes}<table class="steps"><thead><tr><th>#</th>'
            "<th>Step</th><th>Action</th><th>Outcome</th><th>Duration</th><th>What happened</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>"
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
                f"{self.t(when(opt_str(event.get('timestamp')), date=False))}{step}"
                f'<br><span class="muted">{self.t(details)}</span></li>'
            )
        return f'<section class="card"><h2>Warnings</h2><ul class="warnings">{"".join(items)}</ul></section>'

    def _integrity(self) -> str:
        rows = "".join(
            f"<tr><td><code>{self.t(e.file)}</code></td><td class=\"num\">{e.size:,}</td>"
            f"<td><code class=\"hash\">{self.t(e.sha256)}</code></td><td>{self.t(e.step_id or '')}</td></tr>"
            for e in self.ev.entries
        )  # fmt: skip
        seal = "".join(f"<li>{self.t(line)}</li>" for line in self.seal)
        if self.ticket_file:
            head = (
                f"<p><b>Ticket hash</b> (in <code>{self.t(self.ticket_file)}</code>; the run "
                "printed the same at its end): record it in the change ticket.</p>"
            )
            after = (
                "It is the chain's head once every evidence file above was written. This "
                "report, and any report rebuilt later, are chained after it: they extend the "
                "chain and leave the ticket hash true. <code>dnn-runbook verify RUN_DIR "
                "--expect-head HASH</code> checks that the run directory still holds that chain."
            )
        else:
            head = "<p>Chain head of <code>manifest.json</code> <b>before this report was added</b>:</p>"
            after = "This report is then chained into the manifest as its last file."
        return (
            '<section class="card" id="integrity"><h2>Evidence and integrity</h2>'
            f'{head}<p class="head"><code>{self.t(self.chain_head)}</code></p>'
            + (f'<ul class="plain">{seal}</ul>' if seal else "")
            + f'<p class="muted">{after} <code>sha256sum -c SHA256SUMS</code> in the run '
            "directory checks every file without dnn-runbook.</p>"
            f"<details><summary>{len(self.ev.entries)} evidence files in the manifest</summary>"
            '<table class="files"><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th><th>Step</th>'
            f"</tr></thead><tbody>{rows}</tbody></table></details></section>"
        )

    def _footer(self) -> str:
        return (
            f"<p>Built by dnn-runbook {self.t(__version__)} ({self.t(self.built_by)}) on "
            f"{self.t(when(self.now.isoformat()))} from the run directory "
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
