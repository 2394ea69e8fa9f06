"""The runner killed at any moment, and resumed each time, never leaves production unlicensed.

The runner runs as a real process (`python -m dnn_runbook run ...`). The test watches its
events.jsonl, and once the targeted step has started, waits a chosen moment into it and kills
the process (SIGKILL, Ctrl-C's SIGINT, or the browser under it), then resumes the run. At the end
the sandbox's timestamped history must show that the serving server always held a license and
that no production activation was lost, and the evidence must verify intact.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

import pytest

from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.sandbox import Sandbox
from tests.safety.conftest import assert_never_unsafe
from tests.support import SEED_RUNBOOK, holdings, journal, write_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STEPS = [
    "preflight",
    "add-dev-on-new",
    "dns-cutover",
    "wait-new-serving",
    "remove-prod-on-old",
    "add-prod-on-new",
    "remove-dev-on-new",
    "verify-new",
    "evidence-final",
]
#: How far into a step each kill lands, in seconds.
MOMENTS = (0.0, 0.35, 0.8)
#: Steps over in a blink (--yes answers the confirm, the URL answers at once): killed as they
#: start, since any later moment already belongs to the next step.
INSTANT = {"dns-cutover", "wait-new-serving"}
#: The longest a step may take to start before the test gives up on a process.
START_TIMEOUT = 60.0


class Runner:
    """One `dnn-runbook run` process of the test's migration."""

    def __init__(self, env_file: Path, evidence: Path, run_dir: Path | None, log: Path) -> None:
        command = [
            sys.executable, "-m", "dnn_runbook", "run", str(SEED_RUNBOOK),
            "--env-file", str(env_file), "--yes", "--evidence-dir", str(evidence),
            "--timeout", "30",
        ]  # fmt: skip
        if run_dir is not None:
            command += ["--resume", str(run_dir)]
        self.evidence = evidence
        self.run_dir = run_dir
        self._log = log.open("ab")
        # Its own session, so that killing its group also ends the browser it started.
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def find_run_dir(self) -> Path | None:
        if self.run_dir is None and self.evidence.is_dir():
            dirs = [p for p in self.evidence.iterdir() if p.is_dir()]
            self.run_dir = dirs[0] if dirs else None
        return self.run_dir

    def started(self, step_id: str) -> bool:
        """Whether this process has logged the start of ``step_id``."""
        run_dir = self.find_run_dir()
        events = run_dir / "events.jsonl" if run_dir else None
        if events is None or not events.exists():
            return False
        pid_events = False
        for line in events.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue  # a line a killed process cut short
            if event.get("event") in {"run_started", "run_resumed"}:
                pid_events = event.get("pid") == self.process.pid
            elif (
                pid_events
                and event.get("event") == "step_started"
                and event.get("step_id") == step_id
            ):
                return True
        return False

    def wait_until(self, condition: Callable[[], bool]) -> bool:
        """Poll ``condition`` until it holds; ``False`` if the process ended first."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if condition():
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.02)
        raise AssertionError("the runner neither reached the step nor ended in time")

    def kill(self, how: signal.Signals) -> bool:
        """Send ``how``; True if the process was still running. Always reaps it."""
        alive = self.process.poll() is None
        if alive:
            if how is signal.SIGINT:
                os.kill(self.process.pid, signal.SIGINT)
                self.process.wait(timeout=60)
            else:
                os.kill(self.process.pid, how)
        self.close()
        return alive

    def close(self) -> int:
        """Reap the process and anything it left behind; return its exit code."""
        code = self.process.wait(timeout=120)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()
        return code


def descendants(root: int) -> list[tuple[int, str]]:
    """Every process below ``root``, with its command name (the browser runs detached)."""
    table = subprocess.run(
        ["ps", "-e", "-o", "pid=,ppid=,comm="], capture_output=True, text=True, check=True
    ).stdout
    children: dict[int, list[tuple[int, str]]] = {}
    for line in table.splitlines():
        pid, ppid, name = line.split(None, 2)
        children.setdefault(int(ppid), []).append((int(pid), name))
    found, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child[0])
    return found


def cutover(run_dir: Path) -> datetime | None:
    for step in journal(run_dir)["steps"]:
        if step["id"] == "dns-cutover" and step["finished"]:
            return datetime.fromisoformat(step["finished"].replace("Z", "+00:00"))
    return None


def finished(run_dir: Path | None, step_id: str) -> bool:
    if run_dir is None or not (run_dir / "state.json").exists():
        return False
    status = {s["id"]: s["status"] for s in journal(run_dir)["steps"]}
    return status.get(step_id) in {"done", "already_done"}


def test_killed_at_many_moments_and_resumed(sandbox: Sandbox, tmp_path: Path) -> None:
    """SIGKILL at three moments of every step (23 targets), resuming after each kill."""
    env = write_env(sandbox, tmp_path / "env")
    evidence = tmp_path / "evidence"
    log = tmp_path / "runner.log"
    run_dir: Path | None = None
    kills: list[str] = []
    for step_id in STEPS:
        for moment in (0.0,) if step_id in INSTANT else MOMENTS:
            if finished(run_dir, step_id):
                continue
            runner = Runner(env, evidence, run_dir, log)
            if runner.wait_until(partial(runner.started, step_id)):
                time.sleep(moment)  # the point of the test: a chosen moment into the step
                if runner.kill(signal.SIGKILL):
                    kills.append(f"{step_id}+{moment}")
            else:
                runner.close()
            run_dir = runner.find_run_dir()
            assert run_dir is not None
            assert_never_unsafe(sandbox.state(), sandbox.license_invoice, cutover(run_dir))
    assert len(kills) >= 20, kills
    assert {k.split("+")[0] for k in kills} == set(STEPS), kills
    final = Runner(env, evidence, run_dir, log)
    assert final.close() == 0, log.read_text()[-3000:]
    assert run_dir is not None
    held = holdings(sandbox.state())
    assert held["old"] == []
    assert [t for t, _ in held["new"]] == ["Production"]
    assert_never_unsafe(sandbox.state(), sandbox.license_invoice, cutover(run_dir))
    result = verify_run_dir(run_dir)
    assert result.ok, result.problems
    statuses = {s["status"] for s in journal(run_dir)["steps"]}
    assert statuses <= {"done", "already_done"}, journal(run_dir)["steps"]


@pytest.mark.parametrize("how", ["sigint", "browser-crash"])
def test_ctrl_c_and_a_browser_crash_stop_cleanly_and_resume(
    how: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    """Ctrl-C (exit 130, step marked interrupted) or a dead browser (exit 1) in the middle of
    the old server's removal; the resumed run finishes the move."""
    env = write_env(sandbox, tmp_path / "env")
    evidence = tmp_path / "evidence"
    log = tmp_path / "runner.log"
    runner = Runner(env, evidence, None, log)
    assert runner.wait_until(partial(runner.started, "remove-prod-on-old"))
    time.sleep(0.2)  # a moment into the step, while pages are loading
    if how == "sigint":
        os.kill(runner.process.pid, signal.SIGINT)
        code = runner.close()
        expected = {130}
    else:
        browsers = [pid for pid, name in descendants(runner.process.pid) if "chrom" in name]
        assert browsers, "the runner's browser was not found"
        for pid in browsers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        code = runner.close()
        expected = {1}
    run_dir = runner.find_run_dir()
    assert run_dir is not None
    # The removal may have finished just before the signal landed; then a later step stops.
    assert code in expected | {0}, log.read_text()[-3000:]
    record = journal(run_dir)
    if code != 0:
        assert record["status"] == ("interrupted" if how == "sigint" else "failed")
    assert_never_unsafe(sandbox.state(), sandbox.license_invoice, cutover(run_dir))
    final = Runner(env, evidence, run_dir, log)
    assert final.close() == 0, log.read_text()[-3000:]
    assert [t for t, _ in holdings(sandbox.state())["new"]] == ["Production"]
    assert verify_run_dir(run_dir).ok
