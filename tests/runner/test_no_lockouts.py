"""No lockouts: a refused login is tried once per server per run, and each way a server can be
unusable (bad credentials, not a host, DNS, a refused connection) stops the run at once with
its own sentence and advice, exit 4, through the whole runner against the sandbox."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.sandbox import Sandbox
from tests.support import (
    RUN_DEFAULTS,
    SEED_RUNBOOK,
    in_worker_thread,
    journal,
    only_run_dir,
    run_exit_code,
)

pytestmark = pytest.mark.e2e

GENERIC_ADVICE = "Bring the servers to the state the runbook expects"


def logins(sandbox: Sandbox, kind: str) -> dict[str, int]:
    """How many ``login`` or ``login_failed`` events each server recorded."""
    counts: dict[str, int] = {}
    for event in sandbox.state()["history"]:
        if event["kind"] == kind:
            counts[event["server"]] = counts.get(event["server"], 0) + 1
    return counts


def run(
    evidence_dir: Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str], **extra: Any
) -> tuple[int, str]:
    options = {**RUN_DEFAULTS, "assume_yes": True, "evidence_dir": evidence_dir, **extra}
    code = in_worker_thread(run_exit_code, SEED_RUNBOOK, environ=environ, **options)
    printed = capsys.readouterr()
    return code, printed.out + printed.err


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class TestWrongPassword:
    def test_is_tried_once_per_server_per_run_also_across_a_resume(
        self, sandbox: Sandbox, evidence_dir: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A wrong password on old: the sandbox records exactly one failed login there (it
        was four before: the read was retried with backoff), new is logged in to once, the
        run exits 4 naming the server and the account with its own advice, and the password
        is nowhere in what was printed. A resume tries once more, not four times."""
        wrong = "not-the-password-1234"
        environ = {**sandbox.env(), "DNN_OLD_PASSWORD": wrong}
        code, printed = run(evidence_dir, environ, capsys)
        assert code == 4
        assert logins(sandbox, "login_failed") == {"old": 1}
        assert logins(sandbox, "login") == {"new": 1}
        assert "old: The login refused the account 'host'" in printed
        assert "DNN locks an account after a few failed logins" in printed
        assert GENERIC_ADVICE not in printed
        assert wrong not in printed
        run_dir = only_run_dir(evidence_dir)
        assert wrong not in (run_dir / "events.jsonl").read_text()
        assert journal(run_dir)["status"] == "refused"

        code, _ = run(evidence_dir, environ, capsys, resume=run_dir)
        assert code == 4
        assert logins(sandbox, "login_failed") == {"old": 2}

    def test_on_both_servers_each_is_tried_once(
        self, sandbox: Sandbox, evidence_dir: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Both passwords wrong: one failed login on each, both named in one refusal."""
        environ = {
            **sandbox.env(),
            "DNN_OLD_PASSWORD": "wrong-old-pw",
            "DNN_NEW_PASSWORD": "wrong-new-pw",
        }
        code, printed = run(evidence_dir, environ, capsys)
        assert code == 4
        assert logins(sandbox, "login_failed") == {"old": 1, "new": 1}
        assert "old: The login refused the account 'host'" in printed
        assert "new: The login refused the account 'host'" in printed


class TestEachCauseHasItsOwnMessage:
    def test_an_account_that_is_not_a_host(
        self, sandbox: Sandbox, evidence_dir: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The sandbox's administrator (not a superuser) logs in once, then the run stops:
        exit 4, 'not a superuser', the advice to use a host account."""
        environ = {
            **sandbox.env(),
            "DNN_NEW_USERNAME": sandbox.new.admin_username,
            "DNN_NEW_PASSWORD": sandbox.new.admin_password,
        }
        code, printed = run(evidence_dir, environ, capsys)
        assert code == 4
        assert "new: The account 'admin' logged in but is not a superuser (host)" in printed
        assert "Log in with a superuser (host) account" in printed
        assert GENERIC_ADVICE not in printed
        assert logins(sandbox, "login") == {"old": 1, "new": 1}
        assert sandbox.new.admin_password not in printed

    def test_a_host_name_that_does_not_resolve(
        self, sandbox: Sandbox, evidence_dir: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An address under .invalid (RFC 6761: never resolves): exit 4, 'does not resolve',
        the advice to check the address; never retried."""
        environ = {**sandbox.env(), "DNN_OLD_URL": "http://old-web01.dnn-runbook.invalid"}
        code, printed = run(evidence_dir, environ, capsys)
        assert code == 4
        assert (
            "old: The host name of http://old-web01.dnn-runbook.invalid does not resolve "
            "(net::ERR_NAME_NOT_RESOLVED)." in printed
        )
        assert "its host name does not resolve from this machine" in printed
        assert GENERIC_ADVICE not in printed
        events = (only_run_dir(evidence_dir) / "events.jsonl").read_text()
        assert '"read_retry"' not in events
        assert '"kind": "dns"' in events

    def test_a_refused_connection(
        self, sandbox: Sandbox, evidence_dir: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A port nothing listens on: exit 4, 'Nothing accepts connections', the advice to
        check the address, port, firewall; never retried."""
        url = f"http://127.0.0.1:{closed_port()}"
        environ = {**sandbox.env(), "DNN_NEW_URL": url}
        code, printed = run(evidence_dir, environ, capsys)
        assert code == 4
        assert f"new: Nothing accepts connections at {url} (net::ERR_CONNECTION_REFUSED)." in (
            printed
        )
        assert "Check the address and port" in printed
        assert GENERIC_ADVICE not in printed
        events = (only_run_dir(evidence_dir) / "events.jsonl").read_text()
        assert '"read_retry"' not in events
