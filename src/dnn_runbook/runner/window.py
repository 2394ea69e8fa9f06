"""The development-license window: how long the production invoice serves as Development.

DNN allows the production invoice to run as a Development license only for a short time
(DNN KB 360006325634). The window runs from that activation to its removal. With
``max_development_window`` in the runbook, every step warns once it is exceeded, and a new
run is refused while an earlier run of the same runbook has left the window open too long.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from structlog.typing import FilteringBoundLogger

from dnn_runbook.clock import format_elapsed, parse_iso, utc_now
from dnn_runbook.evidence.journal import FILE_NAME as JOURNAL_NAME
from dnn_runbook.evidence.journal import Journal
from dnn_runbook.exceptions import PreflightRefusedError, RunDirError
from dnn_runbook.runbook import Runbook, format_duration
from dnn_runbook.runner.console import Console


def development_window(journal: Journal) -> timedelta | None:
    """How long the production invoice served as Development: from its activation to its
    removal, or to now while it is still active; ``None`` if it never did."""
    start = parse_iso(journal.development_activated)
    if start is None:
        return None
    end = parse_iso(journal.development_removed) or utc_now()
    return max(end - start, timedelta(0))


def refuse_to_extend(runbook: Runbook, evidence_dir: Path) -> None:
    """Refuse a new run while an earlier run of ``runbook`` left the production invoice
    serving as Development for longer than ``max_development_window``.

    Raises:
        PreflightRefusedError: such a run exists; the message names it and how to finish it.
    """
    limit = runbook.max_development_window
    if limit is None or not evidence_dir.is_dir():
        return
    for journal_path in sorted(evidence_dir.glob(f"*/{JOURNAL_NAME}")):
        try:
            earlier = Journal.load(journal_path.parent)
        except RunDirError:
            continue
        if earlier.runbook_name != runbook.name:
            continue
        elapsed = development_window(earlier)
        if elapsed is not None and earlier.development_removed is None and elapsed > limit:
            raise PreflightRefusedError(
                f"The run in {journal_path.parent} activated the production invoice as a "
                f"Development license {format_elapsed(elapsed)} ago and has not removed it, "
                f"longer than max_development_window ({format_duration(limit)}). A new run "
                f"would extend that window: finish that run with --resume "
                f"{journal_path.parent} instead."
            )


def exceeded(runbook: Runbook, journal: Journal) -> str | None:
    """The warning to show when the open window is longer than the runbook allows, else
    ``None``."""
    limit = runbook.max_development_window
    elapsed = development_window(journal)
    if limit is None or elapsed is None or journal.development_removed or elapsed <= limit:
        return None
    return (
        f"The production invoice has served as a Development license for "
        f"{format_elapsed(elapsed)}, longer than max_development_window "
        f"({format_duration(limit)}). DNN allows this only for a very short time: finish "
        "the migration now."
    )


def describe(runbook: Runbook, journal: Journal) -> str | None:
    """The summary's line about the window, or ``None`` when the run never opened one."""
    window = development_window(journal)
    if window is None:
        return None
    limit = runbook.max_development_window
    state = "closed" if journal.development_removed else "still open"
    return f"Development license window: {format_elapsed(window)} ({state}" + (
        f"; limit {format_duration(limit)})" if limit else ")"
    )


def warn_if_exceeded(
    runbook: Runbook, journal: Journal, console: Console, log: FilteringBoundLogger
) -> None:
    """Warn, on the terminal and in the events, once the window outlasts its limit."""
    warning = exceeded(runbook, journal)
    elapsed, limit = development_window(journal), runbook.max_development_window
    if warning is None or elapsed is None or limit is None:
        return
    console.warn(warning)
    log.warning(
        "development_window_exceeded",
        elapsed_s=round(elapsed.total_seconds(), 3),
        limit_s=limit.total_seconds(),
    )
