"""The commands a stopped run prints (``dnn_runbook.runner.advice``)."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from dnn_runbook.evidence.journal import Journal, StepStatus
from dnn_runbook.runner.advice import (
    REHEARSAL_STOPPED,
    command_line,
    next_commands,
    past_return,
)
from dnn_runbook.runner.options import RunOptions
from tests.support import seed_runbook


def _journal(tmp_path: Path, **statuses: StepStatus) -> Journal:
    runbook = seed_runbook()
    journal = Journal.create(
        tmp_path,
        run_id="r",
        runbook_name=runbook.name,
        runbook_sha256=runbook.sha256,
        runbook_path=str(runbook.source),
        steps=[(s.index, s.id, s.action.value) for s in runbook.steps],
    )
    for step_id, status in statuses.items():
        journal.record(step_id.replace("_", "-")).status = status
    return journal


class TestCommandLine:
    def test_a_path_with_a_space_reads_back_the_same_on_posix(self) -> None:
        """POSIX quoting: the shell splits the line back into the same arguments."""
        words = ["dnn-runbook", "run", "/srv/my runbooks/runbook.yaml", "--resume", "/x/it's"]
        assert shlex.split(command_line(words)) == words

    def test_windows_quoting_is_cmd_exe_s(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """On Windows a path with a space is put in double quotes, as cmd.exe wants."""
        words = ["dnn-runbook", "rollback", r"C:\Evidence\run 1", "--env-file", r"C:\p.env"]
        monkeypatch.setattr(os, "name", "nt")
        line = command_line(words)
        monkeypatch.undo()
        assert line == subprocess.list2cmdline(words)
        assert '"C:\\Evidence\\run 1"' in line


class TestNextCommands:
    def test_before_any_activation_only_the_resume(self, tmp_path: Path) -> None:
        """Preflight refused: nothing was added, so nothing to back out."""
        journal = _journal(tmp_path, preflight=StepStatus.REFUSED)
        after = next_commands(seed_runbook(), journal, tmp_path, RunOptions())
        assert after.rollback is None
        assert after.resume.endswith(f"--resume {tmp_path}")

    def test_after_the_development_activation_both(self, tmp_path: Path) -> None:
        """A 'no' at the DNS prompt: resume, or roll back, both with the env file."""
        journal = _journal(
            tmp_path,
            preflight=StepStatus.DONE,
            add_dev_on_new=StepStatus.DONE,
            dns_cutover=StepStatus.DECLINED,
        )
        env = tmp_path / "prod.env"
        after = next_commands(seed_runbook(), journal, tmp_path, RunOptions(env_file=env))
        assert after.rollback == f"dnn-runbook rollback {tmp_path} --env-file {env}"
        assert f"--env-file {env} --resume {tmp_path}" in after.resume

    def test_after_the_old_production_went_only_forward(self, tmp_path: Path) -> None:
        """remove-prod-on-old finished: past the point of no return, no rollback offered."""
        journal = _journal(
            tmp_path,
            add_dev_on_new=StepStatus.DONE,
            remove_prod_on_old=StepStatus.DONE,
            add_prod_on_new=StepStatus.FAILED,
        )
        assert past_return(seed_runbook(), journal) == "remove-prod-on-old"
        assert next_commands(seed_runbook(), journal, tmp_path, RunOptions()).rollback is None

    def test_a_rehearsal_offers_neither_command(self, tmp_path: Path) -> None:
        """A rehearsal's sandbox stops with it: a resume or rollback command would find no
        server, so the stop says to rehearse again instead."""
        journal = _journal(
            tmp_path,
            preflight=StepStatus.DONE,
            add_dev_on_new=StepStatus.DONE,
            dns_cutover=StepStatus.DECLINED,
        )
        after = next_commands(seed_runbook(), journal, tmp_path, RunOptions(rehearsal=True))
        assert after.lines() == [REHEARSAL_STOPPED]
        assert "rehearse again" in REHEARSAL_STOPPED

    def test_after_a_lost_activation_the_resume_names_the_support_case(
        self, tmp_path: Path
    ) -> None:
        """The removal lost its activation: the resume needs --support-case, and no rollback is
        offered (the old server no longer holds the license a rollback would leave there)."""
        journal = _journal(
            tmp_path,
            add_dev_on_new=StepStatus.DONE,
            remove_prod_on_old=StepStatus.FAILED,
        )
        journal.record("remove-prod-on-old").activation_lost = "2026-12-01T07:00:00Z"
        after = next_commands(seed_runbook(), journal, tmp_path, RunOptions())
        assert after.resume.endswith(f"--resume {tmp_path} --support-case CASE-ID")
        assert after.rollback is None
        assert "replace CASE-ID with the support case's ID" in after.lines()[0]
        journal.record("remove-prod-on-old").support_case = "CS-1"
        after = next_commands(seed_runbook(), journal, tmp_path, RunOptions())
        assert "--support-case" not in after.resume
