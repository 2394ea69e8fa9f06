"""How ``report.html`` looks: its CSS, the words and tones of each status, and how times
and durations are written. No logic of the report lives here."""

from __future__ import annotations

import re
from datetime import UTC

from dnn_runbook.clock import parse_iso

STATUS = {
    "done": ("Done", "ok"),
    "already_done": ("Already done", "info"),
    "failed": ("Failed", "bad"),
    "declined": ("Declined", "warn"),
    "refused": ("Refused", "warn"),
    "interrupted": ("Interrupted", "warn"),
    "pending": ("Not run", "muted"),
    "running": ("Unfinished", "warn"),
    # A check's lines (dnn_runbook.evidence.check_journal).
    "would_run": ("Would run", "info"),
    "would_fail": ("Would fail", "bad"),
    "not_reached": ("Not reached", "muted"),
}
RUN_STATUS = {
    "done": ("Completed", "ok", "Every step finished."),
    "failed": ("Failed", "bad", "A step failed and the run stopped."),
    "declined": ("Declined", "warn", "The operator declined a confirmation; the run stopped."),
    "refused": ("Refused", "warn", "Preflight refused to start; nothing was changed."),
    "interrupted": ("Interrupted", "warn", "The run was interrupted (Ctrl-C)."),
    "running": ("Unfinished", "warn", "The run did not record an end: it was killed or crashed."),
    "check_passed": (
        "Check: would go through",
        "ok",
        "A check changed nothing and found that a run would go through.",
    ),
    "check_refused": (
        "Check: would be refused",
        "warn",
        "A check changed nothing and found that a run would be refused.",
    ),
    "check_failed": (
        "Check: control missing",
        "bad",
        "A check changed nothing and did not find a control a run needs.",
    ),
    "checking": (
        "Check: unfinished",
        "warn",
        "The check did not record an end: it was killed or crashed.",
    ),
}


def when(text: str | None, *, date: bool = True) -> str:
    moment = parse_iso(text)
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if date else "%H:%M:%S")


def elapsed(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


_STEP_FILE = re.compile(r"^(?P<index>\d+)-(?P<rest>.+)\.(?P<ext>png|txt)$")


def label_of(name: str, step_id: str) -> str:
    """``before`` from ``02-add-dev-on-new-before.png``, ``after-2`` from ``…-after-2.png``."""
    match = _STEP_FILE.match(name)
    rest = match.group("rest") if match else name
    return rest[len(step_id) + 1 :] if rest.startswith(f"{step_id}-") else rest


CSS = """
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
