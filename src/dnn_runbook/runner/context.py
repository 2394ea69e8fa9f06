"""What an action gets to work with: the servers' sessions, the evidence, the operator.

Reading is retried with backoff: a page that times out or a server that logged the session
out is read again. Acting is never retried here; the actions decide, after reading the table
again, whether a first attempt took effect.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import structlog

from dnn_runbook.evidence.recorder import EvidenceRecorder
from dnn_runbook.exceptions import PageError, StepFailedError
from dnn_runbook.runbook import AddLicenseStep, Runbook, ServerSpec, Step
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.interlocks import ServerView, looks_at_other_servers
from dnn_runbook.runner.journal import Journal, StepRecord
from dnn_runbook.runner.sessions import ServerSession, SessionPool
from pages import AboutPage, LicenseRow

T = TypeVar("T")

#: Given the Server ID and the step, returns the activation key (the rehearsal's sandbox).
KeyProvider = Callable[[str, "AddLicenseStep"], str]

#: Seconds to wait before each retry of a read: 1, 2, then 4.
READ_BACKOFF = (1.0, 2.0, 4.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSettings:
    """The command line's choices that actions need."""

    assume_yes: bool = False
    #: Backoff between retries; tests shorten it, nothing else should.
    backoff: tuple[float, ...] = READ_BACKOFF
    sleep: Callable[[float], None] = time.sleep
    activation_key_provider: KeyProvider | None = None


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
    settings: RunSettings
    log: structlog.typing.FilteringBoundLogger = field(default_factory=structlog.get_logger)
    #: Secrets learnt during the run (activation keys), redacted like the runbook's own.
    extra_secrets: list[str] = field(default_factory=list)

    def secrets(self) -> list[str]:
        """Every secret value the run knows, for redaction."""
        return secret_values(self.runbook) + self.extra_secrets

    @property
    def invoice(self) -> str:
        """The invoice number the runbook moves (the real value: type it, never print it)."""
        return self.runbook.license.invoice.reveal()

    @property
    def masked_invoice(self) -> str:
        """The invoice number as it may be shown."""
        return self.runbook.license.invoice.masked()

    def session(self, spec: ServerSpec) -> ServerSession:
        """The logged-in session of ``spec``'s server."""
        return self.sessions.get(spec)

    def retrying(self, what: str, attempt: Callable[[], T]) -> T:
        """Run a read-only ``attempt``, retrying on page errors with backoff."""
        delays = list(self.settings.backoff)
        while True:
            try:
                return attempt()
            except PageError as exc:
                if not delays:
                    raise StepFailedError(
                        f"Step {self.step.id!r}: {what} failed after "
                        f"{len(self.settings.backoff) + 1} attempts: {exc}"
                    ) from exc
                delay = delays.pop(0)
                self.log.warning("read_retry", what=what, error=str(exc), delay_s=delay)
                self.console.activity(f"{what}: retrying in {delay:g} s")
                self.settings.sleep(delay)

    def about(self, spec: ServerSpec, *, reload: bool = True) -> AboutPage:
        """The About page of ``spec``'s server, logged in and (by default) freshly loaded."""
        session = self.session(spec)
        return self.retrying(
            f"opening Settings > About on {spec.name}", lambda: session.about(reload=reload)
        )

    def view(self, spec: ServerSpec) -> ServerView:
        """Read ``spec``'s server afresh: its license table and whether it can reach the
        licensing service. Logs the table (invoices masked)."""

        def read() -> ServerView:
            about = self.session(spec).about(reload=True)
            rows = about.licenses()
            notice = about.licensing_notice()
            return ServerView(spec.name, rows, licensing_reachable=notice is None)

        self.console.activity(f"reading the license table on {spec.name}")
        view = self.retrying(f"reading the license table on {spec.name}", read)
        self.log.info(
            "license_table_read",
            server=spec.name,
            licensing_reachable=view.licensing_reachable,
            licenses=[describe_row(row) for row in view.rows],
        )
        return view

    def other_views(self, spec: ServerSpec) -> dict[str, ServerView]:
        """Fresh views of every server of the runbook except ``spec``'s; none when no
        interlock of this step looks at them (a Development activation), since loading them
        again would only cost time."""
        step = self.step
        if isinstance(step, AddLicenseStep) and not looks_at_other_servers(
            step.type, removal=False
        ):
            return {}
        return {
            name: self.view(other)
            for name, other in self.runbook.servers.items()
            if name != spec.name
        }

    def screenshot(self, spec: ServerSpec, label: str) -> str | None:
        """A masked screenshot of ``spec``'s tab as it is now, chained into the evidence."""
        session = self.session(spec)
        name = self.evidence.screenshot(self.step.index, self.step.id, label, session.screenshot)
        if name is not None:
            self.record.screenshots.append(name)
            self.log.info("screenshot", server=spec.name, file=name)
        return name


def secret_values(runbook: Runbook) -> list[str]:
    """The values of every secret in ``runbook``: passwords, account email, invoice, keys."""
    values = [runbook.license.email.reveal(), runbook.license.invoice.reveal()]
    values += [server.password.reveal() for server in runbook.servers.values()]
    for step in runbook.steps:
        if isinstance(step, AddLicenseStep):
            values += [step.email.reveal(), step.invoice.reveal()]
            if step.activation_key is not None:
                values.append(step.activation_key.reveal())
    return [value for value in values if value]


def describe_row(row: LicenseRow) -> dict[str, object]:
    """A license row as it may appear in logs and reports: the invoice masked."""
    return {
        "type": row.license_type,
        "invoice": row.masked_invoice,
        "web_server": row.web_server,
        "activated": row.activated,
        "expires": row.expires.isoformat() if row.expires else None,
    }
