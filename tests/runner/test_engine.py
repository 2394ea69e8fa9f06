"""The step loop on fake servers: how a run ends, how each stop is recorded and printed, and
resume. The browser is replaced; the journal, manifest, events and report are real."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from dnn_runbook.browser.sessions import SessionPool
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runbook import load
from dnn_runbook.runner import engine
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.engine import IMPLICIT_PREFLIGHT_ID, run_runbook, steps_to_run
from dnn_runbook.runner.options import RunOptions
from tests.support import FakeServer, journal, license_row, seed_runbook

RUNBOOK = """\
version: 1
name: engine-check
servers:
  old: {url: "http://127.0.0.1:9", username: host, password: pw-old-secret}
  new: {url: "http://127.0.0.1:9", username: host, password: pw-new-secret}
license: {email: owner@example.com, invoice: INV001-1}
steps:
  - {id: look, action: preflight, expect: {old: [Production], new: []}}
  - {id: dns, action: confirm, message: Point DNS at the new server.}
  - {id: add-dev, action: add_license, server: new, type: Development}
"""


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> dict[str, FakeServer]:
    """Fake servers behind the engine's browser and sessions (old holds Production)."""
    found = {"old": FakeServer("old", [license_row("Production")]), "new": FakeServer("new")}

    @contextmanager
    def started_browser(*_args: Any, **_kwargs: Any) -> Iterator[tuple[Any, Any]]:
        yield SimpleNamespace(version="0"), SimpleNamespace(executable=None, reason="fake")

    @contextmanager
    def session_pool(*_args: Any, **_kwargs: Any) -> Iterator[SessionPool]:
        yield SessionPool(lambda spec: found[spec.name])  # type: ignore[arg-type,return-value]

    monkeypatch.setattr(engine, "started_browser", started_browser)
    monkeypatch.setattr(engine, "session_pool", session_pool)
    return found


class _Input(io.StringIO):
    """The operator's answers; KeyboardInterrupt where the answer is None."""

    def __init__(self, *answers: str | None) -> None:
        super().__init__()
        self.answers = list(answers)

    def readline(self, *_args: Any) -> str:
        answer = self.answers.pop(0)
        if answer is None:
            raise KeyboardInterrupt
        return answer


def _run(tmp_path: Path, *answers: str | None, resume: Path | None = None) -> Any:
    path = tmp_path / "runbook.yaml"
    path.write_text(RUNBOOK)
    out = io.StringIO()
    console = Console(out, interactive=False, input_stream=_Input(*answers))
    options = RunOptions(evidence_dir=tmp_path / "evidence", resume=resume, backoff=())
    outcome = run_runbook(load(path), options, console)
    return outcome, out.getvalue()


class TestStepsToRun:
    def test_a_preflight_is_added_when_the_runbook_has_none(self, tmp_path: Path) -> None:
        """A runbook without preflight gets one first, over every server."""
        path = tmp_path / "runbook.yaml"
        path.write_text(RUNBOOK.replace("  - {id: look, action: preflight", "  # "))
        steps = steps_to_run(load(path))
        assert steps[0].id == IMPLICIT_PREFLIGHT_ID
        assert next(s.id for s in steps_to_run(seed_runbook())) == "preflight"


class TestHowARunEnds:
    def test_declined_exits_3_and_prints_the_reason_once(
        self, servers: dict[str, FakeServer], tmp_path: Path
    ) -> None:
        """'no' at the confirmation: exit 3, the step declined, the reason printed once, and
        evidence that verifies (report included)."""
        outcome, printed = _run(tmp_path, "no\n")
        assert outcome.exit_code is ExitCode.DECLINED
        steps = journal(outcome.run_dir)["steps"]
        assert [s["status"] for s in steps] == ["done", "declined", "pending"]
        assert printed.count("the operator did not confirm") == 1
        assert (
            "error: Step 'dns': the operator did not confirm 'Point DNS at the new server'. "
        ) in printed
        assert verify_run_dir(outcome.run_dir).ok
        assert outcome.report is not None
        assert outcome.head in printed

    def test_ctrl_c_inside_a_step_exits_130(
        self, servers: dict[str, FakeServer], tmp_path: Path
    ) -> None:
        """Ctrl-C at the prompt: exit 130 (ExitCode.INTERRUPTED), the step interrupted."""
        outcome, printed = _run(tmp_path, None)
        assert outcome.exit_code == 130
        assert outcome.exit_code is ExitCode.INTERRUPTED
        assert journal(outcome.run_dir)["steps"][1]["status"] == "interrupted"
        assert "Step 'dns': The run was interrupted" in printed

    def test_an_unexpected_error_fails_the_step_that_raised_it(
        self, servers: dict[str, FakeServer], tmp_path: Path
    ) -> None:
        """A crash inside an action (the fake page has no Add License) fails that step, names
        it, and leaves a failure screenshot."""
        outcome, _printed = _run(tmp_path, "yes\n")
        assert outcome.exit_code is ExitCode.STEP_FAILED
        record = journal(outcome.run_dir)["steps"][2]
        assert record["status"] == "failed"
        assert record["message"].startswith("Step 'add-dev': ")
        assert any(name.endswith("-failure.png") for name in record["screenshots"])


class TestResume:
    def test_a_resumed_run_continues_from_the_unfinished_step(
        self, servers: dict[str, FakeServer], tmp_path: Path
    ) -> None:
        """Declined, then resumed with yes: preflight is not read again, the confirmation is
        asked again, and the evidence still verifies."""
        first, _ = _run(tmp_path, "no\n")
        reads = servers["old"].reads
        second, printed = _run(tmp_path, "yes\n", resume=first.run_dir)
        assert second.run_dir == first.run_dir
        assert servers["old"].reads == reads
        steps = journal(second.run_dir)["steps"]
        assert [s["status"] for s in steps[:2]] == ["done", "done"]
        assert "Confirmed by the operator." in printed
        assert verify_run_dir(second.run_dir).ok
