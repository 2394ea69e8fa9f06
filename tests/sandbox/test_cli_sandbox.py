"""``dnn-runbook sandbox``: the command that runs the sandbox until Ctrl-C."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.sandbox import Sandbox

SECRET_KEYS = ("DNN_OLD_PASSWORD", "DNN_NEW_PASSWORD", "DNN_LICENSE_EMAIL", "DNN_LICENSE_INVOICE")


def console_script() -> str:
    return str(Path(sys.executable).with_name("dnn-runbook"))


def run_until_ready(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """Start the command and read its output up to the "Ready." line."""
    proc = subprocess.Popen(
        [console_script(), "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    # A guard, not a wait: if the command hangs, kill it so the test fails instead of hanging.
    guard = threading.Timer(60, proc.kill)
    guard.start()
    lines: list[str] = []
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Ready."):
                break
    finally:
        guard.cancel()
    return proc, lines


def read_env(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines())


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT, as Ctrl-C does on POSIX")
class TestRunning:
    def test_env_file_urls_and_clean_stop(self, tmp_path: Path) -> None:
        """It writes the env file (0600), serves on its URLs, hides secrets, stops on Ctrl-C."""
        env_file = tmp_path / "sandbox.env"
        proc, lines = run_until_ready("--env-file", str(env_file), "--fault", "licensing-down:old")
        try:
            values = read_env(env_file)
            assert list(values) == [
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
            assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
            output = "\n".join(lines)
            for key in SECRET_KEYS:
                assert values[key] not in output
            assert values["DNN_OLD_URL"] in output
            assert "faults: licensing-down:old" in output
            with httpx.Client(trust_env=False) as http:
                state = http.get(f"{values['DNN_LICENSING_URL']}/_sandbox/state").json()
                assert state["faults"] == ["licensing-down:old"]
                assert http.get(f"{values['DNN_NEW_URL']}/Login").status_code == 200
        finally:
            proc.send_signal(signal.SIGINT)
            rest, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0
        assert "Sandbox stopped." in rest
        with pytest.raises(httpx.ConnectError), httpx.Client(trust_env=False) as http:
            http.get(values["DNN_OLD_URL"])

    def test_sigterm_also_stops_cleanly(self) -> None:
        """SIGTERM (a service manager's stop) ends it the same way, exit 0."""
        proc, _ = run_until_ready()
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0
        assert "Sandbox stopped." in rest

    def test_show_secrets_prints_them(self) -> None:
        """--show-secrets prints the passwords, for someone clicking through by hand."""
        proc, lines = run_until_ready("--show-secrets")
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
        output = "\n".join(lines)
        assert "hidden" not in output
        assert "INV001-1" in output


class TestRefusals:
    def test_unknown_fault_exits_2(self) -> None:
        """An unknown --fault is a command-line error: exit 2, nothing started."""
        result = CliRunner().invoke(app, ["sandbox", "--fault", "dns-down"])
        assert result.exit_code == ExitCode.INVALID
        assert "'dns-down' is not one the sandbox knows" in result.output

    def test_busy_port_exits_1(self, sandbox: Sandbox) -> None:
        """A port in use ends the command with the option to change."""
        port = sandbox.old.url.rsplit(":", 1)[1]
        result = CliRunner().invoke(app, ["sandbox", "--port-old", port])
        assert result.exit_code == ExitCode.STEP_FAILED
        assert "--port-old" in result.output

    def test_help_lists_the_options(self) -> None:
        """--help shows every option of the command."""
        result = CliRunner().invoke(app, ["sandbox", "--help"], terminal_width=200)
        assert result.exit_code == 0
        for option in (
            "--port-old",
            "--port-new",
            "--port-licensing",
            "--fault",
            "--env-file",
            "--evoq-version",
            "--seed-licenses",
            "--show-secrets",
        ):
            assert option in result.output
