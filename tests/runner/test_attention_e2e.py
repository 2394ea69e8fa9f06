"""The bell and --notify-command through the whole runner: real Chromium against the sandbox,
the seed runbook waiting at its DNS prompt, and a real notify program that records its
arguments in a file."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.runner import attention
from dnn_runbook.sandbox import Sandbox
from tests.support import (
    RUN_DEFAULTS,
    SEED_RUNBOOK,
    holdings,
    in_worker_thread,
    only_run_dir,
    run_exit_code,
)

pytestmark = pytest.mark.e2e

NOTIFY = """\
import json, os, sys, time
record, said = sys.argv[1], sys.argv[2:]
with open(record, "a", encoding="utf-8") as out:
    out.write(json.dumps({"argv": said, "pid": os.getpid()}) + "\\n")
if said[0] == "waiting" and os.environ.get("NOTIFY_HANG") == "1":
    time.sleep(60)
if said[0] == "ended" and os.environ.get("NOTIFY_FAIL") == "1":
    sys.exit(3)
"""


class Terminal(io.StringIO):
    """Standard error as a terminal: the bell is rung only there."""

    def isatty(self) -> bool:
        return True


def notify_program(tmp_path: Path) -> tuple[tuple[str, ...], Path]:
    script = tmp_path / "notify.py"
    script.write_text(NOTIFY)
    record = tmp_path / "notified.jsonl"
    return (sys.executable, str(script), str(record)), record


def calls(record: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in record.read_text().splitlines()]


def run_at_the_prompt(env_file: Path, evidence_dir: Path, **options: Any) -> int:
    """The seed runbook, the operator answering yes at the DNS prompt."""
    options = {**RUN_DEFAULTS, "evidence_dir": evidence_dir, "assume_yes": False, **options}
    return in_worker_thread(run_exit_code, SEED_RUNBOOK, env_file=env_file, **options)


class TestAttention:
    def test_bell_and_notify_command_when_waiting_and_at_the_end(
        self,
        sandbox: Sandbox,
        env_file: Path,
        evidence_dir: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """The program is run as 'waiting dns-cutover' at the prompt and 'ended 0 REPORT' at the
        end; the bell rings both times; the evidence names the program, not its arguments."""
        command, record = notify_program(tmp_path)
        terminal = Terminal()
        monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
        monkeypatch.setattr("sys.stderr", terminal)
        code = run_at_the_prompt(env_file, evidence_dir, notify_command=command)
        assert code == 0
        run_dir = only_run_dir(evidence_dir)
        assert [c["argv"] for c in calls(record)] == [
            ["waiting", "dns-cutover"],
            ["ended", "0", str(run_dir / "report.html")],
        ]
        assert (run_dir / "report.html").is_file()
        assert terminal.getvalue().count("\a") == 2
        events = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
        notified = [e for e in events if e["event"] == "operator_notified"]
        assert [(e["what"], e["program"]) for e in notified] == [
            ("waiting", Path(sys.executable).name)
        ]
        assert str(record) not in (run_dir / "events.jsonl").read_text()

    def test_no_bell_off_a_terminal_nor_with_no_bell(
        self,
        sandbox: Sandbox,
        env_file: Path,
        evidence_dir: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """--no-bell on a terminal rings nothing; the run waits at the prompt all the same."""
        terminal = Terminal()
        monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
        monkeypatch.setattr("sys.stderr", terminal)
        assert run_at_the_prompt(env_file, evidence_dir, bell=False) == 3
        assert terminal.getvalue() == ""

    @pytest.mark.skipif(os.name != "posix", reason="checks the killed process with signal 0")
    def test_a_hanging_then_failing_command_neither_stops_nor_hangs_the_run(
        self,
        sandbox: Sandbox,
        env_file: Path,
        evidence_dir: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The 'waiting' call never returns: it is killed after the timeout; the 'ended' call
        exits 3: a warning. The license still moves and the run exits 0."""
        command, record = notify_program(tmp_path)
        monkeypatch.setattr(attention, "NOTIFY_TIMEOUT_S", 1.0)
        monkeypatch.setenv("NOTIFY_HANG", "1")
        monkeypatch.setenv("NOTIFY_FAIL", "1")
        monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
        code = run_at_the_prompt(env_file, evidence_dir, notify_command=command)
        assert code == 0
        assert [t for t, _ in holdings(sandbox.state())["new"]] == ["Production"]
        waiting, ended = calls(record)
        assert waiting["argv"] == ["waiting", "dns-cutover"]
        assert ended["argv"][:2] == ["ended", "0"]
        with pytest.raises(ProcessLookupError):
            os.kill(waiting["pid"], 0)
        out = capsys.readouterr().out
        assert (
            "the notify command was run for the end of the run, but it ended with exit code 3"
            in out
        )


_KEY_PROMPT = """\
version: 1
name: key-prompt
servers:
  new: {url: "${DNN_NEW_URL}", username: "${DNN_NEW_USERNAME}", password: "${DNN_NEW_PASSWORD}"}
license: {email: "${DNN_LICENSE_EMAIL}", invoice: "${DNN_LICENSE_INVOICE}"}
steps:
  - id: add-dev-on-new
    action: add_license
    server: new
    type: Development
    activation: manual
"""


class TestAtTheKeyPrompt:
    def test_waiting_for_a_pasted_activation_key_notifies_too(
        self,
        sandbox: Sandbox,
        env_file: Path,
        evidence_dir: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Manual activation with no key file waits at a prompt, --yes or not: the program is
        run as 'waiting add-dev-on-new' before the key is asked for."""
        from dnn_runbook.app.rehearse import key_provider
        from dnn_runbook.runbook import AddLicenseStep, load

        command, record = notify_program(tmp_path)
        runbook = tmp_path / "runbook.yaml"
        runbook.write_text(_KEY_PROMPT)
        step = load(runbook, env_file=env_file).steps[0]
        assert isinstance(step, AddLicenseStep)
        issue = key_provider(sandbox)

        class Paste:
            def readline(self) -> str:
                return issue(sandbox.new.server_id, step) + "\n"

            def isatty(self) -> bool:
                return False

        monkeypatch.setattr("sys.stdin", Paste())
        options = {**RUN_DEFAULTS, "evidence_dir": evidence_dir, "assume_yes": True}
        code = in_worker_thread(
            run_exit_code, runbook, env_file=env_file, notify_command=command, **options
        )
        assert code == 0
        assert [t for t, _ in holdings(sandbox.state())["new"]] == ["Development"]
        said = [c["argv"][:2] for c in calls(record)]
        assert said == [["waiting", "add-dev-on-new"], ["ended", "0"]]


class TestCommandLine:
    def test_a_program_that_does_not_exist_is_exit_2_before_anything_starts(
        self, tmp_path: Path
    ) -> None:
        evidence = tmp_path / "evidence"
        result = CliRunner().invoke(
            app,
            [
                "run",
                str(SEED_RUNBOOK),
                "--evidence-dir",
                str(evidence),
                "--notify-command",
                "no-such-notifier-3141 --to ops",
            ],
            terminal_width=200,
        )
        assert result.exit_code == 2
        assert "the program 'no-such-notifier-3141' was not found" in result.output
        assert not evidence.exists()

    def test_an_unclosed_quote_is_exit_2(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(
            app,
            ["run", str(SEED_RUNBOOK), "--notify-command", "notify 'ops"],
            terminal_width=200,
        )
        assert result.exit_code == 2
        assert "cannot be split into words" in result.output
