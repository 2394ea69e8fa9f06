"""A resumed run never repeats a step recorded as done or already done, counted on the
sandbox's history: no license added or removed again, no confirmation asked again.

The run is made to stop at its very end (verify-new expects a date the license never has), after
a step that undoes an earlier one (remove-dev-on-new undoes add-dev-on-new), so that running any
finished step again would click. add-dev-on-new is recorded as already done: the Development
license was activated on new behind the run's back at the checkpoint before it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.sandbox import Sandbox
from tests.safety.conftest import CHECKPOINTED, Operator
from tests.support import (
    RUN_DEFAULTS,
    WRITES,
    in_worker_thread,
    journal,
    only_run_dir,
    run_exit_code,
    write_env,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def run_clicks(state: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, server, type) of every license change the run made (not the seed's, not those
    made behind its back)."""
    return [
        (e["kind"], e["server"], e["type"])
        for e in state["history"]
        if e["kind"] in {"license_added", "license_removed"}
        and e.get("via") not in {"seed", "outside"}
    ]


def test_a_resume_repeats_no_finished_step(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runbook = tmp_path / "runbook.yaml"
    text = CHECKPOINTED.read_text()
    assert "expires: future" in text
    runbook.write_text(text.replace("expires: future", "expires: 2001-01-01"))
    env = write_env(sandbox, tmp_path / "env")
    evidence = tmp_path / "evidence"

    first = Operator({1: lambda: sandbox.add_license("new", "Development")})
    monkeypatch.setattr("sys.stdin", first)
    options: dict[str, Any] = {**RUN_DEFAULTS, "assume_yes": False, "evidence_dir": evidence}
    assert in_worker_thread(run_exit_code, runbook, env_file=env, **options) == 1
    run_dir = only_run_dir(evidence)
    status = {s["id"]: s["status"] for s in journal(run_dir)["steps"]}
    assert status["add-dev-on-new"] == "already_done"
    assert status["verify-new"] == "failed"
    assert first.prompts == 5
    clicks = run_clicks(sandbox.state())
    assert clicks == [
        ("license_removed", "old", "Production"),
        ("license_added", "new", "Production"),
        ("license_removed", "new", "Development"),
    ]

    again = Operator()
    monkeypatch.setattr("sys.stdin", again)
    before = len(sandbox.state()["history"])
    code = in_worker_thread(run_exit_code, runbook, env_file=env, resume=run_dir, **options)
    assert code == 1
    assert {s["id"]: s["status"] for s in journal(run_dir)["steps"]} == status
    assert run_clicks(sandbox.state()) == clicks
    assert [e for e in sandbox.state()["history"][before:] if e["kind"] in WRITES] == []
    assert again.prompts == 0
