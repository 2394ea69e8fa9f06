"""A resumed run verifies before it acts: only the provable traces of an interrupted process
are repaired, each recorded; anything else is refused (``dnn_runbook.evidence.recovery``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence import manifest as manifest_module
from dnn_runbook.evidence import recovery
from dnn_runbook.evidence.atomic import append_line
from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.evidence.runs import RunFiles, resume_run, start_run
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.exceptions import RunDirError
from tests.evidence.test_runs import STEPS, binding, rebind


@pytest.fixture
def run(tmp_path: Path) -> RunFiles:
    """A run stopped after its first step: a screenshot, events and the journal chained."""
    files = start_run(tmp_path, binding=binding(), runbook_path="rb.yaml", steps=STEPS)
    run_dir = files.run_dir
    files.journal.steps[0].status = StepStatus.RUNNING
    files.journal.save()
    files.manifest.write_file("01-preflight-old.png", b"\x89PNG old", "preflight")
    event = {"event": "step_finished", "run_id": run_dir.name, "step_id": "preflight"}
    append_line(run_dir / "events.jsonl", json.dumps(event))
    files.manifest.add("events.jsonl", "preflight")
    files.journal.steps[0].status = StepStatus.DONE
    files.journal.development_activated = "2026-11-29T21:24:13.000Z"
    files.journal.save()
    files.close()
    return files


def _resume(run_dir: Path) -> RunFiles:
    files = resume_run(run_dir, rebind=rebind())
    files.close()
    return files


def _cut_before_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next commit is killed after its entry is written, before its rename."""

    def killed(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("killed between the entry and the rename")

    monkeypatch.setattr(manifest_module, "install", killed)


def _edit_journal(run_dir: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    path = run_dir / "state.json"
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


class TestRepairs:
    def test_a_journal_chained_but_not_renamed_is_put_in_place(
        self, run: RunFiles, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Killed between the journal's entry and its rename: the temporary file holds exactly
        the chained bytes, so it is renamed into place, and the repair is said."""
        _cut_before_rename(monkeypatch)
        run.journal.steps[1].status = StepStatus.RUNNING
        with pytest.raises(RuntimeError, match="killed"):
            run.journal.save()
        monkeypatch.undo()
        repairs, problems = recovery.inspect(run.run_dir)
        assert problems == ()
        assert [(r.file, r.action) for r in repairs] == [("state.json", "installed")]
        resumed = _resume(run.run_dir)
        assert resumed.repairs == repairs
        # The chained journal said step 2 was running: it runs again.
        assert resumed.journal.steps[1].status is StepStatus.PENDING
        assert "run again on resume" in (resumed.journal.steps[1].message or "")
        assert verify_run_dir(run.run_dir).ok

    def test_a_screenshot_chained_but_not_renamed_is_put_in_place(
        self, run: RunFiles, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The same for a new file: it did not exist yet, its bytes are the entry's."""
        _cut_before_rename(monkeypatch)
        with pytest.raises(RuntimeError, match="killed"):
            run.manifest.write_file("02-dns-after.png", b"\x89PNG new", "dns")
        monkeypatch.undo()
        resumed = _resume(run.run_dir)
        assert [(r.file, r.action) for r in resumed.repairs] == [("02-dns-after.png", "installed")]
        assert (run.run_dir / "02-dns-after.png").read_bytes() == b"\x89PNG new"
        assert verify_run_dir(run.run_dir).ok

    def test_a_write_cut_before_its_entry_is_removed(self, run: RunFiles) -> None:
        """A temporary file the chain never heard of was never evidence: removed, and said."""
        (run.run_dir / ".02-dns-after.png.k2j4h1.tmp").write_bytes(b"\x89PNG half")
        resumed = _resume(run.run_dir)
        assert [(r.file, r.action) for r in resumed.repairs] == [
            (".02-dns-after.png.k2j4h1.tmp", "removed")
        ]
        assert not (run.run_dir / ".02-dns-after.png.k2j4h1.tmp").exists()
        assert verify_run_dir(run.run_dir).ok

    def test_events_appended_after_the_last_entry_are_chained(self, run: RunFiles) -> None:
        """The interrupted process's last events (the last line cut short) are chained."""
        event = {"event": "step_started", "run_id": run.run_dir.name, "step_id": "dns"}
        append_line(run.run_dir / "events.jsonl", json.dumps(event))
        with (run.run_dir / "events.jsonl").open("a") as stream:
            stream.write('{"event": "scree')  # the kill
        resumed = _resume(run.run_dir)
        assert [(r.file, r.action) for r in resumed.repairs] == [("events.jsonl", "chained")]
        assert verify_run_dir(run.run_dir).ok


class TestRefusals:
    """Each attack of issue 13 on a stopped run: the resume refuses it (exit 2 in the CLI)
    and leaves the directory as it found it, so verify still sees the tampering."""

    @pytest.mark.parametrize(
        ("attack", "edit"),
        [
            (
                "steps marked done",
                lambda j: [s.update(status="done") for s in j["steps"]],
            ),
            ("runbook hash pointed elsewhere", lambda j: j["runbook"].update(sha256="b" * 64)),
            ("development window erased", lambda j: j.update(development_activated=None)),
        ],
    )
    def test_an_edited_journal(
        self, run: RunFiles, attack: str, edit: Callable[[dict[str, Any]], None]
    ) -> None:
        """An edited state.json is not what the chain vouches for: refused."""
        _edit_journal(run.run_dir, edit)
        with pytest.raises(RunDirError, match=r"does not verify.*state\.json was altered"):
            _resume(run.run_dir)
        assert not verify_run_dir(run.run_dir).ok, attack

    def test_an_edited_event(self, run: RunFiles) -> None:
        """An event changed before the end of events.jsonl: refused."""
        path = run.run_dir / "events.jsonl"
        path.write_text(path.read_text().replace("step_finished", "step_finishe_"))
        with pytest.raises(RunDirError, match=r"events\.jsonl was altered before its end"):
            _resume(run.run_dir)

    def test_events_of_another_run_appended(self, run: RunFiles) -> None:
        """Lines appended that are not this run's events: refused."""
        append_line(run.run_dir / "events.jsonl", json.dumps({"event": "x", "run_id": "other"}))
        with pytest.raises(RunDirError, match="is not an event of run"):
            _resume(run.run_dir)

    def test_a_planted_screenshot(self, run: RunFiles) -> None:
        """A file the run never wrote: refused, not chained."""
        (run.run_dir / "02-dns-after.png").write_bytes(b"\x89PNG planted")
        with pytest.raises(RunDirError, match=r"02-dns-after\.png is not in the manifest"):
            _resume(run.run_dir)
        assert "02-dns-after.png is unexpected" in "\n".join(verify_run_dir(run.run_dir).problems)

    def test_a_temporary_file_cannot_replace_an_edited_file(
        self, run: RunFiles, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A matching temporary file repairs only a file still holding an earlier entry's
        bytes: one edited since is refused, not overwritten."""
        _cut_before_rename(monkeypatch)
        with pytest.raises(RuntimeError):
            run.journal.save()
        monkeypatch.undo()
        _edit_journal(run.run_dir, lambda j: j.update(status="done"))
        with pytest.raises(RunDirError, match=r"state\.json was altered"):
            _resume(run.run_dir)

    def test_a_refusal_changes_nothing(self, run: RunFiles) -> None:
        """Refused before any repair: the leftover of an earlier kill is still there."""
        (run.run_dir / ".x.png.abc123.tmp").write_bytes(b"half")
        (run.run_dir / "planted.png").write_bytes(b"x")
        before = sorted(p.name for p in run.run_dir.iterdir())
        with pytest.raises(RunDirError):
            _resume(run.run_dir)
        assert sorted(p.name for p in run.run_dir.iterdir()) == before
