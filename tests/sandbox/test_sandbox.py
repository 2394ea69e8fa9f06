"""Starting and stopping the sandbox, and its Python API."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

import httpx
import pytest

from dnn_runbook.exceptions import FaultSpecError, SandboxError
from dnn_runbook.sandbox import Sandbox

Factory = Callable[..., Sandbox]

ENV_KEYS = [
    "DNN_OLD_URL",
    "DNN_NEW_URL",
    "DNN_OLD_USERNAME",
    "DNN_OLD_PASSWORD",
    "DNN_NEW_USERNAME",
    "DNN_NEW_PASSWORD",
    "DNN_LICENSE_EMAIL",
    "DNN_LICENSE_INVOICE",
    "DNN_LICENSING_URL",
    "DNN_SITE_URL",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class TestStartStop:
    def test_three_services_answer_on_loopback(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """start() returns with all three services on 127.0.0.1 answering."""
        for url in (sandbox.old.url, sandbox.new.url, sandbox.licensing.url):
            assert url.startswith("http://127.0.0.1:")
        assert http.get(f"{sandbox.old.url}/Login").status_code == 200
        assert http.get(f"{sandbox.new.url}/Login").status_code == 200
        assert http.get(f"{sandbox.licensing.url}/api/status").json() == {"ok": True}
        assert sandbox.running

    def test_stop_frees_ports_and_threads(self) -> None:
        """After stop() no sandbox thread is left and the ports can be bound again."""
        before = set(threading.enumerate())
        sb = Sandbox.start()
        ports = [int(url.rsplit(":", 1)[1]) for url in (sb.old.url, sb.new.url, sb.licensing.url)]
        sb.stop()
        sb.stop()  # twice is harmless
        assert not sb.running
        assert set(threading.enumerate()) <= before
        for port in ports:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", port))

    def test_context_manager_stops(self) -> None:
        """Leaving a with-block stops the sandbox."""
        with Sandbox.start() as sb:
            assert sb.running
        assert not sb.running

    def test_starts_under_every_fault(self, sandbox_factory: Factory) -> None:
        """Faults that fail or slow the services do not stop the sandbox from starting."""
        sb = sandbox_factory(
            faults=["licensing-flaky=1", "licensing-down", "session-expiry=0", "old-unlicensed"]
        )
        assert sb.running
        assert sb.state()["servers"]["old"]["licenses"] == []

    def test_explicit_ports(self, sandbox_factory: Factory) -> None:
        """Ports given are the ports used."""
        ports = {"old": free_port(), "new": free_port(), "licensing": free_port()}
        sb = sandbox_factory(ports=ports)
        assert sb.old.url.endswith(f":{ports['old']}")
        assert sb.new.url.endswith(f":{ports['new']}")
        assert sb.licensing.url.endswith(f":{ports['licensing']}")

    def test_a_busy_port_is_a_clear_error(self, sandbox: Sandbox) -> None:
        """A port in use is reported with the option that changes it."""
        taken = int(sandbox.new.url.rsplit(":", 1)[1])
        with pytest.raises(SandboxError, match="--port-new"):
            Sandbox.start(ports={"new": taken})

    @pytest.mark.parametrize(
        ("kwargs", "error", "expected"),
        [
            ({"faults": ["licensing-sideways"]}, FaultSpecError, "licensing-sideways"),
            ({"evoq_version": "nine"}, SandboxError, "major.minor"),
            ({"seed_licenses": -1}, SandboxError, "between 0 and"),
            ({"ports": {"dns": 53}}, SandboxError, "'dns'"),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, object], error: type, expected: str) -> None:
        """Bad arguments fail before anything listens, naming what was wrong."""
        with pytest.raises(error, match=expected):
            Sandbox.start(**kwargs)  # type: ignore[arg-type]


class TestApi:
    def test_env_names_and_values(self, sandbox: Sandbox) -> None:
        """env() gives exactly the variables a runbook reads."""
        env = sandbox.env()
        assert list(env) == ENV_KEYS
        assert env["DNN_OLD_URL"] == sandbox.old.url
        assert env["DNN_NEW_PASSWORD"] == sandbox.new.password
        assert env["DNN_LICENSE_INVOICE"] == sandbox.license_invoice == "INV001-1"
        assert env["DNN_LICENSING_URL"] == sandbox.licensing.url

    def test_fresh_passwords_never_in_repr(self, sandbox_factory: Factory) -> None:
        """Each start makes new passwords; repr() of the sandbox and servers omits them."""
        first, second = sandbox_factory(), sandbox_factory()
        assert first.old.password != second.old.password
        assert first.old.password != first.new.password
        for text in (repr(first), repr(first.old), repr(first.new)):
            assert first.old.password not in text
            assert first.old.admin_password not in text
            assert first.new.password not in text

    def test_server_names(self, sandbox: Sandbox) -> None:
        """The Web Server column shows these names."""
        assert (sandbox.old.server_name, sandbox.new.server_name) == ("WEB-OLD", "WEB-NEW")
        assert sandbox.server("new") is sandbox.new
        with pytest.raises(SandboxError, match="'old' and 'new'"):
            sandbox.server("mid")

    def test_faults_set_and_cleared(self, sandbox: Sandbox) -> None:
        """set_faults replaces the set in force; clear_faults empties it; both are recorded."""
        sandbox.set_faults(["licensing-down:old", "pages-slow=0"])
        assert sandbox.state()["faults"] == ["licensing-down:old"]
        sandbox.set_faults(["licensing-slow=1"])
        assert sandbox.faults.specs() == ["licensing-slow=1"]
        sandbox.clear_faults()
        assert sandbox.state()["faults"] == []
        changes = [e for e in sandbox.state()["history"] if e["kind"] == "faults_changed"]
        assert [e["faults"] for e in changes] == [["licensing-down:old"], ["licensing-slow=1"], []]

    def test_start_only_fault_is_refused_at_run_time(self, sandbox: Sandbox) -> None:
        """old-unlicensed cannot be switched on later."""
        with pytest.raises(FaultSpecError, match="cannot be switched on at run time"):
            sandbox.set_faults(["old-unlicensed"])

    def test_seeded_licenses(self, sandbox_factory: Factory) -> None:
        """seed_licenses=200 puts 201 rows on the old server (the production one first)."""
        sb = sandbox_factory(seed_licenses=200)
        rows = sb.state()["servers"]["old"]["licenses"]
        assert len(rows) == 201
        assert rows[0]["invoice"] == sb.license_invoice
        assert {row["type"] for row in rows} == {
            "Production",
            "Development",
            "Staging",
            "Test",
            "Failover",
        }

    def test_reset(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """reset() (and POST /_sandbox/reset) restore the starting licenses and faults."""
        sandbox.set_faults(["licensing-down"])
        sandbox.reset()
        assert sandbox.state()["faults"] == []
        http.post(f"{sandbox.licensing.url}/_sandbox/reset").raise_for_status()
        assert len(sandbox.state()["servers"]["old"]["licenses"]) == 1
        assert sandbox.state()["history"][-1]["kind"] == "sandbox_reset"
