"""``dnn-runbook check``: load a runbook, then check it against its servers, changing nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dnn_runbook.app.run import RunResult, load_runbook, options_refused
from dnn_runbook.exceptions import DnnRunbookError
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runner.check import CheckOutcome, check_runbook
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.options import RunOptions


@dataclass(frozen=True, slots=True)
class CheckCommandResult:
    """How ``check`` ended, as the command reports it (``run``), and everything it found
    (``outcome``; ``None`` when nothing could be checked: an invalid runbook, say)."""

    run: RunResult
    outcome: CheckOutcome | None = None

    @property
    def exit_code(self) -> ExitCode:
        """0 the run would go through, 4 it would be refused, 1 a control is missing, 2 the
        runbook or the command line is invalid."""
        return self.run.exit_code


def check(
    runbook_path: Path,
    options: RunOptions,
    *,
    env_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    console: Console | None = None,
) -> CheckCommandResult:
    """Load the runbook (exit 2 when invalid, before anything starts) and check it; see
    :mod:`dnn_runbook.runner.check`. ``options.capture`` also writes a capture."""
    loaded = load_runbook(runbook_path, env_file=env_file, environ=environ)
    if isinstance(loaded, RunResult):
        return CheckCommandResult(loaded)
    refused = options_refused(options)
    if refused is not None:
        return CheckCommandResult(refused)
    shown = console if console is not None else Console(log_format=options.log_format)
    try:
        outcome = check_runbook(loaded, options, shown)
    except DnnRunbookError as exc:
        # The run directory could not be made.
        return CheckCommandResult(RunResult(ExitCode.STEP_FAILED, error=str(exc)))
    # The check printed its reasons already; the command adds none.
    return CheckCommandResult(RunResult(outcome.exit_code, outcome.run_dir, outcome.head), outcome)
