"""A run's structlog events: JSON lines in ``events.jsonl`` always, pretty on a terminal.

Every event passes the run's redactor before it is rendered anywhere, so a secret that slips
into an event (a notification quoting the invoice, say) reaches neither the file nor the
screen. Each line is fsynced: the events before a crash survive it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import structlog
from structlog.typing import EventDict, WrappedLogger

from dnn_runbook.evidence.atomic import append_line
from dnn_runbook.evidence.redact import Redactor, redacting_processor

FILE_NAME = "events.jsonl"


#: Keys the terminal leaves out: the progress lines already say which run and step it is.
_NOT_SHOWN = {"run_id", "timestamp", "step_id", "step_index", "action", "description"}


class _Sink:
    """The last processor: writes the JSON line, then shows a console rendering (or not)."""

    def __init__(self, path: Path, show: Callable[[str], None] | None) -> None:
        self.path = path
        self._show = show
        self._pretty = structlog.dev.ConsoleRenderer(colors=True, pad_event_to=24)

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> str:
        append_line(self.path, json.dumps(event_dict, ensure_ascii=False, default=str))
        if self._show is not None:
            shown = {k: v for k, v in event_dict.items() if k not in _NOT_SHOWN}
            self._show(str(self._pretty(logger, method_name, shown)))
        raise structlog.DropEvent


class _LiveRedaction:
    """Redacts with every secret known at the moment of the event: an activation key typed
    in the middle of a run is redacted from every event after it."""

    def __init__(self, secrets: Callable[[], Sequence[str]]) -> None:
        self._secrets = secrets
        self._known: tuple[str, ...] | None = None
        self._processor: Callable[[WrappedLogger, str, EventDict], EventDict] | None = None

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        known = tuple(self._secrets())
        if self._processor is None or known != self._known:
            self._known = known
            self._processor = redacting_processor(Redactor(known))
        return self._processor(logger, method_name, event_dict)


@contextmanager
def event_log(
    run_dir: Path,
    secrets: Callable[[], Sequence[str]],
    *,
    run_id: str,
    show: Callable[[str], None] | None,
) -> Iterator[Path]:
    """Route structlog's events for the duration of a run; restore the old setup after.

    ``show`` prints an event's pretty rendering on the terminal (``None``: file only); the
    runner passes its console's, so events print above the live progress line.
    """
    path = run_dir / FILE_NAME
    previous = structlog.get_config()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _LiveRedaction(secrets),
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
