"""``dnn-runbook run``: load a runbook, then run or resume it; what the command returns."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from dnn_runbook.browser import named_browser_problem
from dnn_runbook.evidence.seal import option_problems
from dnn_runbook.exceptions import DnnRunbookError, RunbookInvalidError, RunError
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.problems import Problem
from dnn_runbook.runbook import Runbook, load
from dnn_runbook.runner import attention
from dnn_runbook.runner.actions.lost_activation import case_problems
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.engine import run_runbook
from dnn_runbook.runner.options import RunOptions, proxy_problem


@dataclass(frozen=True, slots=True)
class RunResult:
    """How a run ended, as the command reports it.

    ``problems`` are the runbook's (an invalid runbook runs nothing); ``error`` is the one
    sentence to print when the run could not start or was refused before its first step
    (a stopped step's reason the run has printed already). ``run_dir`` is ``None`` when no
    run directory was made; ``head`` is the ticket hash to record.
    """

    exit_code: ExitCode
    run_dir: Path | None = None
    head: str | None = None
    problems: tuple[Problem, ...] = ()
    error: str | None = None
    #: The run's ``report.html``, when it wrote one.
    report: Path | None = None


def load_runbook(
    path: Path, *, env_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Runbook | RunResult:
    """The runbook at ``path``, or the result of a run that cannot start (exit 2, with
    every problem) when it is invalid or missing."""
    if not path.is_file():
        return RunResult(ExitCode.INVALID, error=f"the runbook {path} does not exist.")
    try:
        return load(path, env_file=env_file, environ=environ)
    except RunbookInvalidError as exc:
        return RunResult(
            ExitCode.INVALID,
            problems=tuple(exc.problems),
            error=f"{path}: invalid; nothing was started.",
        )


def run(
    runbook_path: Path,
    options: RunOptions,
    *,
    env_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    console: Console | None = None,
) -> RunResult:
    """Load the runbook (exit 2 when invalid, before anything starts), run it, and say how
    it ended. ``environ`` stands in for the process environment (the rehearsal's)."""
    loaded = load_runbook(runbook_path, env_file=env_file, environ=environ)
    if isinstance(loaded, RunResult):
        return notify_end(options, loaded, console)
    if env_file is not None and options.env_file is None:
        options = replace(options, env_file=env_file)
    return run_loaded(loaded, options, console=console)


def options_refused(options: RunOptions) -> RunResult | None:
    """A command-line error in ``options`` that no run directory should be made for (exit 2):
    a ``--proxy`` that is not a proxy's address, a ``--browser-path`` that is not an
    executable file. A browser that is executable but
    does not start (no display for ``--headed``) is found only by starting it; that run
    stops with exit 1 and evidence that verifies."""
    problem = proxy_problem(options.proxy) or named_browser_problem(options.browser_path)
    if problem is not None:
        return RunResult(ExitCode.INVALID, error=f"{problem} Nothing was started.")
    return None


def run_loaded(
    runbook: Runbook, options: RunOptions, *, console: Console | None = None
) -> RunResult:
    """Run (or resume) an already loaded runbook; see :func:`run`. The operator is told
    when it ends (the bell, ``--notify-command``)."""
    shown = console if console is not None else Console(log_format=options.log_format)
    return notify_end(options, _run_loaded(runbook, options, shown), shown)


def notify_end(options: RunOptions, result: RunResult, console: Console | None) -> RunResult:
    """Ring the bell and run the notify command for the end of a run; a failure of the
    command is a warning (the evidence is sealed by then), never the run's failure."""
    # Absolute: the command may hand the path on (a chat message, a ticket).
    report = os.path.abspath(result.report) if result.report is not None else ""
    failed = attention.ended(
        options.notify_command, bell=options.bell, exit_code=int(result.exit_code), report=report
    )
    if failed is not None:
        shown = console if console is not None else Console(log_format=options.log_format)
        shown.warn(f"the notify command was run for the end of the run, but {failed}.")
    return result


def _run_loaded(runbook: Runbook, options: RunOptions, shown: Console) -> RunResult:
    problems = option_problems(options.seal) + case_problems(
        options.support_case, resuming=options.resume is not None
    )
    refused = options_refused(options)
    if refused is not None:
        return refused
    if problems:
        return RunResult(ExitCode.INVALID, error=" ".join(problems) + " Nothing was started.")
    try:
        outcome = run_runbook(runbook, options, shown)
    except RunError as exc:
        # Refused before the first step (an open development window elsewhere).
        return RunResult(exc.exit_code, error=str(exc))
    except DnnRunbookError as exc:
        # The run directory could not be made or resumed.
        code = ExitCode.INVALID if options.resume is not None else ExitCode.STEP_FAILED
        return RunResult(code, error=str(exc))
    return RunResult(outcome.exit_code, outcome.run_dir, outcome.head, report=outcome.report)
