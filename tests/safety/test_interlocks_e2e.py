"""Every interlock fires through the whole runner, for every license type it guards, at the
moment a server no longer holds what preflight saw.

The runs go through the application layer as `dnn-runbook run` does. The change that makes a
rule fire is made behind the run's back (the sandbox's truth API: another administrator in that
server's own About page, or a firewall) while the run waits at a confirm checkpoint right before
the step, so the moment is exact. Each test then proves the three things the rule is for: the
run stops with exit 1 naming the rule, nothing was clicked (the sandbox's history shows no
refused activation, no removal, no lost activation after the change), and the evidence holds
the fresh read that fired it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: The catalogue's invoice of each single-activation type other than Production.
INVOICES = {"Staging": "INV003-1", "Test": "INV004-1", "Failover": "INV005-1"}

_HEAD = """\
version: 1
name: interlock-{name}
servers:
  old: {{url: "${{DNN_OLD_URL}}", username: "${{DNN_OLD_USERNAME}}", password: "${{DNN_OLD_PASSWORD}}"}}
  new: {{url: "${{DNN_NEW_URL}}", username: "${{DNN_NEW_USERNAME}}", password: "${{DNN_NEW_PASSWORD}}"}}
license:
  email: ${{DNN_LICENSE_EMAIL}}
  invoice: ${{DNN_TEST_INVOICE}}
steps:
  - id: preflight
    action: preflight
    expect: {{old: [{held}], new: []}}
  - id: checkpoint
    action: confirm
    message: Checkpoint before the license step.
"""


def typed_runbook(path: Path, license_type: str, *, remove: bool) -> Path:
    """A runbook that removes ``license_type`` from old (which holds it at the start) or adds
    it on new (nothing held at the start), after a checkpoint."""
    step = (
        f"  - {{id: remove-on-old, action: remove_license, server: old, type: {license_type}}}\n"
        if remove
        else f"  - {{id: add-on-new, action: add_license, server: new, type: {license_type}}}\n"
    )
    held = license_type if remove else ""
    path.write_text(_HEAD.format(name=license_type.lower(), held=held) + step)
    return path


def run(
    sandbox: Sandbox,
    runbook: Path,
    evidence: Path,
    monkeypatch: pytest.MonkeyPatch,
    actions: dict[int, Callable[[], object]],
    *,
    invoice: str | None = None,
) -> int:
    """Run ``runbook`` against the sandbox, the operator running ``actions`` at the prompts."""
    monkeypatch.setattr("sys.stdin", Operator(actions))
    environ = {**sandbox.env(), "DNN_TEST_INVOICE": invoice or sandbox.license_invoice}
    return in_worker_thread(
        run_exit_code,
        runbook,
        environ=environ,
        assume_yes=False,
        evidence_dir=evidence,
        **RUN_DEFAULTS,
    )


def events(run_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]


def reads_in(run_dir: Path, step_id: str) -> dict[str, dict[str, Any]]:
    """The last table read of each server in ``step_id``, from the run's events."""
    found: dict[str, dict[str, Any]] = {}
    for event in events(run_dir):
        if event.get("event") == "license_table_read" and event.get("step_id") == step_id:
            found[event["server"]] = event
    return found


def types_read(read: dict[str, Any]) -> list[str]:
    return sorted(row["type"] for row in read["licenses"] if row["activated"])


def run_changes_after_last_outside_change(state: dict[str, Any]) -> list[dict[str, Any]]:
    """What the run changed after the last change made behind its back (or fault switched)."""
    history = state["history"]
    marks = [
        n
        for n, e in enumerate(history)
        if e.get("via") == "outside" or e.get("how") == "outside" or e["kind"] == "faults_changed"
    ]
    after = history[marks[-1] + 1 :] if marks else history
    return [e for e in after if e["kind"] in WRITES]


@dataclass(frozen=True)
class Stop:
    """How a stopped run must look."""

    step: str
    rule: str
    #: Which server's fresh read shows what fired the rule, and what it shows.
    read_server: str
    read_shows: Callable[[dict[str, Any]], bool]


def assert_stopped(code: int, run_dir: Path, sandbox: Sandbox, stop: Stop) -> None:
    assert code == 1, journal(run_dir)
    steps = {s["id"]: s for s in journal(run_dir)["steps"]}
    step = steps[stop.step]
    assert step["status"] == "failed"
    assert (
        f"Interlock '{stop.rule}' stopped the step before anything was clicked" in step["message"]
    )
    stopped = [e for e in events(run_dir) if e.get("event") == "step_stopped"]
    assert [e["kind"] for e in stopped] == ["InterlockError"]
    # Before the click: after the change behind its back the run changed nothing.
    state = sandbox.state()
    assert run_changes_after_last_outside_change(state) == []
    assert [e for e in state["history"] if e["kind"] == "activation_refused"] == []
    assert lost_activations(state) == []
    # The evidence: the fresh read in this step that fired the rule.
    read = reads_in(run_dir, stop.step).get(stop.read_server)
    assert read is not None, f"no read of {stop.read_server} in {stop.step}"
    assert stop.read_shows(read), read


class TestProductionInTheSeedProcedure:
    """The seed procedure with a checkpoint before each license step. Prompts: 1 before
    add-dev-on-new, 2 dns-cutover, 3 before remove-prod-on-old, 4 before add-prod-on-new,
    5 before remove-dev-on-new."""

    def go(
        self,
        sandbox: Sandbox,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        actions: dict[int, Callable[[], object]],
    ) -> tuple[int, Path]:
        evidence = tmp_path / "evidence"
        code = run(sandbox, CHECKPOINTED, evidence, monkeypatch, actions)
        return code, only_run_dir(evidence)

    def test_replacement_first_when_new_lost_its_development_license(
        self, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Someone removed new's Development license after it was added: old's Production is
        the site's only license and stays."""
        changed = {3: lambda: sandbox.remove_license("new", "Development")}
        code, run_dir = self.go(sandbox, tmp_path, monkeypatch, changed)
        assert_stopped(
            code,
            run_dir,
            sandbox,
            Stop("remove-prod-on-old", "replacement-first", "new", lambda r: not r["licenses"]),
        )
        assert [t for t, _ in holdings(sandbox.state())["old"]] == ["Production"]

    def test_reachable_before_remove_when_old_loses_the_service(
        self, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        changed = {3: lambda: sandbox.set_faults(["licensing-down:old"])}
        code, run_dir = self.go(sandbox, tmp_path, monkeypatch, changed)
        assert_stopped(
            code,
            run_dir,
            sandbox,
            Stop(
                "remove-prod-on-old",
                "reachable-before-remove",
                "old",
                lambda r: r["licensing_reachable"] is False,
            ),
        )
        assert [t for t, _ in holdings(sandbox.state())["old"]] == ["Production"]

    def test_single_activation_when_old_got_production_back(
        self, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """After old's removal someone activated Production there again: activating it on new
        would be refused by the licensing service, so it is not tried."""
        changed = {4: lambda: sandbox.add_license("old", "Production")}
        code, run_dir = self.go(sandbox, tmp_path, monkeypatch, changed)
        assert_stopped(
            code,
            run_dir,
            sandbox,
            Stop(
                "add-prod-on-new",
                "single-activation",
                "old",
                lambda r: types_read(r) == ["Production"],
            ),
        )
        assert [t for t, _ in holdings(sandbox.state())["new"]] == ["Development"]

    def test_development_removed_last_when_new_lost_production(
        self, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Someone removed Production from new: its Development license is the site's last."""
        changed = {5: lambda: sandbox.remove_license("new", "Production")}
        code, run_dir = self.go(sandbox, tmp_path, monkeypatch, changed)
        assert_stopped(
            code,
            run_dir,
            sandbox,
            Stop(
                "remove-dev-on-new",
                "development-removed-last",
                "new",
                lambda r: types_read(r) == ["Development"],
            ),
        )
        assert [t for t, _ in holdings(sandbox.state())["new"]] == ["Development"]

    def test_development_removed_last_does_not_count_a_development_license_elsewhere(
        self, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Production gone from new and a Development license on old: a Development license on
        another server does not carry the site, so the rule still fires."""

        def change() -> None:
            sandbox.remove_license("new", "Production")
            sandbox.add_license("old", "Development")

        code, run_dir = self.go(sandbox, tmp_path, monkeypatch, {5: change})
        assert_stopped(
            code,
            run_dir,
            sandbox,
            Stop(
                "remove-dev-on-new",
                "development-removed-last",
                "old",
                lambda r: types_read(r) == ["Development"],
            ),
        )
        assert [t for t, _ in holdings(sandbox.state())["new"]] == ["Development"]


@pytest.mark.parametrize("license_type", sorted(INVOICES))
class TestEveryOtherSingleActivationType:
    def test_single_activation(
        self,
        license_type: str,
        sandbox: Sandbox,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Preflight saw no server holding it; then someone activated it on old."""
        runbook = typed_runbook(tmp_path / "add.yaml", license_type, remove=False)
        changed = {1: lambda: sandbox.add_license("old", license_type)}
        evidence = tmp_path / "evidence"
        invoice = INVOICES[license_type]
        code = run(sandbox, runbook, evidence, monkeypatch, changed, invoice=invoice)
        assert_stopped(
            code,
            only_run_dir(evidence),
            sandbox,
            Stop("add-on-new", "single-activation", "old", lambda r: license_type in types_read(r)),
        )
        assert holdings(sandbox.state())["new"] == []

    def test_replacement_first(
        self,
        license_type: str,
        sandbox: Sandbox,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Old holds it and no other server holds anything for its invoice."""
        sandbox.add_license("old", license_type)
        runbook = typed_runbook(tmp_path / "remove.yaml", license_type, remove=True)
        evidence = tmp_path / "evidence"
        invoice = INVOICES[license_type]
        code = run(sandbox, runbook, evidence, monkeypatch, {}, invoice=invoice)
        assert_stopped(
            code,
            only_run_dir(evidence),
            sandbox,
            Stop("remove-on-old", "replacement-first", "new", lambda r: not r["licenses"]),
        )
        assert (license_type, invoice) in holdings(sandbox.state())["old"]

    def test_reachable_before_remove(
        self,
        license_type: str,
        sandbox: Sandbox,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Old loses the licensing service after preflight."""
        sandbox.add_license("old", license_type)
        runbook = typed_runbook(tmp_path / "remove.yaml", license_type, remove=True)
        changed = {1: lambda: sandbox.set_faults(["licensing-down:old"])}
        evidence = tmp_path / "evidence"
        invoice = INVOICES[license_type]
        code = run(sandbox, runbook, evidence, monkeypatch, changed, invoice=invoice)
        assert_stopped(
            code,
            only_run_dir(evidence),
            sandbox,
            Stop(
                "remove-on-old",
                "reachable-before-remove",
                "old",
                lambda r: r["licensing_reachable"] is False,
            ),
        )
        assert (license_type, invoice) in holdings(sandbox.state())["old"]


def test_single_activation_does_not_hold_back_a_development_license(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Development activations are unlimited: one on old does not stop one on new."""
    runbook = typed_runbook(tmp_path / "add.yaml", "Development", remove=False)
    runbook.write_text(
        runbook.read_text().replace("old: [], new: []", "old: [Production], new: []")
    )
    changed = {1: lambda: sandbox.add_license("old", "Development")}
    evidence = tmp_path / "evidence"
    code = run(sandbox, runbook, evidence, monkeypatch, changed)
    assert code == 0, journal(only_run_dir(evidence))
    assert [t for t, _ in holdings(sandbox.state())["new"]] == ["Development"]
