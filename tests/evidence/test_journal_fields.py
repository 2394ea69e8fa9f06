"""state.json field by field: the exact document saved, every field read back, and the exact
reason a journal that is not whole is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence.journal import Journal, RunStatus, StepRecord, StepStatus
from dnn_runbook.exceptions import RunDirError

NOW = datetime(2026, 11, 29, 21, 24, 6, 120_000, tzinfo=UTC)
STAMP = "2026-11-29T21:24:06.120Z"
SHA = "ab" * 32


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every journal time is ``STAMP``."""
    monkeypatch.setattr("dnn_runbook.evidence.journal.utc_now", lambda: NOW)


def make(tmp_path: Path, **extra: Any) -> Journal:
    return Journal.create(
        tmp_path,
        run_id="20261129T212406Z-migración",
        runbook_name="migración",
        runbook_sha256=SHA,
        runbook_path="/x/runbook.yaml",
        steps=[(1, "preflight", "preflight"), (2, "add-dev", "add_license")],
        **extra,
    )


def pending(index: int, step_id: str, action: str) -> dict[str, Any]:
    return {
        "index": index,
        "id": step_id,
        "action": action,
        "status": "pending",
        "started": None,
        "finished": None,
        "attempts": 0,
        "message": None,
        "notification": None,
        "screenshots": [],
        "activation_lost": None,
        "support_case": None,
    }


def full(tmp_path: Path) -> Journal:
    """A journal whose every field holds something other than its default, saved."""
    journal = make(tmp_path, binding={"runbook": {"name": "migración"}})
    step = journal.steps[1]
    step.status = StepStatus.FAILED
    step.started, step.finished = "2026-11-29T21:24:07.000Z", "2026-11-29T21:24:09.500Z"
    step.attempts = 3
    step.message, step.notification = "it broke", "Saved"
    step.screenshots.extend(["02-add-dev-a.png", "02-add-dev-b.png"])
    step.activation_lost, step.support_case = "2026-11-29T21:24:08.000Z", "CASE-1"
    journal.status = RunStatus.FAILED
    journal.finished = "2026-11-29T21:30:00.000Z"
    journal.resumed.extend(["2026-11-29T21:25:00.000Z", "2026-11-29T21:26:00.000Z"])
    journal.development_activated = "2026-11-29T21:24:08.000Z"
    journal.development_removed = "2026-11-29T21:29:00.000Z"
    journal.amendments.append({"at": STAMP, "changes": ["x"], "confirmed_by": "--yes"})
    journal.save()
    return journal


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def saved(tmp_path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
    return document


def refusal(tmp_path: Path) -> str:
    with pytest.raises(RunDirError) as caught:
        Journal.load(tmp_path)
    return str(caught.value)


def incomplete(tmp_path: Path, edit: Any) -> str:
    """The refusal of the saved ``full`` journal after ``edit(document)``."""
    full(tmp_path)
    document = saved(tmp_path)
    edit(document)
    path = write(tmp_path, document)
    message = refusal(tmp_path)
    prefix, suffix = f"{path} is not a complete journal: ", " is missing or wrong."
    assert message.startswith(prefix)
    assert message.endswith(suffix)
    return message[len(prefix) : -len(suffix)]


class TestSavedDocument:
    def test_a_new_journal_is_saved_as_this_exact_document(self, tmp_path: Path) -> None:
        """Two-space indented UTF-8 JSON (non-ASCII kept as is), every step pending, one newline
        at the end."""
        journal = make(tmp_path, binding={"key": "k"})
        expected = {
            "format": "dnn-runbook-state/2",
            "run_id": "20261129T212406Z-migración",
            "runbook": {"name": "migración", "sha256": SHA, "path": "/x/runbook.yaml"},
            "status": "running",
            "started": STAMP,
            "updated": STAMP,
            "finished": None,
            "resumed": [],
            "development_activated": None,
            "development_removed": None,
            "binding": {"key": "k"},
            "amendments": [],
            "steps": [pending(1, "preflight", "preflight"), pending(2, "add-dev", "add_license")],
        }
        text = json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
        assert (tmp_path / "state.json").read_bytes() == text.encode("utf-8")
        assert "migración".encode() in (tmp_path / "state.json").read_bytes()
        assert journal.path == tmp_path / "state.json"
        assert journal.to_json() == expected

    def test_every_field_is_saved_under_its_name(self, tmp_path: Path) -> None:
        """Each fact of the run and of a step has its own key in state.json."""
        full(tmp_path)
        document = saved(tmp_path)
        assert {k: v for k, v in document.items() if k != "steps"} == {
            "format": "dnn-runbook-state/2",
            "run_id": "20261129T212406Z-migración",
            "runbook": {"name": "migración", "sha256": SHA, "path": "/x/runbook.yaml"},
            "status": "failed",
            "started": STAMP,
            "updated": STAMP,
            "finished": "2026-11-29T21:30:00.000Z",
            "resumed": ["2026-11-29T21:25:00.000Z", "2026-11-29T21:26:00.000Z"],
            "development_activated": "2026-11-29T21:24:08.000Z",
            "development_removed": "2026-11-29T21:29:00.000Z",
            "binding": {"runbook": {"name": "migración"}},
            "amendments": [{"at": STAMP, "changes": ["x"], "confirmed_by": "--yes"}],
        }
        assert document["steps"][1] == {
            "index": 2,
            "id": "add-dev",
            "action": "add_license",
            "status": "failed",
            "started": "2026-11-29T21:24:07.000Z",
            "finished": "2026-11-29T21:24:09.500Z",
            "attempts": 3,
            "message": "it broke",
            "notification": "Saved",
            "screenshots": ["02-add-dev-a.png", "02-add-dev-b.png"],
            "activation_lost": "2026-11-29T21:24:08.000Z",
            "support_case": "CASE-1",
        }

    def test_a_journal_without_binding_records_an_empty_one(self, tmp_path: Path) -> None:
        """No binding given: ``{}``, not null."""
        make(tmp_path)
        assert saved(tmp_path)["binding"] == {}

    def test_the_binding_is_copied_not_shared(self, tmp_path: Path) -> None:
        """A later change to the caller's binding is not the journal's."""
        binding: dict[str, Any] = {"key": "k"}
        journal = make(tmp_path, binding=binding)
        binding["key"] = "other"
        assert journal.binding == {"key": "k"}

    def test_with_a_store_the_bytes_and_the_running_step_go_to_it(self, tmp_path: Path) -> None:
        """In a run every save goes to the store, with the step in progress; nothing is written
        to the path directly."""
        calls: list[tuple[bytes, str | None]] = []
        journal = make(tmp_path, store=lambda data, step: calls.append((data, step)))
        assert not (tmp_path / "state.json").exists()
        journal.steps[1].status = StepStatus.RUNNING
        journal.save()
        assert [step for _data, step in calls] == [None, "add-dev"]
        assert calls[1][0] == (
            json.dumps(journal.to_json(), indent=2, ensure_ascii=False) + "\n"
        ).encode("utf-8")
        assert not (tmp_path / "state.json").exists()

    def test_save_stamps_the_time_of_the_save(self, tmp_path: Path) -> None:
        """``updated`` is the time of the last save."""
        journal = make(tmp_path)
        journal.updated = None
        journal.save()
        assert journal.updated == STAMP
        assert saved(tmp_path)["updated"] == STAMP


class TestSteps:
    def test_close_remaining_marks_only_the_unfinished_steps(self, tmp_path: Path) -> None:
        """Finished steps keep their status and message; every other is already done with the
        reason; the journal is saved."""
        journal = Journal.create(
            tmp_path,
            run_id="r",
            runbook_name="n",
            runbook_sha256=SHA,
            runbook_path="p",
            steps=[(1, "a", "x"), (2, "b", "x"), (3, "c", "x"), (4, "d", "x")],
        )
        journal.steps[0].status, journal.steps[0].message = StepStatus.DONE, "kept"
        journal.steps[1].status, journal.steps[1].message = StepStatus.ALREADY_DONE, "kept too"
        journal.steps[2].status = StepStatus.FAILED
        journal.close_remaining("closed by hand")
        assert [(s.status, s.message) for s in journal.steps] == [
            (StepStatus.DONE, "kept"),
            (StepStatus.ALREADY_DONE, "kept too"),
            (StepStatus.ALREADY_DONE, "closed by hand"),
            (StepStatus.ALREADY_DONE, "closed by hand"),
        ]
        assert [(s["status"], s["message"]) for s in saved(tmp_path)["steps"]] == [
            ("done", "kept"),
            ("already_done", "kept too"),
            ("already_done", "closed by hand"),
            ("already_done", "closed by hand"),
        ]

    def test_current_step_is_the_running_one(self, tmp_path: Path) -> None:
        """The id of the step running, ``None`` while none is."""
        journal = make(tmp_path)
        assert journal.current_step() is None
        journal.steps[1].status = StepStatus.RUNNING
        assert journal.current_step() == "add-dev"

    def test_record_finds_a_step_by_id(self, tmp_path: Path) -> None:
        """The record with that id; an unknown id is a KeyError naming it."""
        journal = make(tmp_path)
        assert journal.record("add-dev") is journal.steps[1]
        assert journal.record("preflight") is journal.steps[0]
        with pytest.raises(KeyError) as caught:
            journal.record("nope")
        assert caught.value.args == ("nope",)

    def test_first_unfinished_is_none_when_all_finished(self, tmp_path: Path) -> None:
        """Every step done or already done: nothing to resume from."""
        journal = make(tmp_path)
        journal.steps[0].status = StepStatus.DONE
        assert journal.first_unfinished() is journal.steps[1]
        journal.steps[1].status = StepStatus.ALREADY_DONE
        assert journal.first_unfinished() is None

    def test_duration_needs_both_times(self) -> None:
        """Seconds between start and finish; ``None`` while either is missing."""
        step = StepRecord(1, "a", "x", started="2026-11-29T21:24:07.000Z")
        assert step.duration_s is None
        step.finished = "2026-11-29T21:24:09.500Z"
        assert step.duration_s == 2.5
        step.started = None
        assert step.duration_s is None

    def test_only_done_and_already_done_are_finished(self) -> None:
        """The statuses a resumed run skips."""
        assert {s for s in StepStatus if s.finished} == {StepStatus.DONE, StepStatus.ALREADY_DONE}


class TestLoad:
    def test_every_field_is_read_back(self, tmp_path: Path) -> None:
        """A saved journal loads equal to itself, field by field, with its path and store."""
        journal = full(tmp_path)

        def store(_data: bytes, _step: str | None) -> None:
            pass

        loaded = Journal.load(tmp_path, store=store)
        assert loaded == journal
        assert loaded.path == tmp_path / "state.json"
        assert loaded.store is store
        assert loaded.steps[1].attempts == 3
        assert loaded.updated == STAMP
        assert loaded.finished == "2026-11-29T21:30:00.000Z"
        assert loaded.resumed == ["2026-11-29T21:25:00.000Z", "2026-11-29T21:26:00.000Z"]
        assert loaded.development_removed == "2026-11-29T21:29:00.000Z"

    def test_a_journal_without_amendments_has_none(self, tmp_path: Path) -> None:
        """``amendments`` may be absent (none were made): an empty list."""
        full(tmp_path)
        document = saved(tmp_path)
        del document["amendments"]
        write(tmp_path, document)
        assert Journal.load(tmp_path).amendments == []

    def test_a_missing_journal_says_why_and_what_to_pass(self, tmp_path: Path) -> None:
        """No state.json: the reason names the journal, and the folder to pass."""
        assert refusal(tmp_path) == (
            f"{tmp_path} has no readable state.json (the journal cannot be read: No such file "
            "or directory.) so it is not the run directory of a dnn-runbook run (pass the "
            "folder 'dnn-runbook run' printed)."
        )

    def test_a_journal_that_is_not_json_says_why(self, tmp_path: Path) -> None:
        """Not JSON: the path and the parser's reason."""
        (tmp_path / "state.json").write_text("{")
        assert refusal(tmp_path) == (
            f"{tmp_path / 'state.json'} could not be read as a journal: it is not valid JSON "
            "(Expecting property name enclosed in double quotes at line 1, column 2)."
        )

    def test_the_evidence_of_a_check_is_not_resumed(self, tmp_path: Path) -> None:
        """``kind: check`` is the journal of 'dnn-runbook check': nothing to resume."""
        write(tmp_path, {"kind": "check", "format": "dnn-runbook-state/2"})
        assert refusal(tmp_path) == (
            f"{tmp_path} holds the evidence of 'dnn-runbook check', which changed nothing and "
            "has nothing to resume: start the run without --resume."
        )

    def test_another_kind_is_read_as_a_journal(self, tmp_path: Path) -> None:
        """Only ``kind: check`` is refused as a check: another kind is judged by its format."""
        full(tmp_path)
        document = saved(tmp_path)
        document["kind"] = "run"
        write(tmp_path, document)
        assert Journal.load(tmp_path).run_id == "20261129T212406Z-migración"

    @pytest.mark.parametrize(
        ("document", "found"),
        [
            ([1, 2], "'list'"),
            ({"format": "other"}, "'other'"),
            ({}, "'None'"),
            ({"format": "f" * 100}, repr("f" * 60)),
        ],
    )
    def test_another_format_is_named(self, tmp_path: Path, document: Any, found: str) -> None:
        """What was found instead of the format (a non-object by its type), cut to 60
        characters."""
        path = write(tmp_path, document)
        assert refusal(tmp_path) == (
            f"{path} must have format 'dnn-runbook-state/2' (got {found}); it was not written "
            "by this version of dnn-runbook."
        )

    @pytest.mark.parametrize(
        ("edit", "reason"),
        [
            (lambda d: d.pop("run_id"), "\"'run_id'\""),
            (lambda d: d.update(run_id=5), "'run_id'"),
            (lambda d: d["runbook"].pop("sha256"), "\"'sha256'\""),
            (lambda d: d["steps"][0].update(index="1"), "'index'"),
            (lambda d: d["steps"][0].update(index=True), "'index'"),
            (lambda d: d["steps"][0].update(attempts=False), "'attempts'"),
            (lambda d: d["steps"][0].update(surprise=1), "a step record"),
            (lambda d: d["steps"].append([]), "a step record"),
            (lambda d: d["steps"].append("x"), "a step record"),
            (lambda d: d.update(resumed=[5]), "'a value'"),
            (lambda d: d["steps"][0].update(screenshots=[None]), "'a value'"),
            (lambda d: d.update(amendments=["x"]), "'a value'"),
            (lambda d: d.update(updated=5), "a text field"),
            (lambda d: d["steps"][1].update(message=["x"]), "a text field"),
            (lambda d: d.update(development_removed="soon"), "a time"),
            (lambda d: d.update(development_activated="soon"), "a time"),
            (lambda d: d.update(development_removed=7), "a text field"),
        ],
    )
    def test_a_wrong_field_is_named(self, tmp_path: Path, edit: Any, reason: str) -> None:
        """A missing key, a value of another type (a count that is true or false included), an
        unknown step key or a time that is not one: refused, naming what is wrong."""
        assert incomplete(tmp_path, edit) == reason

    def test_a_long_reason_is_cut_to_120_characters(self, tmp_path: Path) -> None:
        """The reason is shown, but never more than 120 characters of it."""
        status = "s" * 200
        reason = incomplete(tmp_path, lambda d: d.update(status=status))
        assert reason == f"{status!r} is not a valid RunStatus"[:120]
