"""The run: one browser, one session per server, the steps in order, evidence after each.

A new run gets a new run directory; ``resume`` continues an earlier one in the same
directory, manifest and journal, from its first unfinished step. The journal is saved before
and after every step, so a run killed at any moment can be resumed.
"""

from __future__ import annotations

import getpass
import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog

from dnn_runbook import __version__
from dnn_runbook.browser import started_browser
from dnn_runbook.evidence.manifest import MANIFEST_NAME, Manifest
from dnn_runbook.evidence.recorder import EvidenceRecorder
from dnn_runbook.evidence.redact import Redactor
from dnn_runbook.evidence.report import write_report
from dnn_runbook.evidence.run_dir import create_run_dir
from dnn_runbook.evidence.trace import TraceMode, keep_traces
from dnn_runbook.evidence.verify import LEFTOVER
from dnn_runbook.exceptions import (
    DnnRunbookError,
    PreflightRefusedError,
    RunDirError,
    RunError,
    RunInterruptedError,
)
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runbook import PreflightStep, Runbook, Step, format_duration
from dnn_runbook.runner import eventlog
from dnn_runbook.runner.actions import perform
from dnn_runbook.runner.console import Console, SummaryRow
from dnn_runbook.runner.context import RunSettings, StepContext, secret_values
from dnn_runbook.runner.journal import (
    FILE_NAME as JOURNAL_NAME,
)
from dnn_runbook.runner.journal import (
    Journal,
    RunStatus,
    StepStatus,
    format_elapsed,
    iso,
    parse_iso,
    utc_now,
)
from dnn_runbook.runner.sessions import SessionPool, session_pool

#: The id of the preflight a run adds when its runbook has none.
IMPLICIT_PREFLIGHT_ID = "implicit-preflight"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOptions:
    """How to run: the command line's options, as plain values."""

    evidence_dir: Path = Path("screenshots")
    resume: Path | None = None
    headed: bool = False
    slow_mo_ms: float | None = None
    browser_path: str | None = None
    timeout_ms: float = 30_000
    #: False: the minimum evidence the tool allows (journal, events, manifest; no screenshots).
    screenshots: bool = True
    show_license_ids: bool = False
    #: Keep a scrubbed Playwright trace of each server's browser context (``--trace``).
    trace: TraceMode = TraceMode.OFF
    settings: RunSettings = field(default_factory=RunSettings)


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """How a run ended."""

    exit_code: int
    run_dir: Path
    journal: Journal
    error: str | None = None


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


_FAILURE_STATUS = {
    ExitCode.DECLINED: (StepStatus.DECLINED, RunStatus.DECLINED),
    ExitCode.PREFLIGHT_REFUSED: (StepStatus.REFUSED, RunStatus.REFUSED),
    130: (StepStatus.INTERRUPTED, RunStatus.INTERRUPTED),
}


class Run:
    """One execution (or resumption) of a runbook."""

    def __init__(self, runbook: Runbook, options: RunOptions, console: Console) -> None:
        self.runbook = runbook
        self.options = options
        self.console = console
        self.steps = steps_to_run(runbook)
        self.log = structlog.get_logger()
        #: Secrets learnt during the run (activation keys); shared by every step's context.
        self.learned_secrets: list[str] = []

    # -- the run directory -------------------------------------------------------------------

    def _refuse_to_extend_window(self) -> None:
        """Refuse a new run while an earlier run of this runbook left the production invoice
        serving as Development for longer than ``max_development_window``."""
        limit = self.runbook.max_development_window
        if limit is None or not self.options.evidence_dir.is_dir():
            return
        for journal_path in sorted(self.options.evidence_dir.glob(f"*/{JOURNAL_NAME}")):
            try:
                earlier = Journal.load(journal_path.parent)
            except RunDirError:
                continue
            if earlier.runbook_name != self.runbook.name:
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

    def _open(self) -> tuple[Path, Manifest, Journal]:
        if self.options.resume is None:
            self._refuse_to_extend_window()
            run_dir = create_run_dir(
                self.options.evidence_dir, self.runbook.name, datetime.now(UTC)
            )
            run_id = run_dir.name
            manifest = Manifest.create(run_dir, run_id, self.runbook.name, self.runbook.sha256)
            journal = Journal.create(
                run_dir,
                run_id=run_id,
                runbook_name=self.runbook.name,
                runbook_sha256=self.runbook.sha256,
                runbook_path=str(self.runbook.source),
                steps=[(s.index, s.id, s.action.value) for s in self.steps],
            )
            return run_dir, manifest, journal
        run_dir = self.options.resume
        journal = Journal.load(run_dir)
        if journal.runbook_sha256 != self.runbook.sha256:
            raise RunDirError(
                f"The runbook {self.runbook.source} has changed since the run in {run_dir} started "
                f"(its SHA-256 was {journal.runbook_sha256[:12]}…, now {self.runbook.sha256[:12]}…). "
                "Resume with the runbook exactly as it was, or start a new run."
            )
        manifest = Manifest.open(run_dir)
        journal.resumed.append(iso(utc_now()) or "")
        journal.status = RunStatus.RUNNING
        journal.finished = None
        for record in journal.steps:
            if record.status in {StepStatus.RUNNING, StepStatus.INTERRUPTED}:
                # The process died or was stopped inside this step: run it again (steps are
                # idempotent, and the table says whether the first try took effect).
                record.message = f"{record.message or ''} Interrupted; run again on resume.".strip()
            if not record.status.finished:
                record.status = StepStatus.PENDING
        journal.save()
        return run_dir, manifest, journal

    # -- running -----------------------------------------------------------------------------

    def execute(self) -> RunOutcome:
        """Run every unfinished step; never raises for a step's failure, only reports it.

        Raises:
            DnnRunbookError: the run directory could not be made or resumed, or no browser.
        """
        run_dir, manifest, journal = self._open()
        evidence = EvidenceRecorder(manifest, screenshots=self.options.screenshots)
        show = self.console.event if self.console.interactive else None
        with eventlog.event_log(run_dir, self._secrets, run_id=journal.run_id, show=show):
            self.console.line(f"Run {journal.run_id}: evidence in {run_dir}")
            self.log.info(
                "run_started" if self.options.resume is None else "run_resumed",
                runbook=self.runbook.name,
                runbook_sha256=self.runbook.sha256,
                runbook_path=str(self.runbook.source),
                version=__version__,
                user=_user(),
                host=platform.node(),
                pid=os.getpid(),
                steps=len(self.steps),
            )
            if self.options.resume is not None:
                self._repair(run_dir, evidence)
            exit_code, error = self._execute_steps(journal, evidence)
            journal.finished = iso(utc_now())
            journal.save()
            self.log.info("run_finished", status=journal.status.value, exit_code=int(exit_code))
            evidence.refresh(eventlog.FILE_NAME, None)
            evidence.refresh(JOURNAL_NAME, None)
        # The report is the run directory's last file: nothing is logged after it.
        report = self._report(evidence)
        self._summary(journal, run_dir, error)
        if report is not None:
            self.console.line(f"Report: {report}")
            self.console.line(f"Manifest head (record it in the ticket): {manifest.head}")
        return RunOutcome(int(exit_code), run_dir, journal, error)

    @property
    def redactor(self) -> Redactor:
        """A redactor for every secret known now, activation keys learnt so far included."""
        return Redactor(self._secrets())

    def _secrets(self) -> list[str]:
        """Every secret the run knows now: the runbook's and the activation keys learnt."""
        return [*secret_values(self.runbook), *self.learned_secrets]

    def _report(self, evidence: EvidenceRecorder) -> Path | None:
        """Write ``report.html`` and chain it; a report that fails never hides the outcome."""
        try:
            name = write_report(evidence.manifest, redactor=Redactor(self._secrets()))
        except Exception as exc:  # noqa: BLE001 - the run's outcome matters more than its report
            self.console.warn(
                f"The report could not be written ({self.redactor.redact(str(exc))}); build it "
                f"with 'dnn-runbook report {evidence.run_dir}'."
            )
            return None
        return evidence.run_dir / name

    def _repair(self, run_dir: Path, evidence: EvidenceRecorder) -> None:
        """Tidy what a killed run left: partial temporary files go, whole unchained files are
        chained, so that the resumed run's evidence verifies intact."""
        chained = {entry.file for entry in evidence.manifest.entries}
        for path in sorted(run_dir.iterdir()):
            if not path.is_file() or path.name == MANIFEST_NAME or path.name in chained:
                continue
            if LEFTOVER.fullmatch(path.name):
                path.unlink()
                self.log.warning("partial_file_removed", file=path.name)
            else:
                evidence.manifest.add(path.name, None)
                self.log.warning("unchained_file_chained", file=path.name)
        evidence.refresh(eventlog.FILE_NAME, None)
        evidence.refresh(JOURNAL_NAME, None)

    def _execute_steps(
        self, journal: Journal, evidence: EvidenceRecorder
    ) -> tuple[int, str | None]:
        first = journal.first_unfinished()
        if first is None:
            journal.status = RunStatus.DONE
            self.console.line("Every step of this run has finished already; nothing to do.")
            return ExitCode.OK, None
        try:
            with started_browser(
                self.options.browser_path,
                headless=not self.options.headed,
                slow_mo_ms=self.options.slow_mo_ms,
            ) as (browser, choice):
                self.log.info(
                    "browser_started",
                    browser=str(choice.executable or "playwright"),
                    version=browser.version,
                )
                with session_pool(
                    browser,
                    timeout_ms=self.options.timeout_ms,
                    mask_license_ids=not self.options.show_license_ids,
                    activity=self.console.activity,
                    trace=self.options.trace.records,
                    license_ids=[
                        self.runbook.license.email.reveal(),
                        self.runbook.license.invoice.reveal(),
                    ],
                ) as sessions:
                    outcome = self._loop(journal, evidence, sessions)
                    if self.options.trace.keeps(failed=outcome[0] != ExitCode.OK):
                        # Before the contexts close: a trace is saved from a live context.
                        keep_traces(
                            {session.name: session.stop_tracing for session in sessions.opened()},
                            manifest=evidence.manifest,
                            secrets=self._secrets(),
                            log=self.log,
                        )
                    return outcome
        except KeyboardInterrupt:
            return self._stopped(
                journal,
                evidence,
                None,
                RunInterruptedError(
                    "The run was interrupted (Ctrl-C). Resume it with --resume to continue from the "
                    "unfinished step."
                ),
            )

    def _loop(
        self, journal: Journal, evidence: EvidenceRecorder, sessions: SessionPool
    ) -> tuple[int, str | None]:
        by_id = {step.id: step for step in self.steps}
        total = len(self.steps)
        position = {step.id: n for n, step in enumerate(self.steps, start=1)}
        for record in journal.steps:
            if record.status.finished:
                continue
            step = by_id[record.id]
            self._warn_about_window(journal)
            ctx = StepContext(
                runbook=self.runbook,
                step=step,
                record=record,
                journal=journal,
                sessions=sessions,
                evidence=evidence,
                console=self.console,
                settings=self.options.settings,
                log=self.log.bind(step_id=step.id, step_index=step.index, action=step.action.value),
                extra_secrets=self.learned_secrets,
            )
            with self.console.step(position[step.id], total, step.id, step.describe()):
                record.status = StepStatus.RUNNING
                record.started = iso(utc_now())
                record.finished = None
                journal.save()
                ctx.log.info("step_started", description=step.describe())
                try:
                    result = perform(ctx)
                except KeyboardInterrupt:
                    return self._stopped(
                        journal,
                        evidence,
                        ctx,
                        RunInterruptedError(
                            f"The run was interrupted (Ctrl-C) during step {step.id!r}. Resume it with "
                            "--resume to continue from that step."
                        ),
                    )
                except RunError as exc:
                    return self._stopped(journal, evidence, ctx, exc)
                except DnnRunbookError as exc:
                    return self._stopped(journal, evidence, ctx, _as_step_failure(step, exc))
                except Exception as exc:  # noqa: BLE001 - a crashed browser must still leave a journal
                    return self._stopped(journal, evidence, ctx, _as_step_failure(step, exc))
                record.status = result.status
                record.finished = iso(utc_now())
                record.message = self.redactor.redact(result.message)
                record.notification = result.notification
                journal.save()
                ctx.log.info(
                    "step_finished",
                    status=result.status.value,
                    message=record.message,
                    notification=result.notification,
                    duration_s=record.duration_s,
                )
                self.console.step_result(result.status.value, record.message)
                evidence.refresh(eventlog.FILE_NAME, step.id)
                evidence.refresh(JOURNAL_NAME, step.id)
        journal.status = RunStatus.DONE
        return ExitCode.OK, None

    def _stopped(
        self, journal: Journal, evidence: EvidenceRecorder, ctx: StepContext | None, error: RunError
    ) -> tuple[int, str]:
        """Record why the run stops: the step's status, a failure screenshot, the journal."""
        message = self.redactor.redact(str(error))
        step_status, run_status = _FAILURE_STATUS.get(
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
            evidence.refresh(eventlog.FILE_NAME, ctx.step.id)
        journal.status = run_status
        journal.save()
        self.console.step_result(step_status.value, message)
        return error.exit_code, message

    def _warn_about_window(self, journal: Journal) -> None:
        limit = self.runbook.max_development_window
        elapsed = development_window(journal)
        if limit is None or elapsed is None or journal.development_removed or elapsed <= limit:
            return
        self.console.warn(
            f"The production invoice has served as a Development license for "
            f"{format_elapsed(elapsed)}, longer than max_development_window "
            f"({format_duration(limit)}). DNN allows this only for a very short time: finish "
            "the migration now."
        )
        self.log.warning(
            "development_window_exceeded",
            elapsed_s=round(elapsed.total_seconds(), 3),
            limit_s=limit.total_seconds(),
        )

    def _summary(self, journal: Journal, run_dir: Path, error: str | None) -> None:
        rows = [
            SummaryRow(r.index, r.id, r.status.value, r.duration_s, r.message or "")
            for r in journal.steps
        ]
        self.console.summary(rows, title=f"{self.runbook.name}: {journal.status.value}")
        window = development_window(journal)
        if window is not None:
            limit = self.runbook.max_development_window
            state = "closed" if journal.development_removed else "still open"
            self.console.line(
                f"Development license window: {format_elapsed(window)} ({state}"
                + (f"; limit {format_duration(limit)})" if limit else ")")
            )
        if error:
            self.console.error(error)
        self.console.line(f"Evidence: {run_dir}")


def development_window(journal: Journal) -> timedelta | None:
    """How long the production invoice served as Development: from its activation to its
    removal, or to now while it is still active; ``None`` if it never did."""
    start = parse_iso(journal.development_activated)
    if start is None:
        return None
    end = parse_iso(journal.development_removed) or utc_now()
    return max(end - start, timedelta(0))


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _as_step_failure(step: Step, exc: BaseException) -> RunError:
    from dnn_runbook.exceptions import StepFailedError

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    failure = StepFailedError(f"Step {step.id!r} failed: {text}")
    failure.__cause__ = exc
    return failure


def _failure_screenshot(ctx: StepContext) -> None:
    """A screenshot of whatever the step's server shows now; skipped if the browser is gone."""
    server = getattr(ctx.step, "server", None)
    if server is None:
        return
    try:
        ctx.screenshot(server, "failure")
    except Exception as exc:  # noqa: BLE001 - evidence of a failure must not hide the failure
        ctx.log.warning("failure_screenshot_missed", error=str(exc))


def run_runbook(runbook: Runbook, options: RunOptions, console: Console) -> RunOutcome:
    """Run (or resume) ``runbook``; see :class:`Run`."""
    return Run(runbook, options, console).execute()
