"""``dnn-runbook check``: everything a run would need, on the real servers, changing nothing.

One browser; for each server of the runbook a fresh browser context behind the read-only guard
(``dnn_runbook.browser.guard``), one login, and the probe (:mod:`~dnn_runbook.runner.probe`):
the license table, the licensing service's notice, every control the runbook's steps will
use, found and not pressed. Then the runbook is walked on a model of the servers built from
the tables read (:mod:`~dnn_runbook.runner.simulation`): preflight, each step and every
interlock, as a run would meet them. The outcome is a run directory marked as a check
(:mod:`dnn_runbook.evidence.check_journal`) and an exit code: 0 the run would go through, 4 it
would be refused, 1 a control the run needs was not found (1 wins over 4: bringing the
servers to another state would not help).
"""

from __future__ import annotations

import dataclasses
import os
import platform
from dataclasses import dataclass
from pathlib import Path

import structlog

from dnn_runbook import __version__
from dnn_runbook.browser import started_browser
from dnn_runbook.browser.capture import PageRecorder
from dnn_runbook.browser.guard import BlockedRequest, RequestGuard
from dnn_runbook.browser.sessions import ServerSession
from dnn_runbook.captures import Capture, ServerCapture
from dnn_runbook.clock import iso, utc_now
from dnn_runbook.evidence.binding import bind, new_key
from dnn_runbook.evidence.check_journal import CheckJournal, CheckRecord, start_check
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.recorder import EvidenceRecorder
from dnn_runbook.evidence.redact import SecretSet
from dnn_runbook.exceptions import BrowserError, DnnRunbookError, PageError, PreflightRefusedError
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runbook import Runbook, ServerSpec
from dnn_runbook.runner import capturing, eventlog, window
from dnn_runbook.runner.access import classify
from dnn_runbook.runner.closing import announce, close_run
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.engine import steps_to_run
from dnn_runbook.runner.options import RunOptions
from dnn_runbook.runner.probe import ServerProbe, probe_server
from dnn_runbook.runner.simulation import Simulation, simulate
from dnn_runbook.runner.verdict import verdict
from dnn_runbook.runner.views import describe_row

__all__ = ["CheckOutcome", "check_runbook"]

_RUN_STATUS = {
    ExitCode.OK: "check_passed",
    ExitCode.PREFLIGHT_REFUSED: "check_refused",
}


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """How a check ended: its verdict, evidence, what it found, and its capture."""

    exit_code: ExitCode
    run_dir: Path | None
    probes: tuple[ServerProbe, ...] = ()
    simulation: Simulation | None = None
    blocked: tuple[BlockedRequest, ...] = ()
    #: Why the run would not go through (or the check could not be made), in sentences.
    error: str | None = None
    head: str | None = None
    report: Path | None = None
    capture: Capture | None = None


class Check:
    """One ``check`` of a runbook; see the module."""

    def __init__(self, runbook: Runbook, options: RunOptions, console: Console) -> None:
        self.runbook = runbook
        self.options = options
        self.console = console
        self.capture_path = options.capture
        self.secrets = SecretSet(runbook.secrets())
        self.log = structlog.get_logger()
        self.blocked: list[BlockedRequest] = []
        self.captured: list[ServerCapture] = []
        self.browser_version = "unknown"

    def execute(self) -> CheckOutcome:
        """Look, walk, record; never raises for what the servers show.

        Raises:
            DnnRunbookError: the run directory could not be made.
        """
        options = self.options
        run_dir, manifest, journal, lock = start_check(
            options.evidence_dir,
            binding=bind(self.runbook, key=new_key()),
            runbook_path=str(self.runbook.source),
        )
        try:
            return self._execute(run_dir, manifest, journal)
        finally:
            lock.release()

    def _execute(self, run_dir: Path, manifest: Manifest, journal: CheckJournal) -> CheckOutcome:
        options = self.options
        evidence = EvidenceRecorder(manifest, screenshots=options.screenshots)
        show = self.console.event if self.console.shows_events else None
        with eventlog.event_log(run_dir, self.secrets, run_id=journal.run_id, show=show):
            self.console.line(
                f"Check {journal.run_id}: read-only, the browser lets nothing that could change a "
                f"license leave it. Evidence in {run_dir}"
            )
            self.log.info(
                "run_started",
                mode="check",
                runbook=self.runbook.name,
                runbook_sha256=self.runbook.sha256,
                runbook_path=str(self.runbook.source),
                version=__version__,
                user=eventlog.os_user(),
                host=platform.node(),
                pid=os.getpid(),
                proxy=self.options.proxy,
            )
            stopped: CheckOutcome | None
            try:
                probes = self._look(journal, evidence)
            except BrowserError as exc:
                stopped = self._stopped(journal, evidence, run_dir, ExitCode.STEP_FAILED, exc)
            except KeyboardInterrupt:
                stopped = self._stopped(journal, evidence, run_dir, ExitCode.INTERRUPTED, None)
            else:
                stopped = None
                simulation = self._walk(probes)
                self._record_plan(journal, simulation)
                code, error = verdict(probes, simulation)
                capture = self._write_capture(probes)
                journal.status = _RUN_STATUS.get(code, "check_failed")
                journal.finished = iso(utc_now())
                journal.save()
                self.log.info("run_finished", status=journal.status, exit_code=int(code))
                _chain(evidence)
        if stopped is not None:
            # The evidence of a check that could not look verifies like any other run's.
            closing = close_run(manifest, options.seal, self.secrets, self.console)
            announce(closing, self.console)
            head = closing.ticket.head if closing.ticket is not None else manifest.head
            return dataclasses.replace(stopped, head=head, report=closing.report)
        closing = close_run(manifest, options.seal, self.secrets, self.console)
        head = closing.ticket.head if closing.ticket is not None else manifest.head
        self._print(simulation, code, error, run_dir, capture)
        announce(closing, self.console)
        return CheckOutcome(
            code,
            run_dir,
            tuple(probes),
            simulation,
            tuple(self.blocked),
            error,
            head,
            closing.report,
            capture,
        )

    # -- looking -----------------------------------------------------------------------------

    def _look(self, journal: CheckJournal, evidence: EvidenceRecorder) -> list[ServerProbe]:
        options = self.options
        probes: list[ServerProbe] = []
        with started_browser(
            options.browser_path,
            headless=not options.headed,
            slow_mo_ms=options.slow_mo_ms or None,
            proxy=options.proxy,
        ) as (browser, choice):
            self.browser_version = f"{browser.browser_type.name} {browser.version}"
            executable = str(choice.executable or "playwright")
            self.log.info("browser_started", browser=executable, version=browser.version)
            labels = capturing.labels(self.runbook)
            servers = list(self.runbook.servers.values())
            for n, spec in enumerate(servers, start=1):
                record = journal.add(0, f"check.{spec.name}", "check")
                session = ServerSession(
                    browser,
                    spec,
                    timeout_ms=options.timeout_ms,
                    mask_license_ids=not options.show_license_ids,
                    activity=self.console.activity,
                    license_ids=self.runbook.license_ids(),
                    proxy=options.proxy,
                )
                try:
                    with self.console.step(
                        n, len(servers), record.id, f"Look at {spec.describe()}, changing nothing."
                    ):
                        probe = self._probe(session, spec, record, evidence, labels[spec.name])
                finally:
                    session.close()
                probes.append(probe)
                self._record_probe(journal, record, probe)
        return probes

    def _probe(
        self,
        session: ServerSession,
        spec: ServerSpec,
        record: CheckRecord,
        evidence: EvidenceRecorder,
        label: str,
    ) -> ServerProbe:
        log = self.log.bind(step_id=record.id, step_index=0, action="check")
        record.started = iso(utc_now())

        def blocked(request: BlockedRequest) -> None:
            self.blocked.append(request)
            log.warning("request_blocked", server=request.server, request=request.describe())

        def shot(name: str) -> None:
            taken = evidence.screenshot(0, record.id, name, session.screenshot)
            if taken is not None:
                record.screenshots.append(taken)
                log.info("screenshot", server=spec.name, file=taken)

        RequestGuard(spec.name, on_block=blocked).install(session.context)
        recorder = PageRecorder(session.page, label) if self.capture_path else None
        try:
            probe = probe_server(
                session,
                self.runbook,
                shot=shot,
                observer=recorder,
                look_everywhere=recorder is not None,
            )
        except Exception as exc:  # noqa: BLE001 - a crashed page is this server's finding
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            probe = ServerProbe(
                spec.name, failure=classify(spec.name, PageError(text), url=spec.url)
            )
        if recorder is not None:
            self.captured.append(recorder.finish())
        if probe.view is not None:
            log.info(
                "license_table_read",
                server=spec.name,
                licensing_reachable=probe.view.licensing_reachable,
                licenses=[describe_row(row) for row in probe.view.rows],
            )
        for missing in probe.missing:
            log.error("control_missing", server=spec.name, control=missing.control)
        if probe.failure is not None:
            log.error("server_unusable", server=spec.name, kind=probe.failure.kind.value)
        return probe

    def _record_probe(self, journal: CheckJournal, record: CheckRecord, probe: ServerProbe) -> None:
        parts = list(probe.seen)
        parts += [missing.sentence() for missing in probe.missing]
        if probe.failure is not None:
            parts.append(probe.failure.sentence())
        text = "; ".join(part.rstrip(".") for part in parts)
        record.message = self.secrets.redact(text + ".") if parts else None
        if probe.missing or (probe.failure and probe.failure.kind.is_markup):
            record.status = "failed"
        elif probe.failure is not None:
            record.status = "refused"
        else:
            record.status = "done"
        record.finished = iso(utc_now())
        journal.save()
        self.console.step_result(record.status, record.message or "")

    # -- walking -------------------------------------------------------------------------------

    def _walk(self, probes: list[ServerProbe]) -> Simulation:
        refused_before = None
        try:
            window.refuse_to_extend(self.runbook, self.options.evidence_dir)
        except PreflightRefusedError as exc:
            refused_before = str(exc)
        unreadable = {
            probe.name: probe.failure.sentence().split(": ", 1)[-1]
            if probe.failure
            else "its license list could not be read."
            for probe in probes
            if probe.view is None
        }
        return simulate(
            self.runbook,
            steps_to_run(self.runbook),
            {probe.name: probe.view for probe in probes if probe.view is not None},
            web_servers={probe.name: probe.web_server or "" for probe in probes},
            unreadable=unreadable,
            refused_before=refused_before,
        )

    def _record_plan(self, journal: CheckJournal, simulation: Simulation) -> None:
        for planned in simulation.steps:
            record = journal.add(planned.index, planned.step_id, planned.action)
            # "would run" is recorded as "would_run", and so on (evidence.check_journal).
            record.status = planned.verdict.value.replace(" ", "_")
            record.message = self.secrets.redact(planned.sentence())
            self.log.info(
                "plan_step",
                step_id=planned.step_id,
                step_index=planned.index,
                verdict=planned.verdict.value,
                sentence=record.message,
            )
        journal.save()

    # -- the end -------------------------------------------------------------------------------

    def _write_capture(self, probes: list[ServerProbe]) -> Capture | None:
        if self.capture_path is None:
            return None
        try:
            capture = capturing.write(
                self.capture_path,
                command="check",
                browser=self.browser_version,
                servers=self.captured,
                known=capturing.secrets_known(self.runbook, self.secrets, probes),
            )
        except DnnRunbookError as exc:
            self.console.error(self.secrets.redact(str(exc)))
            self.log.error("capture_not_written", error=str(exc))
            return None
        self.log.info("capture_written", file=str(self.capture_path))
        return capture

    def _stopped(
        self,
        journal: CheckJournal,
        evidence: EvidenceRecorder,
        run_dir: Path,
        code: ExitCode,
        exc: BrowserError | None,
    ) -> CheckOutcome:
        """A check that could not look at every server: no browser, or Ctrl-C."""
        if exc is not None:
            error = f"The check could not start a browser: {exc}"
        else:
            error = "The check was interrupted (Ctrl-C); nothing was changed."
        journal.status = "check_failed"
        journal.finished = iso(utc_now())
        journal.save()
        self.log.error("run_finished", status=journal.status, exit_code=int(code))
        _chain(evidence)
        self.console.error(error)
        return CheckOutcome(code, run_dir, error=error)

    def _print(
        self,
        simulation: Simulation,
        code: ExitCode,
        error: str | None,
        run_dir: Path,
        capture: Capture | None,
    ) -> None:
        console = self.console
        console.line("")
        console.line("The plan as it would unfold on these servers:", style="bold")
        if simulation.refused_before:
            console.line(f"  {self.secrets.redact(simulation.refused_before)}")
        for planned in simulation.steps:
            style = "bold red" if planned.stops_the_run else None
            console.line(f"  {self.secrets.redact(planned.sentence())}", style=style)
        for blocked in self.blocked:
            console.warn(f"the guard blocked {blocked.describe()}; nothing was sent.")
        console.line("")
        if code is ExitCode.OK:
            console.line("The run would go through. Nothing was changed.", style="bold green")
        else:
            console.error(self.secrets.redact(error or "the check did not pass."))
        if capture is not None and self.capture_path is not None:
            console.line(capturing.describe(capture, self.capture_path))
        console.line(f"Evidence: {run_dir}")


def _chain(evidence: EvidenceRecorder) -> None:
    evidence.refresh(eventlog.FILE_NAME, None)
    evidence.refresh("state.json", None)


def check_runbook(runbook: Runbook, options: RunOptions, console: Console) -> CheckOutcome:
    """Check ``runbook`` against its servers (and capture them with ``options.capture``); see
    :class:`Check`."""
    return Check(runbook, options, console).execute()
