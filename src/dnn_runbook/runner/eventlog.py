"""A run's structlog events: JSON lines in ``events.jsonl`` always, pretty on a terminal.

Every event passes the run's redactor before it is rendered anywhere, so a secret that slips
into an event (a notification quoting the invoice, say) reaches neither the file nor the
screen. Each line is fsynced: the events before a crash survive it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, WrappedLogger

from dnn_runbook.evidence.atomic import append_line
from dnn_runbook.evidence.redact import Redactor, redacting_processor

FILE_NAME = "events.jsonl"


class _Sink:
    """The last processor: writes the JSON line, then hands a console rendering on (or not)."""

    def __init__(self, path: Path, console: TextIO | None) -> None:
        self.path = path
        self._pretty = structlog.dev.ConsoleRenderer(colors=True) if console is not None else None
        self._console = console

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> str:
        append_line(self.path, json.dumps(event_dict, ensure_ascii=False, default=str))
        if self._pretty is None:
            raise structlog.DropEvent
        shown = {k: v for k, v in event_dict.items() if k not in {"run_id", "timestamp"}}
        return str(self._pretty(logger, method_name, shown))


@contextmanager
def event_log(
    run_dir: Path, redactor: Redactor, *, run_id: str, console: TextIO | None
) -> Iterator[Path]:
    """Route structlog's events for the duration of a run; restore the old setup after.

    ``console`` is the stream for the pretty rendering (``None``: file only).
    """
    path = run_dir / FILE_NAME
    previous = structlog.get_config()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redacting_processor(redactor),
            _Sink(path, console),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(0),
        logger_factory=structlog.PrintLoggerFactory(console) if console else _null_logger_factory,
        cache_logger_on_first_use=False,
    )
    try:
        with structlog.contextvars.bound_contextvars(run_id=run_id):
            yield path
    finally:
        structlog.configure(**previous)


def _null_logger_factory(*_args: Any) -> structlog.PrintLogger:
    # The sink drops every event when there is no console, so this logger never prints.
    return structlog.PrintLogger()
