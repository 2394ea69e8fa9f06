"""The run: one browser, one session per server, the steps in order, evidence after each.

The run directory's life (new, resumed, repaired) is ``dnn_runbook.evidence.runs``; the
development-license window's policy is :mod:`~dnn_runbook.runner.window`; what a step does is
:mod:`~dnn_runbook.runner.actions`. This module is the loop around them: it saves the journal
before and after every step, so a run killed at any moment can be resumed, and records why a
run stopped.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path

import structlog

from dnn_runbook import __version__
from dnn_runbook.browser import started_browser
from dnn_runbook.browser.sessions import SessionPool, session_pool
from dnn_runbook.clock import iso, utc_now
from dnn_runbook.evidence.binding import bind, new_key
from dnn_runbook.evidence.journal import Journal, RunStatus, StepStatus
from dnn_runbook.evidence.lock import describe_holder
from dnn_runbook.evidence.names import EVENTS_NAME
from dnn_runbook.evidence.recorder import EvidenceRecorder
from dnn_runbook.evidence.redact import SecretSet
from dnn_runbook.evidence.runs import RunFiles, resume_run, start_run
from dnn_runbook.evidence.trace import keep_traces
from dnn_runbook.exceptions import (
    BrowserError,
    PreflightRefusedError,
    RunError,
    RunInterruptedError,
    StepFailedError,
    step_context,
)
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runbook import PreflightStep, Runbook, Step
from dnn_runbook.runner import eventlog, window
from dnn_runbook.runner.actions import ActionResult, lost_activation, perform
from dnn_runbook.runner.advice import NextCommands, confirm_changes, next_commands
from dnn_runbook.runner.capturing import capture_after_run
from dnn_runbook.runner.closing import announce, close_run, print_summary
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.context import StepContext
from dnn_runbook.runner.options import RunOptions

#: The id of the preflight a run adds when its runbook has none.
IMPLICIT_PREFLIGHT_ID = "implicit-preflight"

#: How a stopped run's step and the run itself are recorded, by exit code; anything else is
#: a failure.
_STOPPED_STATUS = {
    ExitCode.DECLINED: (StepStatus.DECLINED, RunStatus.DECLINED),
    ExitCode.PREFLIGHT_REFUSED: (StepStatus.REFUSED, RunStatus.REFUSED),
    ExitCode.INTERRUPTED: (StepStatus.INTERRUPTED, RunStatus.INTERRUPTED),
}


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """How a run ended."""

    exit_code: ExitCode
    run_dir: Path
    journal: Journal
    error: str | None = None
    #: The ticket hash (``head.txt``), to record in the change ticket.
    head: str | None = None
    report: Path | None = None


def steps_to_run(runbook: Runbook) -> list[Step]:
    """The runbook's steps, led by an implicit preflight when the runbook has none."""
    steps: list[Step] = list(runbook.steps)
    if not any(isinstance(step, PreflightStep) for step in steps):
        implicit = PreflightStep(
            id=IMPLICIT_PREFLIGHT_ID,
            index=0,
            line=0,
            servers=tuple(runbook.servers.values()),
            expect={},
            invoice=runbook.license.invoice,
        )
        steps.insert(0, implicit)
    return steps


class Run:
    """One execution (or resumption) of a runbook."""

    def __init__(self, runbook: Runbook, options: RunOptions, console: Console) -> None:
        self.runbook = runbook
        self.options = options
        self.console = console
        self.steps = steps_to_run(runbook)
        self.log = structlog.get_logger()
        #: The runbook's secrets and those learnt during the run (activation keys, invoices).
        self.secrets = SecretSet(runbook.secrets())
        # A variable may put a secret into a confirm message or a step's description.
        console.redact_with(self.secrets.redact)

    def _open(self) -> RunFiles:
        runbook = self.runbook
        if self.options.resume is not None:
            # Before the resume touches the run directory: a wrong --support-case changes nothing.
            case = self.options.support_case
            if case is not None:
                lost_activation.check_case_fits(Journal.load(self.options.resume), case)
            return resume_run(
                self.options.resume,
                rebind=lambda key: bind(runbook, key=key),
                accept=confirm_changes(self.console, assume_yes=self.options.assume_yes),
            )
        window.refuse_to_extend(runbook, self.options.evidence_dir)
        return start_run(
            self.options.evidence_dir,
            binding=bind(runbook, key=new_key()),
            runbook_path=str(runbook.source),
            steps=[(s.index, s.id, s.action.value) for s in self.steps],
        )

    def execute(self) -> RunOutcome:
        """Run every unfinished step; never raises for a step's failure, only reports it.

        Raises:
            DnnRunbookError: the run directory could not be made or resumed, or a new run
                was refused before it started (``RunError``).
        """
        files = self._open()
        try:
            return self._execute(files)
        finally:
            files.close()

    def _execute(self, files: RunFiles) -> RunOutcome:
        run_dir, journal = files.run_dir, files.journal
        evidence = EvidenceRecorder(files.manifest, screenshots=self.options.screenshots)
        show = self.console.event if self.console.shows_events else None
        with eventlog.event_log(run_dir, self.secrets, run_id=journal.run_id, show=show):
            self.console.line(f"Run {journal.run_id}: evidence in {run_dir}")
            self.log.info(
                "run_started" if self.options.resume is None else "run_resumed",
                runbook=self.runbook.name,
                runbook_sha256=self.runbook.sha256,
                runbook_path=str(self.runbook.source),
                version=__version__,
                user=eventlog.os_user(),
                host=platform.node(),
                pid=os.getpid(),
                steps=len(self.steps),
                # How this invocation reaches the servers: a resume may use another proxy.
                proxy=self.options.proxy,
            )
            self._record_reopening(files)
            exit_code, error = self._execute_steps(journal, evidence, run_id=journal.run_id)
            journal.finished = iso(utc_now())
            journal.save()
            after = None if exit_code is ExitCode.OK else self._next_commands(journal, run_dir)
            self.log.info("run_finished", status=journal.status.value, exit_code=int(exit_code))
            _chain_run_files(evidence, None)
        # The ticket hash covers every event; the report comes after it, and nothing is
        # logged after the report.
        closing = close_run(files.manifest, self.options.seal, self.secrets, self.console)
        print_summary(self.console, self.runbook, journal, run_dir, error)
        for line in after.lines() if after is not None else ():
            self.console.line(line, whole=True)
        announce(closing, self.console)
        head = closing.ticket.head if closing.ticket is not None else None
        return RunOutcome(exit_code, run_dir, journal, error, head, closing.report)

    def _next_commands(self, journal: Journal, run_dir: Path) -> NextCommands:
        after = next_commands(self.runbook, journal, run_dir, self.options)
        self.log.info("next_commands", resume=after.resume, rollback=after.rollback)
        return after

    def _record_reopening(self, files: RunFiles) -> None:
        """Say in the events whose stale lock was taken over and what a resume repaired."""
        if files.lock is not None and files.lock.stale is not None:
            self.log.warning(
                "stale_lock_taken",
                lock=str(files.lock.path),
                holder=describe_holder(files.lock.stale),
            )
        for repair in files.repairs:
            self.log.warning(
                "evidence_repaired", file=repair.file, repair=repair.action, detail=repair.detail
            )
        if files.amended:
            accepted = files.journal.amendments[-1]
            self.log.warning(
                "runbook_amended",
                changes=list(files.amended),
                confirmed_by=accepted.get("confirmed_by"),
                runbook_sha256=self.runbook.sha256,
            )

    def _execute_steps(
        self, journal: Journal, evidence: EvidenceRecorder, *, run_id: str
    ) -> tuple[ExitCode, str | None]:
        if journal.first_unfinished() is None:
            journal.status = RunStatus.DONE
            self.console.line("Every step of this run has finished already; nothing to do.")
            return ExitCode.OK, None
        options = self.options
        started = False
        try:
            with started_browser(
                options.browser_path,
                headless=not options.headed,
                slow_mo_ms=options.slow_mo_ms or None,
                proxy=options.proxy,
            ) as (browser, choice):
                started = True
                self.log.info(
                    "browser_started",
                    browser=str(choice.executable or "playwright"),
                    version=browser.version,
                )
                with session_pool(
                    browser,
                    timeout_ms=options.timeout_ms,
                    mask_license_ids=not options.show_license_ids,
                    activity=self.console.activity,
                    trace=options.trace.records,
                    license_ids=self.runbook.license_ids(),
                    stamp=run_id,
                    proxy=options.proxy,
                ) as sessions:
                    outcome = self._loop(journal, evidence, sessions)
                    if options.capture is not None:
                        capture_after_run(
                            options.capture,
                            runbook=self.runbook,
                            sessions=sessions,
                            journal=journal,
                            secrets=self.secrets,
                            browser=f"{browser.browser_type.name} {browser.version}",
                            console=self.console,
                        )
                    if options.trace.keeps(failed=outcome[0] != ExitCode.OK):
                        # Before the contexts close: a trace is saved from a live context.
                        keep_traces(
                            {session.name: session.stop_tracing for session in sessions.opened()},
                            manifest=evidence.manifest,
                            secrets=self.secrets.values(),
                            log=self.log,
                        )
                    return outcome
        except BrowserError as exc:
            if started:
                raise
            # Recorded as the run's end, so the run directory is closed (report, ticket hash)
            # and verifies like any other: a failed start is evidence too.
            self.log.error("browser_not_started", error=str(exc))
            not_started = StepFailedError(
                f"The browser did not start, so no server was contacted and nothing was "
                f"changed: {exc} Fix that, then run again (or resume this run with --resume)."
            )
            return self._stopped(journal, evidence, None, not_started)
        except KeyboardInterrupt:
            interrupted = RunInterruptedError(
                "The run was interrupted (Ctrl-C). Resume it with --resume to continue from the "
                "unfinished step."
            )
            return self._stopped(journal, evidence, None, interrupted)

    def _loop(
        self, journal: Journal, evidence: EvidenceRecorder, sessions: SessionPool
    ) -> tuple[ExitCode, str | None]:
        by_id = {step.id: step for step in self.steps}
        position = {step.id: n for n, step in enumerate(self.steps, start=1)}
        for record in journal.steps:
            if record.status.finished:
                continue
            step = by_id[record.id]
            window.warn_if_exceeded(self.runbook, journal, self.console, self.log)
            ctx = StepContext(
                runbook=self.runbook,
                step=step,
                record=record,
                journal=journal,
                sessions=sessions,
                evidence=evidence,
                console=self.console,
                options=self.options,
                secrets=self.secrets,
                log=self.log.bind(step_id=step.id, step_index=step.index, action=step.action.value),
            )
            with self.console.step(position[step.id], len(self.steps), step.id, step.describe()):
                record.status = StepStatus.RUNNING
                record.started = iso(utc_now())
                record.finished = None
                journal.save()
                ctx.log.info("step_started", description=step.describe())
                try:
                    result = _perform(ctx)
                except KeyboardInterrupt:
                    interrupted = RunInterruptedError(
                        "The run was interrupted (Ctrl-C). Resume it with --resume to continue "
                        "from this step."
                    )
                    interrupted.step_id = step.id
                    return self._stopped(journal, evidence, ctx, interrupted)
                except RunError as exc:
                    return self._stopped(journal, evidence, ctx, exc)
                self._finished(ctx, result)
            if result.ends_run:
                journal.close_remaining(result.message)
                break
        journal.status = RunStatus.DONE
        return ExitCode.OK, None

    def _finished(self, ctx: StepContext, result: ActionResult) -> None:
        record = ctx.record
        record.status = result.status
        record.finished = iso(utc_now())
        record.message = self.secrets.redact(result.message)
        record.notification = result.notification
        ctx.journal.save()
        ctx.log.info(
            "step_finished",
            status=result.status.value,
            message=record.message,
            notification=result.notification,
            duration_s=record.duration_s,
        )
        self.console.step_result(result.status.value, record.message)
        _chain_run_files(ctx.evidence, ctx.step.id)

    def _stopped(
        self, journal: Journal, evidence: EvidenceRecorder, ctx: StepContext | None, error: RunError
    ) -> tuple[ExitCode, str]:
        """Record why the run stops: the step's status, a failure screenshot, the journal."""
        message = self.secrets.redact(str(error))
        step_status, run_status = _STOPPED_STATUS.get(
            error.exit_code, (StepStatus.FAILED, RunStatus.FAILED)
        )
        if ctx is not None:
            if step_status is StepStatus.FAILED and not isinstance(error, PreflightRefusedError):
                _failure_screenshot(ctx)
            ctx.record.status = step_status
            ctx.record.finished = iso(utc_now())
            ctx.record.message = message
            ctx.log.error(
                "step_stopped", status=step_status.value, error=message, kind=type(error).__name__
            )
            evidence.refresh(EVENTS_NAME, ctx.step.id)
        journal.status = run_status
        journal.save()
        # The reason is printed once, at the end (see print_summary); here only the verdict.
        self.console.step_result(step_status.value, "the run stops here; why is said below.")
        return error.exit_code, message


def run_runbook(runbook: Runbook, options: RunOptions, console: Console) -> RunOutcome:
    """Run (or resume) ``runbook``; see :class:`Run`."""
    return Run(runbook, options, console).execute()


def _perform(ctx: StepContext) -> ActionResult:
    """The step's action, with the step attached to whatever it raises; an error that is not
    a run's own (a crashed browser, a page error) becomes the step's failure."""
    with step_context(ctx.step.id):
        try:
            return perform(ctx)
        except RunError:
            raise
        except Exception as exc:
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StepFailedError(text) from exc


def _chain_run_files(evidence: EvidenceRecorder, step_id: str | None) -> None:
    """Chain the events as they are now (the journal is chained with every save)."""
    evidence.refresh(EVENTS_NAME, step_id)


def _failure_screenshot(ctx: StepContext) -> None:
    """A screenshot of whatever the step's server shows now; skipped if the browser is gone."""
    server = getattr(ctx.step, "server", None)
    if server is None:
        return
    try:
        ctx.on(server).screenshot("failure")
    except Exception as exc:  # noqa: BLE001 - evidence of a failure must not hide the failure
        ctx.log.warning("failure_screenshot_missed", error=str(exc))
