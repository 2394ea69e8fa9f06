"""Recovery end to end, real Chromium against the sandbox: a resume that changes how the
unfinished steps are done (finding 1), ``dnn-runbook rollback`` (finding 7) and the commands a
stopped run names."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dnn_runbook.cli import app
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.sandbox import Sandbox
from tests.support import (
    RUN_DEFAULTS,
    SEED_RUNBOOK,
    holdings,
    in_worker_thread,
    journal,
    only_run_dir,
    run_exit_code,
    writes,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


class Operator:
    """Standard input that answers every prompt ``answer``, first running the action the test
    set for that prompt (by its number, from 1), such as cutting a server off."""

    def __init__(self, answer: str, actions: dict[int, Callable[[], object]]) -> None:
        self.answer, self.actions, self.prompts = answer, actions, 0

    def readline(self) -> str:
        self.prompts += 1
        action = self.actions.get(self.prompts)
        if action is not None:
            action()
        return f"{self.answer}\n"

    def isatty(self) -> bool:
        return False


def cli(*args: str, stdin: str | None = None) -> Result:
    """``dnn-runbook ARGS`` in a thread of its own (Playwright's sync API needs one)."""
    return in_worker_thread(CliRunner().invoke, app, list(args), input=stdin, terminal_width=200)


def types(sandbox: Sandbox) -> dict[str, list[str]]:
    """Which license types each server holds now (one invoice in these tests)."""
    return {name: [t for t, _ in held] for name, held in holdings(sandbox.state()).items()}


def events(run_dir: Path) -> list[dict[str, object]]:
    """A run's events, parsed."""
    lines = (run_dir / "events.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


class TestRollback:
    def test_no_at_the_dns_prompt_then_rollback_restores_the_start(
        self,
        sandbox: Sandbox,
        env_file: Path,
        evidence_dir: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Finding 7: 'no' at the DNS prompt left a Development license active with no way
        back. Now the stop names the rollback command, which leaves new with no license and
        old with its Production, in a run directory of its own that verifies and names the
        run it backs out; a second rollback finds nothing left to do."""
        monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
        options = {**RUN_DEFAULTS, "evidence_dir": evidence_dir}
        code = in_worker_thread(run_exit_code, SEED_RUNBOOK, env_file=env_file, **options)
        assert code == 3
        assert types(sandbox) == {"old": ["Production"], "new": ["Development"]}
        run_dir = only_run_dir(evidence_dir)
        printed = capsys.readouterr().out
        assert f"dnn-runbook rollback {run_dir} --env-file {env_file}" in printed
        assert f"dnn-runbook run {SEED_RUNBOOK} --env-file {env_file} --resume {run_dir}" in printed

        result = cli("rollback", str(run_dir), "--env-file", str(env_file), "--yes")
        assert result.exit_code == 0, result.output
        assert types(sandbox) == {"old": ["Production"], "new": []}
        (back,) = [p for p in evidence_dir.iterdir() if p.is_dir() and p != run_dir]
        assert back.name.endswith("-migrate-evoq-license-rollback")
        assert verify_run_dir(back).ok
        assert verify_run_dir(run_dir).ok
        steps = {s["id"]: s for s in journal(back)["steps"]}
        assert list(steps) == [
            "preflight",
            "confirm-rollback",
            "remove-development-on-new",
            "verify-production-on-old",
        ]
        assert {s["status"] for s in steps.values()} == {"done"}
        started = [e for e in events(back) if e.get("event") == "step_started"]
        assert any(journal(run_dir)["run_id"] in str(e["description"]) for e in started)

        before = writes(sandbox.state())
        again = cli("rollback", str(run_dir), "--env-file", str(env_file), "--yes")
        assert again.exit_code == 0, again.output
        assert "Already migrated" in again.output
        assert writes(sandbox.state()) == before


class TestFinding1:
    def test_manual_activation_after_the_old_license_went(
        self,
        sandbox: Sandbox,
        env_file: Path,
        evidence_dir: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Finding 1: new cut off from the licensing service while the run waited at the DNS
        prompt; Production left old, add-prod-on-new failed advising manual activation, and a
        resume with that edit exited 2. Now: the stop names the resume command; rollback
        refuses (exit 2, the way is forward); the edited resume shows the diff, is confirmed,
        finishes, and its evidence verifies and records the change."""
        from dnn_runbook.app.rehearse import key_provider
        from dnn_runbook.runbook import load

        runbook = tmp_path / "runbook.yaml"
        runbook.write_text(SEED_RUNBOOK.read_text())
        cut_off = {1: lambda: sandbox.set_faults(["licensing-down:new"])}
        monkeypatch.setattr("sys.stdin", Operator("yes", cut_off))
        options = {**RUN_DEFAULTS, "evidence_dir": evidence_dir}
        code = in_worker_thread(run_exit_code, runbook, env_file=env_file, **options)
        assert code == 1
        assert types(sandbox) == {"old": [], "new": ["Development"]}
        run_dir = only_run_dir(evidence_dir)
        statuses = {s["id"]: s["status"] for s in journal(run_dir)["steps"]}
        assert statuses["remove-prod-on-old"] == "done"
        assert statuses["add-prod-on-new"] == "failed"
        printed = capsys.readouterr()
        assert "activation: manual" in printed.out + printed.err
        resume = f"dnn-runbook run {runbook} --env-file {env_file} --resume {run_dir}"
        assert resume in printed.out
        assert "dnn-runbook rollback" not in printed.out

        history = len(sandbox.state()["history"])
        refused = cli("rollback", str(run_dir), "--env-file", str(env_file), "--yes")
        assert refused.exit_code == 2
        assert "'remove-prod-on-old'" in refused.output
        assert resume in " ".join(refused.output.split())
        assert len(sandbox.state()["history"]) == history

        # The operator's edit: manual activation with the key the request page gives for
        # new's Server ID (the sandbox's licensing service stands in for DNN's).
        step = load(runbook, env_file=env_file).step("add-prod-on-new")
        key = key_provider(sandbox)(sandbox.new.server_id, step)  # type: ignore[arg-type]
        (tmp_path / "prod.key").write_text(key + "\n")
        runbook.write_text(
            runbook.read_text().replace(
                "    type: Production\n  - id: remove-dev-on-new",
                "    type: Production\n    activation: manual\n    activation_key_file: prod.key\n"
                "  - id: remove-dev-on-new",
            )
        )
        declined = cli(*resume.split()[1:], stdin="no\n")
        assert declined.exit_code == 3
        assert types(sandbox) == {"old": [], "new": ["Development"]}

        result = cli(*resume.split()[1:], stdin="yes\n")
        assert result.exit_code == 0, result.output
        shown = " ".join(result.output.split())
        assert "steps 'add-prod-on-new'.activation was 'automatic', now 'manual'" in shown
        assert "steps 'add-prod-on-new'.activation_key_file was None" in shown
        assert types(sandbox) == {"old": [], "new": ["Production"]}
        assert verify_run_dir(run_dir).ok
        record = journal(run_dir)
        (amendment,) = record["amendments"]
        assert amendment["confirmed_by"] == "the operator"
        assert (
            "steps 'add-prod-on-new'.activation was 'automatic', now 'manual'"
            in (amendment["changes"])
        )
        amended = [e for e in events(run_dir) if e.get("event") == "runbook_amended"]
        assert len(amended) == 1
        report = max(run_dir.glob("report*.html"), key=lambda p: p.stat().st_mtime).read_text()
        assert "runbook_amended" in report
        assert key not in report
        for path in run_dir.iterdir():
            assert key.encode() not in path.read_bytes(), path.name
