"""``--capture FILE``: what the tool met on each server, sanitized and written for a bug report.

``check`` records the pages as its probe meets them. ``run`` and ``rehearse`` record them once
their steps are over (or stopped), in the sessions they already have: each logged-in server is
looked at as ``check`` looks at it, behind the read-only guard, so the capture adds no change
and no login (a server whose login failed is left alone: DNN locks accounts). The file is
written by :func:`dnn_runbook.evidence.sanitize.write_capture`, which replaces every secret
and license identifier and refuses to write what its scan still finds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import structlog

from dnn_runbook import __version__
from dnn_runbook.browser.capture import PageRecorder
from dnn_runbook.browser.guard import BlockedRequest, RequestGuard
from dnn_runbook.browser.sessions import SessionPool
from dnn_runbook.captures import Capture, ServerCapture, Timing
from dnn_runbook.clock import iso, utc_now
from dnn_runbook.evidence.journal import Journal
from dnn_runbook.evidence.redact import SecretSet
from dnn_runbook.evidence.sanitize import KnownValues, known_values, write_capture
from dnn_runbook.runbook import Runbook, SecretKind
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.probe import ServerProbe, probe_server

__all__ = ["capture_after_run", "describe", "labels", "secrets_known", "write"]

_KINDS = {
    SecretKind.PASSWORD: "password",
    SecretKind.EMAIL: "email",
    SecretKind.INVOICE: "invoice",
    SecretKind.ACTIVATION_KEY: "activation-key",
}


def labels(runbook: Runbook) -> dict[str, str]:
    """``server-1``, ``server-2``, ... for the runbook's servers, in its order."""
    return {name: f"server-{n}" for n, name in enumerate(runbook.servers, start=1)}


def secrets_known(
    runbook: Runbook, secrets: SecretSet, probes: Iterable[ServerProbe]
) -> KnownValues:
    """Everything a capture must not show: the runbook's secrets (and keys learnt since),
    every invoice and Web Server the tables showed, the Server IDs, the servers' addresses."""
    pairs: list[tuple[str, str]] = [
        (_KINDS[secret.kind], secret.reveal()) for secret in runbook.secrets()
    ]
    named = {value for _kind, value in pairs}
    pairs += [("activation-key", value) for value in secrets.values() if value not in named]
    servers: list[str] = []
    for probe in probes:
        pairs += [("server-id", server_id) for server_id in probe.server_ids]
        if probe.web_server:
            servers.append(probe.web_server)
        for row in probe.view.rows if probe.view else ():
            pairs.append(("invoice", row.invoice_number))
            servers.append(row.web_server)
    origins = [spec.url for spec in runbook.servers.values()]
    usernames = [spec.username for spec in runbook.servers.values()]
    return known_values(pairs, servers, origins, usernames)


def write(
    path: Path,
    *,
    command: str,
    browser: str,
    servers: Sequence[ServerCapture],
    known: KnownValues,
    run_steps: Sequence[Timing] = (),
) -> Capture:
    """Sanitize, scan and write the capture; see :func:`~dnn_runbook.evidence.sanitize.write_capture`."""
    capture = Capture(
        command=command,
        tool_version=__version__,
        captured_at=iso(utc_now()) or "",
        browser=browser,
        servers=tuple(servers),
        run_steps=tuple(run_steps),
    )
    return write_capture(path, capture, known)


def _run_steps(journal: Journal) -> list[Timing]:
    return [
        Timing(record.id, round(record.duration_s * 1000, 1))
        for record in journal.steps
        if record.duration_s is not None
    ]


def capture_after_run(
    path: Path,
    *,
    runbook: Runbook,
    sessions: SessionPool,
    journal: Journal,
    secrets: SecretSet,
    browser: str,
    console: Console,
) -> Capture | None:
    """Look at every server the run logged in to, as ``check`` does, and write the capture.

    Never raises: a capture that cannot be made or written is a warning, since the run's own
    outcome matters more.
    """
    log = structlog.get_logger()
    warn = console.warn
    names = labels(runbook)
    recorders: list[PageRecorder] = []
    probes: list[ServerProbe] = []

    def blocked(request: BlockedRequest) -> None:
        log.warning("request_blocked", server=request.server, request=request.describe())

    try:
        for session in sessions.opened():
            if session.logins == 0:
                warn(
                    f"{session.name} is left out of the capture: the run never logged in there, "
                    "and the capture does not try again."
                )
                continue
            guard = RequestGuard(session.name, on_block=blocked).install(session.context)
            recorder = PageRecorder(session.page, names.get(session.name, session.name))
            try:
                probes.append(
                    probe_server(
                        session, runbook, observer=recorder, look_everywhere=True, fresh=True
                    )
                )
            finally:
                guard.remove()
            recorders.append(recorder)
        console.line(f"Capturing what the run met on each server into {path}")
        written = write(
            path,
            command="run",
            browser=browser,
            servers=[recorder.finish() for recorder in recorders],
            known=secrets_known(runbook, secrets, probes),
            run_steps=_run_steps(journal),
        )
    except Exception as exc:  # noqa: BLE001 - the run's outcome matters more than its capture
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        warn(f"The capture was not written: {secrets.redact(text)}")
        return None
    log.info("capture_written", file=str(path), servers=len(written.servers))
    console.line(describe(written, path))
    return written


def describe(capture: Capture, path: Path) -> str:
    """One line: where the capture is and what it holds."""
    placeholders = ", ".join(f"{count} {kind}" for kind, count in capture.placeholders.items())
    return (
        f"Capture: {path} ({len(capture.servers)} servers; placeholders: "
        f"{placeholders or 'none needed'}). Read it before you send it."
    )
