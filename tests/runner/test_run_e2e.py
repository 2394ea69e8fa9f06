"""`dnn-runbook run` and `rehearse` end to end: real Chromium against the sandbox over HTTP."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.runner.advice import REHEARSAL_STOPPED
from dnn_runbook.sandbox import Sandbox
from tests.support import (
    RUN_DEFAULTS,
    SEED_RUNBOOK,
    changes,
    holdings,
    in_worker_thread,
    journal,
    only_run_dir,
    rehearse,
    run_exit_code,
    write_env,
    writes,
)

pytestmark = pytest.mark.e2e


#: The colour at a point of a PNG (a data: URI), decoded by Chromium through a canvas.
_PIXEL = """async ([uri, x, y]) => {
  const image = new Image();
  image.src = uri;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3));
}"""


def _pixel(page: Page, png: Path, x: int, y: int) -> list[int]:
    uri = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode()
    return [int(v) for v in page.evaluate(_PIXEL, [uri, x, y])]


class TestRehearse:
    def test_the_seed_runbook_moves_the_license(self, evidence_dir: Path, page: Page) -> None:
        """The whole seed procedure: afterwards only the new server holds Production; every
        screenshot shows the About panel, never the Settings menu left over it (the pointer
        used to stay on About after a click, and the menu covered the first columns); the
        final screenshot takes verify-new's page as shown, and says so."""
        printed: list[str] = []
        result = in_worker_thread(
            rehearse,
            SEED_RUNBOOK,
            faults=[],
            echo=printed.append,
            assume_yes=True,
            evidence_dir=evidence_dir,
            **RUN_DEFAULTS,
        )
        assert result.exit_code == 0
        held = holdings(result.state)
        invoice = held["new"][0][1]
        assert held == {"old": [], "new": [("Production", invoice)]}
        run_dir = only_run_dir(evidence_dir)
        assert verify_run_dir(run_dir).ok
        steps = journal(run_dir)["steps"]
        assert [s["status"] for s in steps] == ["done"] * len(steps)
        assert any("new: Production" in line for line in printed)
        final = next(s for s in steps if s["id"] == "evidence-final")
        assert "as loaded from the server" in final["message"]
        shots = sorted(run_dir.glob("*.png"))
        assert len(shots) == 12
        for shot in shots:
            # Under the table, left of the panel's middle: the panel's light background, where
            # the Settings menu (dark, 360 px wide beside the bar) would be.
            assert min(_pixel(page, shot, 200, 600)) > 200, shot.name


class TestRun:
    def test_run_then_a_second_run_finds_it_already_migrated(
        self,
        sandbox: Sandbox,
        env_file: Path,
        evidence_dir: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Finding 4: a second run of the finished migration exited 4 with advice to undo it.
        Now it says "already migrated", records verifying evidence, exits 0, clicks nothing."""
        options = {**RUN_DEFAULTS, "assume_yes": True, "evidence_dir": evidence_dir}
        assert in_worker_thread(run_exit_code, SEED_RUNBOOK, env_file=env_file, **options) == 0
        first = {p for p in evidence_dir.iterdir() if p.is_dir()}
        before = sandbox.state()
        capsys.readouterr()
        assert in_worker_thread(run_exit_code, SEED_RUNBOOK, env_file=env_file, **options) == 0
        after = sandbox.state()
        assert writes(after) == writes(before)
        assert holdings(after) == holdings(before)
        assert "Already migrated" in capsys.readouterr().out
        (second,) = {p for p in evidence_dir.iterdir() if p.is_dir()} - first
        assert verify_run_dir(second).ok
        steps = journal(second)["steps"]
        assert steps[0]["status"] == "done"
        assert steps[0]["message"].startswith("Already migrated")
        assert {s["status"] for s in steps[1:]} == {"already_done"}
        assert "Already migrated" in (second / "report.html").read_text()

    def test_invalid_runbook_exits_2_and_starts_nothing(
        self, tmp_path: Path, evidence_dir: Path
    ) -> None:
        """A broken runbook is reported as FILE:LINE:COL and no run directory is made."""
        broken = tmp_path / "broken.yaml"
        broken.write_text(SEED_RUNBOOK.read_text().replace("action: confirm", "action: confirmm"))
        result = CliRunner().invoke(
            app, ["run", str(broken), "--evidence-dir", str(evidence_dir)], terminal_width=120
        )
        assert result.exit_code == 2
        assert f"{broken}:" in result.output
        assert "confirmm" in result.output
        assert not evidence_dir.exists()

    def test_declined_confirmation_exits_3_then_resume_finishes(
        self, sandbox: Sandbox, env_file: Path, evidence_dir: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """'no' at the DNS step stops with exit 3 after the Development license; resume ends it."""
        monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
        options = {**RUN_DEFAULTS, "evidence_dir": evidence_dir}
        assert (
            in_worker_thread(
                run_exit_code, SEED_RUNBOOK, env_file=env_file, assume_yes=False, **options
            )
            == 3
        )
        held = holdings(sandbox.state())
        assert [t for t, _ in held["old"]] == ["Production"]
        assert [t for t, _ in held["new"]] == ["Development"]
        run_dir = only_run_dir(evidence_dir)
        statuses = {s["id"]: s["status"] for s in journal(run_dir)["steps"]}
        assert statuses["add-dev-on-new"] == "done"
        assert statuses["dns-cutover"] == "declined"
        assert statuses["remove-prod-on-old"] == "pending"

        monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
        code = in_worker_thread(
            run_exit_code,
            SEED_RUNBOOK,
            env_file=env_file,
            assume_yes=False,
            resume=run_dir,
            **options,
        )
        assert code == 0
        held = holdings(sandbox.state())
        assert held["old"] == []
        assert [t for t, _ in held["new"]] == ["Production"]
        assert only_run_dir(evidence_dir) == run_dir
        assert verify_run_dir(run_dir).ok
        record = journal(run_dir)
        assert len(record["resumed"]) == 1
        assert record["development_activated"]
        assert record["development_removed"]

    def test_preflight_refuses_when_the_old_server_has_no_license(
        self, sandbox_factory: Any, tmp_path: Path, evidence_dir: Path
    ) -> None:
        """old-unlicensed: exit 4, a one-sentence reason, and nothing changed on any server."""
        sandbox = sandbox_factory(faults=["old-unlicensed"])
        env = write_env(sandbox, tmp_path / "env")
        assert changes(sandbox.state()) == []
        options = {**RUN_DEFAULTS, "assume_yes": True, "evidence_dir": evidence_dir}
        assert in_worker_thread(run_exit_code, SEED_RUNBOOK, env_file=env, **options) == 4
        assert changes(sandbox.state()) == []
        record = journal(only_run_dir(evidence_dir))
        assert record["steps"][0]["status"] == "refused"
        assert "old was expected to hold Production" in record["steps"][0]["message"]


FIREWALLED = SEED_RUNBOOK.parent / "tests" / "runner" / "firewalled.yaml"


class TestFirewalledNewServer:
    def test_manual_activation_moves_the_license_behind_a_firewall(
        self, evidence_dir: Path
    ) -> None:
        """licensing-down:new with manual activation: the Server ID is recorded, the move completes."""
        result = in_worker_thread(
            rehearse,
            FIREWALLED,
            faults=["licensing-down:new"],
            echo=lambda _line: None,
            assume_yes=True,
            evidence_dir=evidence_dir,
            **RUN_DEFAULTS,
        )
        assert result.exit_code == 0
        held = holdings(result.state)
        assert held["old"] == []
        assert [t for t, _ in held["new"]] == ["Production"]
        run_dir = only_run_dir(evidence_dir)
        server_id_file = run_dir / "02-add-dev-on-new-server-id.txt"
        assert result.state["servers"]["new"]["server_id"] in server_id_file.read_text()
        assert verify_run_dir(run_dir).ok

    def test_automatic_activation_behind_a_firewall_is_refused_by_preflight(
        self, evidence_dir: Path
    ) -> None:
        """The seed runbook (automatic activation) refuses to start: exit 4, nothing changed;
        the stop offers no resume command, since the rehearsal's sandbox is gone."""
        printed: list[str] = []
        result = in_worker_thread(
            rehearse,
            SEED_RUNBOOK,
            faults=["licensing-down:new"],
            echo=printed.append,
            assume_yes=True,
            evidence_dir=evidence_dir,
            **RUN_DEFAULTS,
        )
        assert result.exit_code == 4
        assert changes(result.state) == []
        message = journal(only_run_dir(evidence_dir))["steps"][0]["message"]
        assert "new cannot reach the DNN licensing service" in message
        output = "\n".join(printed)
        assert REHEARSAL_STOPPED in output
        assert "--resume" not in output


class TestManualActivationKeys:
    def test_key_from_a_file_and_from_the_prompt(
        self,
        sandbox: Sandbox,
        env_file: Path,
        evidence_dir: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Development's key comes from activation_key_file, Production's is pasted at the
        prompt once the Server ID is shown; neither key reaches the evidence or the output."""
        from dnn_runbook.app.rehearse import key_provider
        from dnn_runbook.runbook import load

        text = FIREWALLED.read_text().replace(
            "    type: Development\n    activation: manual\n",
            "    type: Development\n    activation: manual\n    activation_key_file: dev.key\n",
        )
        runbook = tmp_path / "runbook.yaml"
        runbook.write_text(text)
        steps = {s.id: s for s in load(runbook, env_file=env_file).steps}
        issue = key_provider(sandbox)
        server_id = sandbox.new.server_id
        dev_key = issue(server_id, steps["add-dev-on-new"])  # type: ignore[arg-type]
        (tmp_path / "dev.key").write_text(dev_key + "\n")
        pasted: list[str] = []

        class Paste:
            def readline(self) -> str:
                pasted.append(issue(server_id, steps["add-prod-on-new"]))  # type: ignore[arg-type]
                return pasted[-1] + "\n"

            def isatty(self) -> bool:
                return False

        monkeypatch.setattr("sys.stdin", Paste())
        sandbox.set_faults(["licensing-down:new"])
        code = in_worker_thread(
            run_exit_code, runbook, env_file=env_file, assume_yes=True, evidence_dir=evidence_dir,
            **RUN_DEFAULTS,
        )  # fmt: skip
        assert code == 0
        assert len(pasted) == 1
        held = holdings(sandbox.state())
        assert [t for t, _ in held["new"]] == ["Production"]
        printed = capsys.readouterr()
        assert "Server ID of new" in printed.out
        run_dir = only_run_dir(evidence_dir)
        for key in (dev_key, pasted[0]):
            assert key not in printed.out + printed.err
            for path in run_dir.iterdir():
                assert key.encode() not in path.read_bytes(), path.name


#: A runbook whose confirm message a variable fills with two secrets.
_SECRET_MESSAGE = """\
version: 1
name: secret-message
servers:
  old: {url: "${DNN_OLD_URL}", username: "${DNN_OLD_USERNAME}", password: "${DNN_OLD_PASSWORD}"}
  new: {url: "${DNN_NEW_URL}", username: "${DNN_NEW_USERNAME}", password: "${DNN_NEW_PASSWORD}"}
license: {email: "${DNN_LICENSE_EMAIL}", invoice: "${DNN_LICENSE_INVOICE}"}
steps:
  - id: note
    action: confirm
    message: "Type ${DNN_OLD_PASSWORD} for ${DNN_LICENSE_INVOICE}, then confirm."
"""


class TestSecretsOnTheConsole:
    def test_a_secret_in_a_confirm_message_is_masked_on_stdout(
        self, sandbox_factory: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The finding: run showed such a message in clear while events.jsonl said it was
        redacted. Now the step line, the prompt and the summary show the mask."""
        sandbox = sandbox_factory(host_password="Confirm-Pw-4417")
        runbook = tmp_path / "runbook.yaml"
        runbook.write_text(_SECRET_MESSAGE)
        code = in_worker_thread(
            run_exit_code,
            runbook,
            environ=sandbox.env(),
            assume_yes=True,
            evidence_dir=tmp_path / "evidence",
            **RUN_DEFAULTS,
        )
        printed = capsys.readouterr()
        assert code == 0, printed.err
        text = printed.out + printed.err
        assert "ACTION NEEDED: Type •••• for ••••, then confirm." in text
        for secret in ("Confirm-Pw-4417", sandbox.license_invoice):
            assert secret.casefold() not in text.casefold()
        events = (only_run_dir(tmp_path / "evidence") / "events.jsonl").read_text()
        assert "Confirm-Pw-4417" not in events

    def test_and_in_a_rehearsal(self, tmp_path: Path) -> None:
        """rehearse prints the same masked message (the sandbox's values fill the variables)."""
        runbook = tmp_path / "runbook.yaml"
        runbook.write_text(_SECRET_MESSAGE)
        lines: list[str] = []
        result = in_worker_thread(
            rehearse,
            runbook,
            echo=lines.append,
            assume_yes=True,
            evidence_dir=tmp_path / "evidence",
            **RUN_DEFAULTS,
        )
        assert result.exit_code == 0, lines
        assert "  ACTION NEEDED: Type •••• for ••••, then confirm." in lines
