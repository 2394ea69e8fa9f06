"""The end of every run, whatever its outcome: the ticket hash sealed, the report, the
checksums, and what the operator is told to record.

After the last event is chained the run writes its ticket file (``head.txt``, the head to
record in the change ticket), signs and timestamps it when asked, writes ``report.html``
(which states that same hash) and ``SHA256SUMS``. Nothing here may hide how the run ended: a
step of it that fails is a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dnn_runbook.evidence.journal import Journal
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.redact import SecretSet
from dnn_runbook.evidence.report import write_report
from dnn_runbook.evidence.seal import SealOptions, Ticket, seal
from dnn_runbook.evidence.sums import write_sums
from dnn_runbook.runbook import Runbook
from dnn_runbook.runner import window
from dnn_runbook.runner.console import Console, SummaryRow


@dataclass(frozen=True, slots=True)
class Closing:
    """What the end of a run left: the ticket (``None`` if it could not be written) and the
    report (``None`` likewise)."""

    ticket: Ticket | None
    report: Path | None


def close_run(
    manifest: Manifest, options: SealOptions, secrets: SecretSet, console: Console
) -> Closing:
    """Seal the ticket hash, write the report and the checksums; warn about what failed."""
    ticket: Ticket | None = None
    try:
        ticket = seal(manifest, options)
    except Exception as exc:  # noqa: BLE001 - the run's outcome matters more than its seal
        console.warn(f"The ticket hash could not be written ({secrets.redact(str(exc))}).")
    for warning in ticket.warnings if ticket is not None else ():
        console.warn(warning)
    report: Path | None = None
    try:
        name = write_report(manifest, redactor=secrets.redactor, ticket=ticket)
        report = manifest.run_dir / name
    except Exception as exc:  # noqa: BLE001 - the run's outcome matters more than its report
        console.warn(
            f"The report could not be written ({secrets.redact(str(exc))}); build it "
            f"with 'dnn-runbook report {manifest.run_dir}'."
        )
    try:
        write_sums(manifest.run_dir)
    except Exception as exc:  # noqa: BLE001 - the checksums are a convenience beside the chain
        console.warn(f"SHA256SUMS could not be written ({secrets.redact(str(exc))}).")
    return Closing(ticket, report)


def announce(closing: Closing, console: Console) -> None:
    """The run's last lines: the report, and the ticket hash to record with how it is sealed."""
    if closing.report is not None:
        console.line(f"Report: {closing.report}")
    ticket = closing.ticket
    if ticket is None:
        return
    console.line(f"Ticket hash (record it in the change ticket): {ticket.head}")
    if ticket.signature is not None:
        console.line(f"  signed with the SSH key {ticket.signer} ({ticket.signature})")
    if ticket.timestamp is not None:
        console.line(
            f"  timestamped by the time-stamping authority at {ticket.time} ({ticket.timestamp})"
        )


def print_summary(
    console: Console, runbook: Runbook, journal: Journal, run_dir: Path, error: str | None
) -> None:
    """The table of steps, the development window, the reason the run stopped, the evidence."""
    rows = [
        SummaryRow(
            r.index,
            r.id,
            r.status.value,
            r.duration_s,
            "see below" if error and r.message == error else r.message or "",
        )
        for r in journal.steps
    ]
    console.summary(rows, title=f"{runbook.name}: {journal.status.value}")
    line = window.describe(runbook, journal)
    if line is not None:
        console.line(line)
    if error:
        console.error(error)
    console.line(f"Evidence: {run_dir}")
