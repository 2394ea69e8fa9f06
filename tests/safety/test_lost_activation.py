"""The outcome the tool exists to prevent, driven through the whole runner: the licensing
service answers the interlock's read and is gone for the removal itself, so old's Production
license is deleted while its activation stays taken.

The run must stop at once (exit 1) with the support message, record the step as failed with
the notification's screenshot and the time of the loss, and say so in the report; a resume
must stop there again, touching no server, until the operator names the DNN support case.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.sandbox import Sandbox
from tests.safety.conftest import CHECKPOINTED, Operator, lost_activations
from tests.support import (
    RUN_DEFAULTS,
    WRITES,
    holdings,
    in_worker_thread,
    journal,
    only_run_dir,
    run_exit_code,
    write_env,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CASE = "CS-2026-0042"


def steps(run_dir: Path) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in journal(run_dir)["steps"]}


def events(run_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]


def newest_report(run_dir: Path) -> str:
    """The report the latest run wrote (a report is never overwritten: report-2.html, ...)."""
    newest = max(run_dir.glob("report*.html"), key=lambda p: p.stat().st_mtime_ns)
    return newest.read_text(encoding="utf-8")


def writes_since(state: dict[str, Any], count: int) -> list[dict[str, Any]]:
    return [e for e in state["history"][count:] if e["kind"] in WRITES]


def test_a_lost_production_activation_stops_the_run_until_the_support_case_is_named(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = write_env(sandbox, tmp_path / "env")
    evidence = tmp_path / "evidence"

    def attempt(prompt_actions: dict[int, Any], resume: Path | None, **options: Any) -> int:
        monkeypatch.setattr("sys.stdin", Operator(prompt_actions))
        return in_worker_thread(
            run_exit_code,
            CHECKPOINTED,
            env_file=env,
            assume_yes=False,
            evidence_dir=evidence,
            resume=resume,
            **RUN_DEFAULTS,
            **options,
        )

    # Right before remove-prod-on-old (prompt 3) the service is set to answer two more calls:
    # the step's fresh reads of new and of old, each asking whether it is reachable. The
    # removal's own call finds it gone.
    fault = {3: lambda: sandbox.set_faults(["licensing-down-after=2"])}
    assert attempt(fault, None) == 1
    run_dir = only_run_dir(evidence)
    state = sandbox.state()
    history = state["history"]
    lost = lost_activations(state)
    assert [(e["server"], e["type"]) for e in lost] == [("old", "Production")]
    went_down = [e["kind"] for e in history].index("licensing_went_down")
    assert [e["kind"] for e in history[went_down:] if e["kind"] in WRITES] == ["license_removed"], (
        "the run went on after the loss"
    )
    # The interlock's reads saw a reachable service: they were made before the fault struck.
    reads = [
        e
        for e in events(run_dir)
        if e.get("event") == "license_table_read" and e.get("step_id") == "remove-prod-on-old"
    ]
    assert {r["server"] for r in reads} == {"old", "new"}
    assert all(r["licensing_reachable"] for r in reads)

    step = steps(run_dir)["remove-prod-on-old"]
    assert step["status"] == "failed"
    assert step["activation_lost"] is not None
    assert "activation was NOT returned" in step["message"]
    assert "Contact DNN Technical Support" in step["message"]
    assert "--support-case" in step["message"]
    assert "Unable to add activation back" in step["notification"]
    # The notification's screenshot: taken after the click, with the step's name.
    assert any(name.endswith("-after.png") for name in step["screenshots"]), step["screenshots"]
    assert all(
        (run_dir / "screenshots" / n).is_file() or (run_dir / n).is_file()
        for n in step["screenshots"]
    )
    assert steps(run_dir)["add-prod-on-new"]["status"] == "pending"
    report = newest_report(run_dir)
    assert "activation was NOT returned" in report
    assert "Unable to add activation back" in report
    assert "--support-case" in report
    # The command the run printed to continue carries the option to fill in, and no rollback.
    after = [e for e in events(run_dir) if e.get("event") == "next_commands"]
    assert after[-1]["resume"].endswith("--support-case CASE-ID")
    assert after[-1]["rollback"] is None

    # A resume without the case stops at the same step and touches no server.
    sandbox.clear_faults()
    before = len(sandbox.state()["history"])
    assert attempt({}, run_dir) == 1
    step = steps(run_dir)["remove-prod-on-old"]
    assert step["status"] == "failed"
    assert "resume with --support-case CASE-ID" in step["message"]
    assert step["support_case"] is None
    assert writes_since(sandbox.state(), before) == []
    resumed = [e for e in events(run_dir) if e.get("event") == "run_resumed"]
    assert len(resumed) == 1
    after_resume = events(run_dir)[events(run_dir).index(resumed[0]) :]
    assert not [e for e in after_resume if e.get("event") == "license_table_read"]
    assert steps(run_dir)["add-prod-on-new"]["status"] == "pending"

    # DNN support gives the activation back; the operator names the case and the run finishes.
    sandbox.restore_activation()
    assert attempt({}, run_dir, support_case=CASE) == 0
    step = steps(run_dir)["remove-prod-on-old"]
    assert step["status"] == "done"
    assert step["support_case"] == CASE
    assert CASE in step["message"]
    confirmed = [e for e in events(run_dir) if e.get("event") == "support_case_confirmed"]
    assert [e["support_case"] for e in confirmed] == [CASE]
    assert CASE in newest_report(run_dir)
    held = holdings(sandbox.state())
    assert held["old"] == []
    assert [t for t, _ in held["new"]] == ["Production"]
    assert verify_run_dir(run_dir).ok


def test_a_support_case_for_a_run_that_lost_nothing_is_refused(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Exit 2, nothing started, when the resumed run has no lost activation to confirm."""
    env = write_env(sandbox, tmp_path / "env")
    evidence = tmp_path / "evidence"
    options: dict[str, Any] = {**RUN_DEFAULTS, "assume_yes": True, "evidence_dir": evidence}
    sandbox.set_faults(["licensing-down"])
    assert in_worker_thread(run_exit_code, CHECKPOINTED, env_file=env, **options) == 4
    run_dir = only_run_dir(evidence)
    before = journal(run_dir)
    code = in_worker_thread(
        run_exit_code, CHECKPOINTED, env_file=env, resume=run_dir, support_case=CASE, **options
    )
    assert code == 2
    assert journal(run_dir)["resumed"] == before["resumed"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--support-case", CASE], "give it with --resume RUN_DIR"),
        (["--support-case", "", "--resume", "."], "must be the case's ID"),
        (["--support-case", "CS\n1", "--resume", "."], "must be the case's ID"),
    ],
)
def test_a_bad_support_case_is_a_command_line_error(
    arguments: list[str], expected: str, tmp_path: Path
) -> None:
    """Exit 2 with the reason, before any browser or run directory."""
    from tests.support import FAKE_ENV, SEED_RUNBOOK

    env = tmp_path / "env"
    env.write_text("".join(f"{k}={v}\n" for k, v in FAKE_ENV.items()))
    env.chmod(0o600)
    done = subprocess.run(
        [sys.executable, "-m", "dnn_runbook", "run", str(SEED_RUNBOOK), "--env-file", str(env),
         "--evidence-dir", str(tmp_path / "e"), *arguments],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr
    assert not (tmp_path / "e").exists()
