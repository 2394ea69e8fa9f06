"""Every fault of the sandbox ends in success or in a safe stop, never in a lost activation.

The runs are in-process, through the same code as `dnn-runbook run`. A fault that must
strike at a given step is switched on while the run waits at a confirm checkpoint right
before that step, so the moment is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.sandbox import Sandbox
from tests.safety.conftest import CHECKPOINTED, Operator, assert_never_unsafe
from tests.support import (
    RUN_DEFAULTS,
    SEED_RUNBOOK,
    changes,
    holdings,
    in_worker_thread,
    journal,
    only_run_dir,
    run_exit_code,
    write_env,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def cutover_time(run_dir: Path) -> datetime | None:
    """When the operator confirmed the DNS cut-over, from the run's journal."""
    for step in journal(run_dir)["steps"]:
        if step["id"] == "dns-cutover" and step["finished"]:
            return datetime.fromisoformat(step["finished"].replace("Z", "+00:00"))
    return None


def moved(sandbox: Sandbox) -> bool:
    held = holdings(sandbox.state())
    return held["old"] == [] and [t for t, _ in held["new"]] == ["Production"]


class TestFaultsAtTheStepsThatMatter:
    def test_each_license_step_stops_safely_when_the_service_goes_away(
        self,
        sandbox: Sandbox,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """The licensing service becomes unreachable right before each license step in turn;
        each stop is safe and says why, and resuming after the fault clears finishes the move."""
        env = write_env(sandbox, tmp_path / "env")
        evidence = tmp_path / "evidence"
        invoice = sandbox.license_invoice

        def attempt(actions: dict[int, Callable[[], object]], resume: Path | None) -> int:
            monkeypatch.setattr("sys.stdin", Operator(actions))
            return in_worker_thread(
                run_exit_code,
                CHECKPOINTED,
                env_file=env,
                assume_yes=False,
                evidence_dir=evidence,
                resume=resume,
                **RUN_DEFAULTS,
            )

        def fault(*specs: str) -> Callable[[], object]:
            return lambda: sandbox.set_faults(list(specs))

        # 1. Before the Development activation the new server loses the service.
        assert attempt({1: fault("licensing-down:new")}, None) == 1
        run_dir = only_run_dir(evidence)
        step = {s["id"]: s for s in journal(run_dir)["steps"]}["add-dev-on-new"]
        assert step["status"] == "failed"
        assert "cannot reach the DNN licensing service" in step["message"]
        assert changes(sandbox.state()) == []
        sandbox.clear_faults()

        # 2. Before the old server's removal the old server loses it: the interlock holds.
        #    Prompts: dns-cutover (1), before-remove-prod-on-old (2).
        assert attempt({2: fault("licensing-down:old")}, run_dir) == 1
        step = {s["id"]: s for s in journal(run_dir)["steps"]}["remove-prod-on-old"]
        assert "reachable-before-remove" in step["message"]
        assert [t for t, _ in holdings(sandbox.state())["old"]] == ["Production"]
        sandbox.clear_faults()

        # 3. Before the Production activation the new server loses it.
        assert attempt({1: fault("licensing-down:new")}, run_dir) == 1
        step = {s["id"]: s for s in journal(run_dir)["steps"]}["add-prod-on-new"]
        assert step["status"] == "failed"
        assert [t for t, _ in holdings(sandbox.state())["new"]] == ["Development"]
        sandbox.clear_faults()

        # 4. Before the Development removal both servers lose it: a Development activation
        #    costs nothing to lose, so the run finishes.
        assert attempt({1: fault("licensing-down")}, run_dir) == 0
        sandbox.clear_faults()
        assert moved(sandbox)
        assert_never_unsafe(sandbox.state(), invoice, cutover_time(run_dir))
        assert verify_run_dir(run_dir).ok
        assert len(journal(run_dir)["resumed"]) == 3

    def test_the_service_lost_during_preflight_refuses_the_run(
        self, sandbox_factory: Callable[..., Sandbox], tmp_path: Path
    ) -> None:
        """licensing-down from the start: preflight refuses with exit 4 and changes nothing."""
        sandbox = sandbox_factory(faults=["licensing-down"])
        env = write_env(sandbox, tmp_path / "env")
        code = in_worker_thread(
            run_exit_code,
            SEED_RUNBOOK,
            env_file=env,
            assume_yes=True,
            evidence_dir=tmp_path / "e",
            **RUN_DEFAULTS,
        )
        assert code == 4
        assert changes(sandbox.state()) == []
        message = journal(only_run_dir(tmp_path / "e"))["steps"][0]["message"]
        assert "old cannot reach the DNN licensing service" in message
        assert "new cannot reach the DNN licensing service" in message


@pytest.mark.parametrize(
    "faults",
    [
        ["licensing-slow=0.5"],
        ["pages-slow=0.2"],
        ["licensing-flaky=0.3"],
    ],
    ids=lambda faults: faults[0],
)
def test_degraded_services_still_end_safely(
    faults: list[str], sandbox_factory: Callable[..., Sandbox], tmp_path: Path
) -> None:
    """Slow, flaky and forgetful servers: the run succeeds, or stops safely and succeeds when
    resumed after the fault clears; the license is never lost on the way."""
    sandbox = sandbox_factory(faults=faults)
    env = write_env(sandbox, tmp_path / "env")
    evidence = tmp_path / "evidence"
    options: dict[str, Any] = {**RUN_DEFAULTS, "assume_yes": True, "evidence_dir": evidence}
    code = in_worker_thread(run_exit_code, SEED_RUNBOOK, env_file=env, **options)
    run_dir = only_run_dir(evidence)
    if code != 0:
        assert code == 1, journal(run_dir)
        assert_never_unsafe(sandbox.state(), sandbox.license_invoice, cutover_time(run_dir))
        sandbox.clear_faults()
        code = in_worker_thread(
            run_exit_code, SEED_RUNBOOK, env_file=env, resume=run_dir, **options
        )
    assert code == 0, journal(run_dir)
    assert moved(sandbox)
    assert_never_unsafe(sandbox.state(), sandbox.license_invoice, cutover_time(run_dir))
    assert verify_run_dir(run_dir).ok


def test_sessions_that_expire_while_the_operator_is_away_are_logged_in_again(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DNS step takes longer than the sites keep an idle session: the run logs in to both
    servers again and finishes."""
    env = write_env(sandbox, tmp_path / "env")
    evidence = tmp_path / "evidence"

    def away() -> None:
        # The operator stays away longer than the sites keep a session: every session ends.
        sandbox.end_sessions()

    monkeypatch.setattr("sys.stdin", Operator({1: away}))
    code = in_worker_thread(
        run_exit_code, SEED_RUNBOOK, env_file=env, assume_yes=False, evidence_dir=evidence,
        **RUN_DEFAULTS,
    )  # fmt: skip
    assert code == 0, journal(only_run_dir(evidence))
    assert moved(sandbox)
    logins = [e["server"] for e in sandbox.state()["history"] if e["kind"] == "login"]
    # Once at the start and again after the absence (more if a loaded machine idles longer).
    assert logins.count("old") >= 2
    assert logins.count("new") >= 2
