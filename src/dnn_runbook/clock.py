"""The one clock of the project: aware UTC times, and how they are written and read back.

The journal, the events, the manifest, the run directory's name and the report all take
their time from :func:`utc_now` and write it with :func:`iso`, so two records of one moment
always agree.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import overload


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@overload
def iso(moment: datetime, *, timespec: str = ...) -> str: ...
@overload
def iso(moment: None, *, timespec: str = ...) -> None: ...
def iso(moment: datetime | None, *, timespec: str = "milliseconds") -> str | None:
    """``moment`` as ISO 8601 in UTC with a ``Z`` (``2026-11-29T21:24:07.120Z``), or ``None``.

    Raises:
        ValueError: ``moment`` is naive: its offset from UTC is unknown.
    """
    if moment is None:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"A time written into the evidence must be timezone-aware (got the naive "
            f"{moment.isoformat()}); take it from dnn_runbook.clock.utc_now()."
        )
    return moment.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def parse_iso(text: object) -> datetime | None:
    """The inverse of :func:`iso`: an aware time, or ``None`` for anything that is not one
    (a naive time is taken as UTC)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
