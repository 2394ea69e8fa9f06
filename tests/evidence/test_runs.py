"""A run directory's life: a new run, and a resumed one that verifies before it acts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence.binding import new_key
from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.evidence.runs import RunFiles, resume_run, start_run
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.exceptions import OperatorDeclinedError, RunDirError

STEPS = [(1, "preflight", "preflight"), (2, "dns", "confirm")]
KEY = new_key()


def binding(key: str = KEY, **changes: Any) -> dict[str, Any]:
    """A binding as ``evidence.binding.bind`` makes one, with ``changes`` applied."""
    made: dict[str, Any] = {
        "tool": {"name": "dnn-runbook", "version": "0.1.0"},
        "runbook": {"name": "rb", "sha256": "a" * 64},
        "servers": {"old": {"url": "http://old", "username": "host"}},
        "key": key,
        "license": {"invoice": "1" * 64, "email": "2" * 64},
        "steps": [{"id": "preflight", "action": "preflight"}],
    }
    made.update(changes)
    return made


def rebind(**changes: Any) -> Callable[[str], dict[str, Any]]:
    """What the runbook resolves to now, given the run's key."""
    return lambda key: binding(key, **changes)


def _start(tmp_path: Path) -> Path:
    files = start_run(tmp_path, binding=binding(), runbook_path="rb.yaml", steps=STEPS)
    files.close()
    return files.run_dir


def _resume(run_dir: Path, **changes: Any) -> RunFiles:
    files = resume_run(run_dir, rebind=rebind(**changes))
    files.close()
    return files


class TestRuns:
    def test_a_new_run_has_a_manifest_and_every_step_pending(self, tmp_path: Path) -> None:
        """A fresh owner-only directory, its manifest and its journal, chained."""
        files = start_run(tmp_path, binding=binding(), runbook_path="rb.yaml", steps=STEPS)
        files.close()
        assert files.run_dir.parent == tmp_path
        assert [r.status for r in files.journal.steps] == [StepStatus.PENDING] * 2
        assert (files.run_dir / "manifest.json").is_file()
        assert verify_run_dir(files.run_dir).ok

    def test_the_binding_heads_manifest_and_journal(self, tmp_path: Path) -> None:
        """The manifest's header and the journal record the same binding."""
        run_dir = _start(tmp_path)
        manifest = json.loads((run_dir / "manifest.json").read_text())
        journal = json.loads((run_dir / "state.json").read_text())
        assert manifest["binding"] == journal["binding"] == binding()

    def test_resume_refuses_a_changed_runbook(self, tmp_path: Path) -> None:
        """Another SHA-256: refused, naming the runbook file and both hashes' starts."""
        run_dir = _start(tmp_path)
        with pytest.raises(RunDirError, match=r"the runbook file: its SHA-256 was aaaaaaaaaaaa…"):
            _resume(run_dir, runbook={"name": "rb", "sha256": "b" * 64})

    def test_an_accepted_change_of_how_is_recorded_and_not_asked_again(
        self, tmp_path: Path
    ) -> None:
        """A change of how an unfinished step is done, accepted: in the journal's amendments
        (with who accepted it); a second resume with the same runbook asks nothing."""
        steps = [{"id": "preflight", "action": "preflight", "what": {}, "how": {"x": 1}}]
        was = binding(steps=[{**steps[0], "how": {"x": 0}}])
        files = start_run(tmp_path, binding=was, runbook_path="rb.yaml", steps=STEPS)
        files.close()
        run_dir = files.run_dir
        shown: list[list[str]] = []

        def accept(changes: Any) -> str:
            shown.append(list(changes))
            return "the operator"

        files = resume_run(run_dir, rebind=rebind(steps=steps), accept=accept)
        files.close()
        assert files.amended == ("steps 'preflight'.x was 0, now 1",)
        assert shown == [list(files.amended)]
        recorded = json.loads((run_dir / "state.json").read_text())["amendments"]
        assert recorded[0]["changes"] == list(files.amended)
        assert recorded[0]["confirmed_by"] == "the operator"
        again = resume_run(run_dir, rebind=rebind(steps=steps), accept=accept)
        again.close()
        assert again.amended == ()
        assert len(shown) == 1
        assert verify_run_dir(run_dir).ok

    def test_a_declined_change_of_how_resumes_nothing(self, tmp_path: Path) -> None:
        """Not accepted: OperatorDeclinedError (exit 3), the journal unchanged."""
        was = binding(steps=[{"id": "preflight", "action": "preflight", "how": {"x": 0}}])
        files = start_run(tmp_path, binding=was, runbook_path="rb.yaml", steps=STEPS)
        files.close()
        before = (files.run_dir / "state.json").read_bytes()
        now = [{"id": "preflight", "action": "preflight", "how": {"x": 1}}]
        with pytest.raises(OperatorDeclinedError, match="were not accepted"):
            resume_run(files.run_dir, rebind=rebind(steps=now), accept=lambda _c: None)
        assert (files.run_dir / "state.json").read_bytes() == before

    def test_a_what_change_is_refused_whatever_accept_says(self, tmp_path: Path) -> None:
        """Another license type on a step: refused (exit 2), naming the field; never asked."""
        was = binding(steps=[{"id": "p", "action": "add_license", "what": {"type": "Production"}}])
        files = start_run(tmp_path, binding=was, runbook_path="rb.yaml", steps=STEPS)
        files.close()
        now = [{"id": "p", "action": "add_license", "what": {"type": "Staging"}}]
        with pytest.raises(RunDirError, match=r"type was 'Production', now 'Staging'"):
            resume_run(
                files.run_dir,
                rebind=rebind(steps=now),
                accept=lambda _c: pytest.fail("asked to accept a change of what"),
            )

    def test_resume_refuses_swapped_servers(self, tmp_path: Path) -> None:
        """A server's address or account that resolves differently is named, before and now."""
        run_dir = _start(tmp_path)
        with pytest.raises(RunDirError) as caught:
            _resume(run_dir, servers={"old": {"url": "http://new", "username": "admin"}})
        message = str(caught.value)
        assert "servers.old.url was 'http://old', now 'http://new'" in message
        assert "servers.old.username was 'host', now 'admin'" in message

    def test_resume_refuses_another_invoice_without_showing_it(self, tmp_path: Path) -> None:
        """Another invoice is named as changed; neither keyed hash is shown."""
        run_dir = _start(tmp_path)
        with pytest.raises(
            RunDirError, match=r"license\.invoice: it resolves to another value"
        ) as caught:
            _resume(run_dir, license={"invoice": "3" * 64, "email": "2" * 64})
        assert "1111" not in str(caught.value)
        assert "3333" not in str(caught.value)

    def test_a_refused_resume_changes_nothing(self, tmp_path: Path) -> None:
        """Refused before it repairs or saves anything: the directory is byte for byte the same."""
        run_dir = _start(tmp_path)
        (run_dir / ".state.json.abc123.tmp").write_bytes(b"half")
        before = {p.name: p.read_bytes() for p in run_dir.iterdir()}
        with pytest.raises(RunDirError):
            _resume(run_dir, tool={"name": "dnn-runbook", "version": "9.9.9"})
        assert {p.name: p.read_bytes() for p in run_dir.iterdir()} == before

    def test_resume_runs_an_interrupted_step_again(self, tmp_path: Path) -> None:
        """A step left running by a kill is pending again, with a note."""
        run_dir = _start(tmp_path)
        files = _resume(run_dir)
        files.journal.steps[0].status = StepStatus.RUNNING
        files.journal.save()
        again = _resume(run_dir)
        assert again.journal.steps[0].status is StepStatus.PENDING
        assert "run again on resume" in (again.journal.steps[0].message or "")
        assert len(again.journal.resumed) == 2
        assert verify_run_dir(run_dir).ok

    def test_a_corrupt_journal_is_refused_not_a_traceback(self, tmp_path: Path) -> None:
        """A journal that is not JSON: refused with the reason (it no longer verifies)."""
        run_dir = _start(tmp_path)
        (run_dir / "state.json").write_text("[" * 100_000)
        with pytest.raises(RunDirError, match="does not verify against its manifest"):
            _resume(run_dir)

    def test_a_resume_drops_the_checksums_it_will_write_anew(self, tmp_path: Path) -> None:
        """SHA256SUMS describes the directory as the last run left it: a resume removes it
        (the run's end writes it again), so a resumed run killed midway still verifies."""
        from dnn_runbook.evidence.sums import write_sums

        run_dir = _start(tmp_path)
        write_sums(run_dir)
        files = _resume(run_dir)
        files.manifest.write_file("02-more.png", b"x")
        assert not (run_dir / "SHA256SUMS").exists()
        assert verify_run_dir(run_dir).ok
