"""state.json: created, saved atomically, loaded back, and refused when it is not a journal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dnn_runbook.evidence.journal import Journal, RunStatus, StepStatus
from dnn_runbook.exceptions import RunDirError


def make(tmp_path: Path) -> Journal:
    return Journal.create(
        tmp_path,
        run_id="20261129T000000Z-test",
        runbook_name="test",
        runbook_sha256="ab" * 32,
        runbook_path="/x/runbook.yaml",
        steps=[(1, "preflight", "preflight"), (2, "add-dev", "add_license")],
    )


class TestJournal:
    def test_round_trip(self, tmp_path: Path) -> None:
        """What is saved is what is loaded, statuses and facts included."""
        journal = make(tmp_path)
        journal.steps[0].status = StepStatus.DONE
        journal.steps[0].screenshots.append("01-preflight-old.png")
        journal.development_activated = "2026-11-29T00:00:01.000Z"
        journal.status = RunStatus.FAILED
        journal.save()
        loaded = Journal.load(tmp_path)
        assert loaded.steps[0].status is StepStatus.DONE
        assert loaded.steps[0].screenshots == ["01-preflight-old.png"]
        assert loaded.development_activated == "2026-11-29T00:00:01.000Z"
        assert loaded.status is RunStatus.FAILED
        assert loaded.first_unfinished() is not None
        assert loaded.first_unfinished().id == "add-dev"  # type: ignore[union-attr]

    def test_file_is_owner_only_and_whole_json(self, tmp_path: Path) -> None:
        """The journal is private and parses as one JSON document."""
        make(tmp_path)
        path = tmp_path / "state.json"
        assert path.stat().st_mode & 0o777 == 0o600
        assert json.loads(path.read_text())["format"] == "dnn-runbook-state/2"

    def test_missing_journal_says_what_to_pass(self, tmp_path: Path) -> None:
        """--resume on a folder that is not a run directory says so."""
        with pytest.raises(RunDirError, match="not the run directory"):
            Journal.load(tmp_path)

    def test_foreign_json_is_refused(self, tmp_path: Path) -> None:
        """A state.json of another format is not taken for a journal."""
        (tmp_path / "state.json").write_text('{"format": "other"}')
        with pytest.raises(RunDirError, match="must have format"):
            Journal.load(tmp_path)

    def test_finished_statuses(self) -> None:
        """Only done and already-done steps are skipped on resume."""
        assert {s for s in StepStatus if s.finished} == {StepStatus.DONE, StepStatus.ALREADY_DONE}
