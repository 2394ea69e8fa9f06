"""A resume that cannot be fooled, end to end: a run stopped at the DNS confirmation (old
holding Production, new holding Development) and attempts to resume it that issue 13 found
believed, each refused with exit 2 before a browser starts, nothing moved in the sandbox."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.sandbox import Sandbox
from tests.evidence.test_lock import hold
from tests.support import (
    RUN_DEFAULTS,
    SEED_RUNBOOK,
    holdings,
    in_worker_thread,
    journal,
    only_run_dir,
    run_exit_code,
    write_env,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("stopped-run")]


@dataclass(frozen=True)
class Stopped:
    """The sandbox, its env file and the run directory of a run stopped at dns-cutover."""

    sandbox: Sandbox
    env: Path
    run_dir: Path
    folder: Path


@pytest.fixture(scope="module")
def stopped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stopped]:
    """The operator answered no at the DNS confirmation: exit 3, new holds Development."""
    folder = tmp_path_factory.mktemp("stopped")
    with Sandbox.start() as sandbox, pytest.MonkeyPatch.context() as patch:
        env = write_env(sandbox, folder / "env")
        patch.setattr("sys.stdin", io.StringIO("no\n"))
        code = in_worker_thread(
            run_exit_code,
            SEED_RUNBOOK,
            env_file=env,
            assume_yes=False,
            evidence_dir=folder / "evidence",
            **RUN_DEFAULTS,
        )
        assert code == 3
        run_dir = only_run_dir(folder / "evidence")
        yield Stopped(sandbox, env, run_dir, folder)


def _copy(stopped: Stopped, tmp_path: Path) -> Path:
    """A copy of the stopped run's directory to attack."""
    target = tmp_path / "evidence" / stopped.run_dir.name
    shutil.copytree(stopped.run_dir, target)
    return target


def _resume(stopped: Stopped, run_dir: Path, env: Path | None = None) -> int:
    return int(
        in_worker_thread(
            run_exit_code,
            SEED_RUNBOOK,
            env_file=env or stopped.env,
            environ={},
            resume=run_dir,
            assume_yes=True,
            **RUN_DEFAULTS,
        )
    )


def _env_with(stopped: Stopped, path: Path, **changes: str) -> Path:
    values = dict(line.split("=", 1) for line in stopped.env.read_text().splitlines())
    values.update(changes)
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    path.chmod(0o600)
    return path


def _edit_journal(run_dir: Path, edit: Any) -> None:
    data = journal(run_dir)
    edit(data)
    (run_dir / "state.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


class TestResumeRefusals:
    def test_the_stopped_run_is_as_expected(self, stopped: Stopped) -> None:
        """The starting point: old holds Production, new Development; the evidence verifies."""
        held = holdings(stopped.sandbox.state())
        assert [t for t, _ in held["old"]] == ["Production"]
        assert [t for t, _ in held["new"]] == ["Development"]
        assert verify_run_dir(stopped.run_dir).ok

    def test_old_and_new_swapped_in_the_env_file(
        self, stopped: Stopped, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The finding: with old and new swapped, a resume said steps 5-7 were already done.
        Now: exit 2 naming both addresses, and nothing moves in the sandbox."""
        sandbox = stopped.sandbox
        swapped = _env_with(
            stopped,
            tmp_path / "swapped.env",
            DNN_OLD_URL=sandbox.new.url,
            DNN_NEW_URL=sandbox.old.url,
        )
        history = len(sandbox.state()["history"])
        assert _resume(stopped, _copy(stopped, tmp_path), swapped) == 2
        error = capsys.readouterr().err
        assert f"servers.old.url was '{sandbox.old.url}', now '{sandbox.new.url}'" in error
        assert f"servers.new.url was '{sandbox.new.url}', now '{sandbox.old.url}'" in error
        assert len(sandbox.state()["history"]) == history

    def test_another_invoice(
        self, stopped: Stopped, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Resuming with another invoice logged the removal as already done. Now: exit 2,
        the invoice named as changed, neither value shown."""
        other = _env_with(stopped, tmp_path / "other.env", DNN_LICENSE_INVOICE="INV999-9")
        history = len(stopped.sandbox.state()["history"])
        assert _resume(stopped, _copy(stopped, tmp_path), other) == 2
        error = capsys.readouterr().err
        assert "license.invoice: it resolves to another value than the run's" in error
        assert "INV999-9" not in error
        assert stopped.sandbox.license_invoice not in error
        assert len(stopped.sandbox.state()["history"]) == history

    @pytest.mark.parametrize(
        "attack",
        ["steps 3-6 marked done", "runbook hash pointed elsewhere", "development window erased"],
    )
    def test_a_tampered_journal(
        self, stopped: Stopped, tmp_path: Path, capsys: pytest.CaptureFixture[str], attack: str
    ) -> None:
        """The journal edited after the run: refused (exit 2), verify still says NOT intact."""
        run_dir = _copy(stopped, tmp_path)

        def edit(data: dict[str, Any]) -> None:
            if attack == "steps 3-6 marked done":
                for step in data["steps"][2:6]:
                    step["status"] = "done"
            elif attack == "runbook hash pointed elsewhere":
                data["runbook"]["sha256"] = "0" * 64
            else:
                data["development_activated"] = None

        _edit_journal(run_dir, edit)
        history = len(stopped.sandbox.state()["history"])
        assert _resume(stopped, run_dir) == 2
        assert "state.json was altered" in capsys.readouterr().err
        assert not verify_run_dir(run_dir).ok
        assert len(stopped.sandbox.state()["history"]) == history

    def test_an_edited_event_and_a_planted_screenshot(
        self, stopped: Stopped, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Both were chained by a resume and came out intact. Now: refused, still reported."""
        run_dir = _copy(stopped, tmp_path)
        events = run_dir / "events.jsonl"
        events.write_text(
            events.read_text().replace(
                '"licensing_reachable": true', '"licensing_reachable": false', 1
            )
        )
        (run_dir / "05-remove-prod-on-old-after.png").write_bytes(
            (run_dir / "01-preflight-old.png").read_bytes()
        )
        assert _resume(stopped, run_dir) == 2
        error = capsys.readouterr().err
        assert "events.jsonl was altered before its end" in error
        assert "05-remove-prod-on-old-after.png is not in the manifest" in error
        problems = "\n".join(verify_run_dir(run_dir).problems)
        assert "05-remove-prod-on-old-after.png is unexpected" in problems

    def test_two_resumes_at_once(
        self, stopped: Stopped, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """While another process holds the run directory, a resume is refused (exit 2),
        naming the holder; nothing moves."""
        run_dir = _copy(stopped, tmp_path)
        holder = hold(run_dir)
        try:
            history = len(stopped.sandbox.state()["history"])
            assert _resume(stopped, run_dir) == 2
            assert f"is in use by process {holder.pid}" in capsys.readouterr().err
            assert len(stopped.sandbox.state()["history"]) == history
        finally:
            holder.kill()
            holder.wait()

    def test_the_control_an_honest_resume_finishes(self, stopped: Stopped, tmp_path: Path) -> None:
        """Last, as it moves the license: the same env file resumes and finishes the move;
        the evidence verifies, sha256sum -c agrees, and the stale lock of the killed holder
        above is no obstacle."""
        run_dir = _copy(stopped, tmp_path)
        assert _resume(stopped, run_dir) == 0
        held = holdings(stopped.sandbox.state())
        assert held["old"] == []
        assert [t for t, _ in held["new"]] == ["Production"]
        assert verify_run_dir(run_dir).ok
        done = subprocess.run(
            ["sha256sum", "-c", "--strict", "SHA256SUMS"],
            cwd=run_dir,
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout
