"""A run directory's life, exactly: what a new run holds, the exact refusals of a resume, and
what a resume records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence.binding import new_key
from dnn_runbook.evidence.journal import RunStatus, StepStatus
from dnn_runbook.evidence.lock import RunLock
from dnn_runbook.evidence.runs import RunFiles, resume_run, start_run
from dnn_runbook.exceptions import ManifestError, OperatorDeclinedError, RunDirError

NOW = datetime(2026, 11, 29, 21, 24, 6, 120_000, tzinfo=UTC)
STAMP = "2026-11-29T21:24:06.120Z"
STEPS = [(1, "preflight", "preflight"), (2, "dns", "confirm")]
KEY = new_key()
SHA = "a" * 64


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's times (directory name, resumes, amendments, journal saves) are ``NOW``."""
    monkeypatch.setattr("dnn_runbook.evidence.runs.utc_now", lambda: NOW)
    monkeypatch.setattr("dnn_runbook.evidence.journal.utc_now", lambda: NOW)


def binding(key: str | None = KEY, **changes: Any) -> dict[str, Any]:
    """A binding as ``evidence.binding.bind`` makes one (without a key when ``key`` is None)."""
    made: dict[str, Any] = {
        "tool": {"name": "dnn-runbook", "version": "0.1.0"},
        "runbook": {"name": "rb", "sha256": SHA},
        "servers": {"old": {"url": "http://old", "username": "host"}},
        "license": {"invoice": "1" * 64, "email": "2" * 64},
        "steps": [{"id": "preflight", "action": "preflight"}, {"id": "dns", "action": "confirm"}],
    }
    if key is not None:
        made["key"] = key
    made.update(changes)
    return made


def how(preflight: int, dns: int) -> list[dict[str, Any]]:
    """The steps of a binding with how each is done."""
    return [
        {"id": "preflight", "action": "preflight", "how": {"x": preflight}},
        {"id": "dns", "action": "confirm", "how": {"x": dns}},
    ]


def start(tmp_path: Path, made: dict[str, Any] | None = None) -> RunFiles:
    files = start_run(
        tmp_path / "evidence", binding=made or binding(), runbook_path="rb.yaml", steps=STEPS
    )
    files.close()
    return files


def refusal(run_dir: Path, now: dict[str, Any], accept: Any = None) -> str:
    with pytest.raises(RunDirError) as caught:
        resume_run(run_dir, rebind=lambda _key: now, accept=accept)
    return str(caught.value)


class TestStart:
    def test_a_new_run_records_the_runbook_and_holds_its_lock(self, tmp_path: Path) -> None:
        """Named after the runbook and the time; the journal names the runbook as the manifest
        does; the directory is locked until the run lets it go."""
        files = start_run(
            tmp_path / "evidence", binding=binding(), runbook_path="rb.yaml", steps=STEPS
        )
        try:
            assert files.run_dir == tmp_path / "evidence" / "20261129T212406Z-rb"
            journal = files.journal
            assert journal.run_id == files.manifest.run_id == "20261129T212406Z-rb"
            assert (journal.runbook_name, journal.runbook_sha256) == ("rb", SHA)
            assert journal.runbook_path == "rb.yaml"
            assert [(s.index, s.id, s.action) for s in journal.steps] == STEPS
            assert journal.binding == files.manifest.binding
            assert files.lock is not None
            with pytest.raises(RunDirError, match="is in use by"):
                RunLock.acquire(files.run_dir)
        finally:
            files.close()
        RunLock.acquire(files.run_dir).release()

    def test_a_binding_without_a_runbook_is_refused(self, tmp_path: Path) -> None:
        """No ``runbook`` object: refused before any directory is made."""
        with pytest.raises(RunDirError) as caught:
            start_run(tmp_path, binding={"runbook": "rb"}, runbook_path="rb.yaml", steps=STEPS)
        assert str(caught.value) == ("A run's binding must name its runbook (binding['runbook']).")
        assert list(tmp_path.iterdir()) == []

    def test_a_runbook_without_a_name_fails_and_lets_the_directory_go(self, tmp_path: Path) -> None:
        """The directory gets the stand-in name; the manifest refuses the binding, and the lock
        is released."""
        with pytest.raises(ManifestError, match="must name the runbook"):
            start_run(tmp_path, binding={"runbook": {"sha256": SHA}}, runbook_path="r", steps=STEPS)
        [run_dir] = tmp_path.iterdir()
        assert run_dir.name == "20261129T212406Z-runbook"
        RunLock.acquire(run_dir).release()

    def test_the_journal_is_chained_with_the_running_step(self, tmp_path: Path) -> None:
        """Each save of the journal is a manifest entry naming the step in progress."""
        files = start(tmp_path)
        files.journal.steps[1].status = StepStatus.RUNNING
        files.journal.save()
        latest = files.manifest.latest("state.json")
        assert latest is not None
        assert latest.step_id == "dns"
        files.journal.steps[1].status = StepStatus.DONE
        files.journal.save()
        latest = files.manifest.latest("state.json")
        assert latest is not None
        assert latest.step_id is None


class TestResumeRefusals:
    def test_a_manifest_without_a_key_is_refused(self, tmp_path: Path) -> None:
        """Nothing to compare with: start a new run."""
        run_dir = start(tmp_path, binding(key=None)).run_dir
        assert refusal(run_dir, binding()) == (
            f"The manifest of {run_dir} records no binding key, so what the run resolved cannot "
            "be compared with what the runbook resolves to now; start a new run."
        )

    def test_rebind_gets_the_recorded_key(self, tmp_path: Path) -> None:
        """What the runbook resolves to now is computed with the run's own key."""
        run_dir = start(tmp_path).run_dir
        keys: list[str] = []

        def rebind(key: str) -> dict[str, Any]:
            keys.append(key)
            return binding()

        resume_run(run_dir, rebind=rebind).close()
        assert keys == [KEY]

    def test_a_changed_binding_names_every_change(self, tmp_path: Path) -> None:
        """Every change, joined by '; ', and what to resume with."""
        run_dir = start(tmp_path).run_dir
        now = binding(servers={"old": {"url": "http://new", "username": "admin"}})
        assert refusal(run_dir, now) == (
            f"The run in {run_dir} is not resumed: what its runbook resolves to now is not what "
            "the run acted on, and a resume may change only how an unfinished step is done. "
            "Changed: servers.old.url was 'http://old', now 'http://new'; servers.old.username "
            "was 'host', now 'admin'. Resume with the runbook, env file and environment the run "
            "started with, or start a new run."
        )

    def test_a_journal_bound_otherwise_than_its_manifest_is_refused(self, tmp_path: Path) -> None:
        """A journal (chained, so it verifies) whose binding is not the manifest's."""
        files = start(tmp_path)
        files.journal.binding = {"other": True}
        files.journal.save()
        assert refusal(files.run_dir, binding()) == (
            f"The journal of {files.run_dir} records another binding than its manifest's "
            "header: one of them was rewritten; start a new run."
        )

    def test_a_change_of_how_without_accept_says_how_to_accept_it(self, tmp_path: Path) -> None:
        """Unfinished, but nobody to ask: refused, saying to accept it with 'dnn-runbook run'."""
        run_dir = start(tmp_path, binding(steps=how(0, 0))).run_dir
        assert refusal(run_dir, binding(steps=how(0, 1))) == (
            f"The run in {run_dir} is not resumed: its runbook changed since. Changed: steps "
            "'dns'.x was 0, now 1. Resume with the runbook the run started with, or accept the "
            "change when resuming with 'dnn-runbook run'."
        )

    def test_a_change_of_how_a_finished_step_was_done_is_refused(self, tmp_path: Path) -> None:
        """Finished steps cannot change however the resume would accept: each change named,
        joined by '; ', and no offer to accept."""
        files = start(tmp_path, binding(steps=how(0, 0)))
        for step in files.journal.steps:
            step.status = StepStatus.DONE
        files.journal.save()
        message = refusal(
            files.run_dir, binding(steps=how(1, 1)), accept=lambda _c: pytest.fail("asked")
        )
        assert message == (
            f"The run in {files.run_dir} is not resumed: its runbook changed since. Changed: "
            "steps 'preflight'.x was 0, now 1 (the step has finished: how it was done is "
            "recorded); steps 'dns'.x was 0, now 1 (the step has finished: how it was done is "
            "recorded). Resume with the runbook the run started with."
        )

    def test_declined_changes_say_what_to_do(self, tmp_path: Path) -> None:
        """Not accepted: nothing was done; resume as started or accept."""
        run_dir = start(tmp_path, binding(steps=how(0, 0))).run_dir
        with pytest.raises(OperatorDeclinedError) as caught:
            resume_run(run_dir, rebind=lambda _k: binding(steps=how(0, 1)), accept=lambda _c: None)
        assert str(caught.value) == (
            f"the changes to the runbook were not accepted, so the run in {run_dir} was not "
            "resumed and nothing was done. Resume with the runbook the run started with, or "
            "accept the changes."
        )


class TestResumeRecords:
    def test_an_accepted_change_is_recorded_with_its_time(self, tmp_path: Path) -> None:
        """When, what, who and the binding it was accepted against."""
        run_dir = start(tmp_path, binding(steps=how(0, 0))).run_dir
        now = binding(steps=how(0, 1))
        files = resume_run(run_dir, rebind=lambda _k: now, accept=lambda _c: "--yes")
        files.close()
        assert files.run_dir == run_dir
        assert files.amended == ("steps 'dns'.x was 0, now 1",)
        assert files.journal.amendments == [
            {
                "at": STAMP,
                "changes": ["steps 'dns'.x was 0, now 1"],
                "confirmed_by": "--yes",
                "binding": now,
            }
        ]

    def test_a_resume_is_stamped_and_reopens_the_run(self, tmp_path: Path) -> None:
        """The resume's time is added; the run is running and not finished again; unfinished
        steps are pending, an interrupted one with a note after its message."""
        files = start(tmp_path)
        files.journal.steps[0].status = StepStatus.RUNNING
        files.journal.steps[1].status = StepStatus.INTERRUPTED
        files.journal.steps[1].message = "Stopped by Ctrl-C."
        files.journal.status = RunStatus.INTERRUPTED
        files.journal.finished = "2026-11-29T21:30:00.000Z"
        files.journal.save()
        again = resume_run(files.run_dir, rebind=lambda _k: binding())
        again.close()
        journal = again.journal
        assert journal.resumed == [STAMP]
        assert journal.status is RunStatus.RUNNING
        assert journal.finished is None
        assert [(s.status, s.message) for s in journal.steps] == [
            (StepStatus.PENDING, "Interrupted; run again on resume."),
            (StepStatus.PENDING, "Stopped by Ctrl-C. Interrupted; run again on resume."),
        ]

    def test_a_failed_step_is_pending_again_without_a_note(self, tmp_path: Path) -> None:
        """Only a step a kill or Ctrl-C left unfinished gets the note; a done step stays done."""
        files = start(tmp_path)
        files.journal.steps[0].status = StepStatus.DONE
        files.journal.steps[1].status = StepStatus.FAILED
        files.journal.steps[1].message = "it broke"
        files.journal.save()
        again = resume_run(files.run_dir, rebind=lambda _k: binding())
        again.close()
        assert [(s.status, s.message) for s in again.journal.steps] == [
            (StepStatus.DONE, None),
            (StepStatus.PENDING, "it broke"),
        ]
