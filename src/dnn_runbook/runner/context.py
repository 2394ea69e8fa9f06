"""What an action gets to work with: its step, a handle on each server, the evidence, the
operator.

``ctx.on(step.server)`` gives a :class:`ServerHandle`: the server's logged-in session, looked
up once, with what an action does there (read the table, open About, take a screenshot).
Reading is retried with backoff: a page that times out or a server that logged the session
out is read again. Acting is never retried here; the actions decide, after reading the table
again, whether a first attempt took effect. The step itself is attached to every error an
action raises by the engine's :func:`~dnn_runbook.exceptions.step_context`, so no message
here names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import structlog

from dnn_runbook.browser.sessions import ServerSession, SessionPool
from dnn_runbook.evidence.journal import Journal, StepRecord
from dnn_runbook.evidence.recorder import EvidenceRecorder
from dnn_runbook.evidence.redact import SecretSet
from dnn_runbook.exceptions import PageError, ServerAccessError, StepFailedError
from dnn_runbook.runbook import AddLicenseStep, Runbook, ServerSpec, Step
from dnn_runbook.runner.access import classify
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.interlocks import looks_at_other_servers
from dnn_runbook.runner.options import RunOptions
from dnn_runbook.runner.views import ServerView, describe_row
from pages import AboutPage

T = TypeVar("T")


@dataclass(slots=True)
class StepContext:
    """Everything one step may use."""

    runbook: Runbook
    step: Step
    record: StepRecord
    journal: Journal
    sessions: SessionPool
    evidence: EvidenceRecorder
    console: Console
    options: RunOptions
    #: Every secret the run knows (activation keys learnt so far included): the one redactor.
    secrets: SecretSet
    log: structlog.typing.FilteringBoundLogger = field(default_factory=structlog.get_logger)

    def on(self, spec: ServerSpec) -> ServerHandle:
        """A handle on ``spec``'s server for this step, its session opened if needed."""
        return ServerHandle(self, spec, self.sessions.get(spec))

    def retrying(
        self, what: str, attempt: Callable[[], T], *, server: ServerSpec | None = None
    ) -> T:
        """Run a read-only ``attempt``, retrying on page errors with the options' backoff.

        On ``server``, a failure that no retry would cure (a refused login, an account that
        is not a host, DNS, a refused connection, TLS, no login form at ``login_path``) stops
        at once as a :class:`ServerAccessError`: a second login with a wrong password would
        count towards DNN's lockout.
        """
        delays = list(self.options.backoff)
        while True:
            try:
                return attempt()
            except PageError as exc:
                if server is not None:
                    self._stop_if_unusable(server, exc)
                if not delays:
                    raise StepFailedError(
                        f"{what} failed after {len(self.options.backoff) + 1} attempts: {exc}"
                    ) from exc
                delay = delays.pop(0)
                self.log.warning("read_retry", what=what, error=str(exc), delay_s=delay)
                self.console.activity(f"{what}: retrying in {delay:g} s")
                self.options.sleep(delay)

    def _stop_if_unusable(self, server: ServerSpec, exc: PageError) -> None:
        failure = classify(server.name, exc, account=server.username, url=server.url)
        if not failure.kind.stops_at_once:
            return
        self.log.error("server_unusable", server=server.name, kind=failure.kind.value)
        raise ServerAccessError(
            failure.sentence(), server=server.name, kind=failure.kind.value
        ) from exc

    def wait(self, delay: float) -> None:
        """Sleep ``delay`` seconds between two attempts (the options' clock)."""
        self.options.sleep(delay)


@dataclass(frozen=True, slots=True)
class ServerHandle:
    """One server as one step sees it: its spec, its session, and what may be done there."""

    ctx: StepContext
    spec: ServerSpec
    session: ServerSession

    @property
    def name(self) -> str:
        """The server's name in the runbook."""
        return self.spec.name

    def about(self, *, reload: bool = True) -> AboutPage:
        """Settings > About on this server, logged in and (by default) freshly loaded."""
        return self.ctx.retrying(
            f"opening Settings > About on {self.name}",
            lambda: self.session.about(reload=reload),
            server=self.spec,
        )

    def view(self, *, as_loaded_within: float | None = None) -> ServerView:
        """Read the server afresh: its license table and whether it can reach the licensing
        service. Logs the table (invoices masked).

        With ``as_loaded_within`` (seconds), a page that this tab loaded afresh no longer ago
        than that, with nothing done on it since, is read as shown instead of being loaded a
        second time (a screenshot step right after a step that read the same server). Never
        used before a click: the interlocks always read the server again.
        """
        shown, age = None, None
        if as_loaded_within is not None:
            age = self.session.fresh_age()
            if age is not None and age <= as_loaded_within:
                shown = self.session.shown_about()
            if shown is None:
                age = None

        def read() -> ServerView:
            nonlocal shown, age
            about, loaded_s_ago = (shown, age) if shown is not None else (None, None)
            shown = age = None  # a retry loads the page again
            if about is None:
                about = self.session.about(reload=True)
            rows = about.licenses()
            notice = about.licensing_notice()
            return ServerView(
                self.name, rows, licensing_reachable=notice is None, loaded_s_ago=loaded_s_ago
            )

        what = f"reading the license table on {self.name}"
        self.ctx.console.activity(what)
        view = self.ctx.retrying(what, read, server=self.spec)
        # Every invoice on screen, other licenses' too, is masked in traces and events.
        self.ctx.secrets.learn_invoices(row.invoice_number for row in view.rows)
        as_shown = (
            {} if view.loaded_s_ago is None else {"loaded_s_ago": round(view.loaded_s_ago, 2)}
        )
        self.ctx.log.info(
            "license_table_read",
            server=self.name,
            licensing_reachable=view.licensing_reachable,
            licenses=[describe_row(row) for row in view.rows],
            **as_shown,
        )
        return view

    def others(self) -> dict[str, ServerView]:
        """Fresh views of every other server of the runbook; none when no interlock of this
        step looks at them (a Development activation), since reading them would only cost
        time."""
        return {handle.name: handle.view() for handle in self._other_handles()}

    def _other_handles(self) -> list[ServerHandle]:
        step = self.ctx.step
        if isinstance(step, AddLicenseStep) and not looks_at_other_servers(
            step.type, removal=False
        ):
            return []
        return [
            self.ctx.on(other)
            for name, other in self.ctx.runbook.servers.items()
            if name != self.name
        ]

    def views(self) -> tuple[dict[str, ServerView], ServerView]:
        """Fresh views of the other servers the interlocks look at, then of this one.

        Every server's Persona Bar starts loading at once, and the views are completed in
        that order, this server last, right before the click: each table is still read from
        the server, never from an earlier page, in about the time of one read.
        """
        handles = self._other_handles()
        for handle in [*handles, self]:
            handle.session.start_fresh_read()
        others = {handle.name: handle.view() for handle in handles}
        return others, self.view()

    def screenshot(self, label: str) -> str | None:
        """A masked screenshot of this server's tab as it is now, chained into the evidence."""
        step = self.ctx.step
        name = self.ctx.evidence.screenshot(step.index, step.id, label, self.session.screenshot)
        if name is not None:
            self.ctx.record.screenshots.append(name)
            self.ctx.log.info("screenshot", server=self.name, file=name)
        return name
