"""A run's structlog events: JSON lines in ``events.jsonl`` always, and to the console.

Every event passes the run's redactor before it is rendered anywhere, so a secret that slips
into an event (a notification quoting the invoice, say) reaches neither the file nor the
screen. Each line is fsynced: the events before a crash survive it.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import structlog
from structlog.typing import EventDict, WrappedLogger

from dnn_runbook.evidence.atomic import append_line
from dnn_runbook.evidence.names import EVENTS_NAME
from dnn_runbook.evidence.redact import SecretSet, redacting_processor

FILE_NAME = EVENTS_NAME


class _Sink:
    """The last processor: writes the JSON line, then hands the event to ``show`` (or not)."""

    def __init__(self, path: Path, show: Callable[[Mapping[str, Any]], None] | None) -> None:
        self.path = path
        self._show = show

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> str:
        append_line(self.path, json.dumps(event_dict, ensure_ascii=False, default=str))
        if self._show is not None:
            self._show(event_dict)
        raise structlog.DropEvent


@contextmanager
def event_log(
    run_dir: Path,
    secrets: SecretSet,
    *,
    run_id: str,
    show: Callable[[Mapping[str, Any]], None] | None,
) -> Iterator[Path]:
    """Route structlog's events for the duration of a run; restore the old setup after.

    Every event is redacted with the secrets ``secrets`` holds at its moment (an activation
    key learnt mid-run included). ``show`` gets each event, redacted, to print it (``None``:
    file only); the runner passes its console's, which prints one line per event.
    """
    path = run_dir / FILE_NAME
    previous = structlog.get_config()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redacting_processor(secrets),
            _Sink(path, show),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(0),
        logger_factory=_null_logger_factory,
        cache_logger_on_first_use=False,
    )
    try:
        with structlog.contextvars.bound_contextvars(run_id=run_id):
            yield path
    finally:
        structlog.configure(**previous)


def _null_logger_factory(*_args: Any) -> structlog.PrintLogger:
    # The sink writes and shows every event itself and then drops it: this logger never prints.
    return structlog.PrintLogger()


def os_user() -> str:
    """Who runs the tool, as the operating system says (for ``run_started``)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
