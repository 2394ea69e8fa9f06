"""A run whose browser cannot start leaves evidence that verifies; a browser path that is not
an executable file is a command-line error (exit 2) and makes no run directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.sandbox import Sandbox
from tests.support import (
    FAKE_ENV,
    RUN_DEFAULTS,
    SEED_RUNBOOK,
    in_worker_thread,
    journal,
    only_run_dir,
    run_exit_code,
)

pytestmark = pytest.mark.e2e


class TestBrowserThatDoesNotStart:
    def test_headed_without_a_display_leaves_a_run_directory_that_verifies(
        self,
        sandbox: Sandbox,
        env_file: Path,
        evidence_dir: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """--headed with no display: Chromium refuses to start; the run stops with exit 1,
        says so, and its run directory has a report and a ticket hash and verifies."""
        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        options = {**RUN_DEFAULTS, "headed": True, "evidence_dir": evidence_dir}
        code = in_worker_thread(run_exit_code, SEED_RUNBOOK, env_file=env_file, **options)
        assert code == 1
        printed = capsys.readouterr()
        assert "The browser did not start" in printed.out + printed.err
        run_dir = only_run_dir(evidence_dir)
        assert (run_dir / "report.html").is_file()
        assert (run_dir / "head.txt").is_file()
        assert verify_run_dir(run_dir).ok
        assert journal(run_dir)["status"] == "failed"
        assert all(step["status"] == "pending" for step in journal(run_dir)["steps"])
        assert not [e for e in sandbox.state()["history"] if e["kind"].startswith("login")]

    def test_a_failed_start_can_be_resumed(
        self,
        env_file: Path,
        evidence_dir: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """The stopped run is resumed with a browser that starts, and finishes."""
        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        options = {**RUN_DEFAULTS, "assume_yes": True, "evidence_dir": evidence_dir}
        headed = {**options, "headed": True}
        assert in_worker_thread(run_exit_code, SEED_RUNBOOK, env_file=env_file, **headed) == 1
        run_dir = only_run_dir(evidence_dir)
        resumed = {**options, "resume": run_dir}
        assert in_worker_thread(run_exit_code, SEED_RUNBOOK, env_file=env_file, **resumed) == 0
        assert verify_run_dir(run_dir).ok


class TestBrowserPathThatIsNoBrowser:
    @pytest.mark.parametrize("kind", ["missing", "not-executable"])
    def test_is_a_command_line_error_before_any_run_directory(
        self, kind: str, tmp_path: Path, evidence_dir: Path
    ) -> None:
        """`dnn-runbook run --browser-path X` with X missing or a plain file: exit 2, the
        message names the option and the path, and no run directory is made."""
        path = tmp_path / "chrome"
        if kind == "not-executable":
            path.write_text("not a browser\n")
            path.chmod(0o644)
        env = tmp_path / "fake.env"
        env.write_text("".join(f"{key}={value}\n" for key, value in FAKE_ENV.items()))
        env.chmod(0o600)
        for command in ("run", "check"):
            result = CliRunner().invoke(
                app,
                [
                    command,
                    str(SEED_RUNBOOK),
                    "--env-file",
                    str(env),
                    "--evidence-dir",
                    str(evidence_dir),
                    "--browser-path",
                    str(path),
                ],
                terminal_width=200,
                env={"DNN_RUNBOOK_BROWSER": ""},
            )
            assert result.exit_code == 2, (command, result.output)
            assert "--browser-path" in result.output
            assert "is not an executable file" in result.output
            assert not evidence_dir.exists()

    @pytest.mark.skipif(os.name != "posix", reason="the execute bit is POSIX's")
    def test_the_environment_variable_is_checked_the_same_way(self, tmp_path: Path) -> None:
        """DNN_RUNBOOK_BROWSER naming a plain file: the same exit 2, naming the variable."""
        from dnn_runbook.browser import named_browser_problem

        plain = tmp_path / "chrome"
        plain.write_text("")
        plain.chmod(0o644)
        problem = named_browser_problem(None, environ={"DNN_RUNBOOK_BROWSER": str(plain)})
        assert problem is not None
        assert "DNN_RUNBOOK_BROWSER" in problem
        plain.chmod(0o755)
        assert named_browser_problem(None, environ={"DNN_RUNBOOK_BROWSER": str(plain)}) is None
