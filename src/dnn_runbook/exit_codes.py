"""The exit codes of ``dnn-runbook``, documented in the README."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a ``dnn-runbook`` process's exit status means."""

    OK = 0
    #: A step failed and the run stopped; also: doctor found no working browser.
    STEP_FAILED = 1
    #: The runbook or the command line is invalid; nothing was launched.
    INVALID = 2
    #: The operator declined a confirmation.
    DECLINED = 3
    #: Preflight refused to start; nothing was changed.
    PREFLIGHT_REFUSED = 4
    #: The operator pressed Ctrl-C (128 + SIGINT, as shells report it); resume the run.
    INTERRUPTED = 130
