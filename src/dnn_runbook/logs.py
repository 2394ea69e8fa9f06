"""structlog configuration, done once per process.

Pretty console output on a terminal, JSON lines otherwise (the structlog logging recipe).
The runner adds a second, always-JSON sink into the run directory.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog

_configured = False


def configure(
    *, stream: TextIO | None = None, level: int = logging.INFO, force: bool = False
) -> None:
    """Configure structlog for this process; later calls do nothing unless ``force``."""
    global _configured  # configuration is process-wide by nature
    if _configured and not force:
        return
    out = stream if stream is not None else sys.stderr
    renderer: structlog.types.Processor
    if out.isatty():
        renderer = structlog.dev.ConsoleRenderer()
    else:
        renderer = structlog.processors.JSONRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )
    _configured = True
