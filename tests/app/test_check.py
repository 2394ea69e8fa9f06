"""``dnn-runbook check`` end to end, in real Chromium: on the sandbox in its starting state
(exit 0, the plan unfolded, nothing changed, evidence that verifies, a capture with no secret),
in each state that would make a run refuse (exit 4), and on a differently built site whose
Add License form renamed a field (exit 1, naming it)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.app.check import CheckCommandResult, check
from dnn_runbook.captures import PANEL_STATES, Capture
from dnn_runbook.evidence.journal import Journal
from dnn_runbook.evidence.redact import scan_paths
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.exceptions import RunDirError
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.options import RunOptions
from dnn_runbook.sandbox import Sandbox
from tests.pages.conftest import AltSite, serving
from tests.support import SEED_RUNBOOK, in_worker_thread, journal, writes

pytestmark = pytest.mark.e2e

PASSWORD = "Check-Pw-5511"
EMAIL = "check.owner@example.org"
INVOICE = "INV5150-1"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """One sandbox for the module, with known values; each test resets it first."""
    with Sandbox.start(
        host_password=PASSWORD, license_email=EMAIL, license_invoice=INVOICE
    ) as started:
        yield started


@pytest.fixture
def fresh(sandbox: Sandbox) -> Sandbox:
    """The module's sandbox back in its starting state, with no fault."""
    sandbox.reset()
    sandbox.clear_faults()
    return sandbox


def run_check(
    runbook: Path, environ: dict[str, str], tmp_path: Path, **options: Any
) -> tuple[CheckCommandResult, str]:
    """Check through the application layer, as ``dnn-runbook check`` does; what it printed."""
    out = io.StringIO()
    result = in_worker_thread(
        check,
        runbook,
        RunOptions(evidence_dir=tmp_path / "evidence", timeout_s=15, **options),
        environ=environ,
        console=Console(out, interactive=False),
    )
    return result, out.getvalue()


def secrets_of(sandbox: Sandbox) -> dict[str, str]:
    """Every value a capture or the evidence must not show, by label."""
    return {
        "password": PASSWORD,
        "email": EMAIL,
        "invoice": INVOICE,
        "old server id": sandbox.old.server_id,
        "new server id": sandbox.new.server_id,
        "old web server": sandbox.old.server_name,
        "new web server": sandbox.new.server_name,
        "host": "127.0.0.1",
    }


class TestTheStartingState:
    def test_the_run_would_go_through_and_nothing_changed(
        self, fresh: Sandbox, tmp_path: Path
    ) -> None:
        """Exit 0; the plan unfolds with its interlocks; one login per server and no license
        added, removed or renewed, no activation key issued; the evidence verifies and is
        marked as a check; the capture holds no secret and every page."""
        capture = tmp_path / "capture.json"
        result, printed = run_check(SEED_RUNBOOK, fresh.env(), tmp_path, capture=capture)
        assert result.exit_code is ExitCode.OK, printed
        assert (
            "step 5 would remove Production ••••50-1 from old; the interlock "
            "'reachable-before-remove' would hold because old reaches the licensing service; "
            "the interlock 'replacement-first' would hold because new would hold Development."
        ) in printed
        assert "The run would go through. Nothing was changed." in printed
        state = fresh.state()
        assert writes(state) == []
        kinds = [event["kind"] for event in state["history"]]
        assert kinds.count("login") == 2
        assert "login_failed" not in kinds

        run_dir = result.run.run_dir
        assert run_dir is not None
        assert run_dir.name.endswith("-migrate-evoq-license-check")
        assert verify_run_dir(run_dir).ok
        recorded = journal(run_dir)
        assert (recorded["kind"], recorded["status"]) == ("check", "check_passed")
        assert [step["id"] for step in recorded["steps"][:2]] == ["check.old", "check.new"]
        assert any(
            name.endswith("-add-license.png") for name in recorded["steps"][1]["screenshots"]
        )
        assert "A check: nothing was changed" in (run_dir / "report.html").read_text()
        with pytest.raises(RunDirError, match="nothing to resume"):
            Journal.load(run_dir)

        # The evidence hides the secrets, as a run's does; the capture every identifier too.
        assert (
            scan_paths([run_dir], {"password": PASSWORD, "email": EMAIL, "invoice": INVOICE}) == []
        )
        assert scan_paths([capture], secrets_of(fresh)) == []
        written = Capture.loads(capture.read_text(encoding="utf-8"))
        assert [server.label for server in written.servers] == ["server-1", "server-2"]
        for server in written.servers:
            assert {shot.name for shot in server.snapshots} == {"menu", *PANEL_STATES}
            assert server.versions["about_title"] == "About"
            assert any(resource.api for resource in server.resources)
            assert server.notes == ()
        about = written.servers[0].snapshot("about")
        assert about is not None
        assert 'data-replay-action="remove"' in about.html


class TestAlreadyMigrated:
    def test_the_end_state_is_exit_0_and_says_so(self, fresh: Sandbox, tmp_path: Path) -> None:
        """The servers already hold what the runbook leads to (Production moved by another
        administrator): the check says the run would change nothing and exits 0, as the run
        would, instead of calling the run refused."""
        fresh.remove_license("old", "Production")
        fresh.add_license("new", "Production")
        before = len(writes(fresh.state()))
        result, printed = run_check(SEED_RUNBOOK, fresh.env(), tmp_path)
        assert result.exit_code is ExitCode.OK, printed
        assert "find the servers already migrated (old: no license; new: Production" in printed
        assert "Preflight would refuse" not in printed
        assert len(writes(fresh.state())) == before


class TestRefusals:
    """Each state that would make a run refuse: exit 4, with why, and nothing changed."""

    def test_a_server_cut_off_from_the_licensing_service(
        self, fresh: Sandbox, tmp_path: Path
    ) -> None:
        """Preflight would refuse: the server named, the rest of the plan not reached."""
        fresh.set_faults(["licensing-down:old"])
        result, printed = run_check(SEED_RUNBOOK, fresh.env(), tmp_path)
        assert result.exit_code is ExitCode.PREFLIGHT_REFUSED, printed
        assert "old cannot reach the DNN licensing service" in printed
        assert "step 2 would not be reached" in printed
        assert writes(fresh.state()) == []

    def test_accounts_that_cannot_be_used(self, fresh: Sandbox, tmp_path: Path) -> None:
        """A wrong password is tried once, no more, and the page's "Login Failed" is the
        reason; an administrator who is not a superuser is told to log in as a host."""
        environ = {
            **fresh.env(),
            "DNN_OLD_USERNAME": fresh.old.admin_username,
            "DNN_OLD_PASSWORD": fresh.old.admin_password,
            "DNN_NEW_PASSWORD": "not-the-password",
        }
        result, printed = run_check(SEED_RUNBOOK, environ, tmp_path)
        assert result.exit_code is ExitCode.PREFLIGHT_REFUSED, printed
        assert "Login Failed" in printed
        assert "DNN locks an account after a few failed logins" in printed
        assert "superuser (host)" in printed
        kinds = [(e["kind"], e["server"]) for e in fresh.state()["history"]]
        assert kinds.count(("login_failed", "new")) == 1
        assert "not-the-password" not in printed
        assert writes(fresh.state()) == []

    def test_an_interlock_would_stop_a_step(self, fresh: Sandbox, tmp_path: Path) -> None:
        """A runbook removing Production with no server to replace it: replacement-first."""
        runbook = tmp_path / "early.yaml"
        runbook.write_text(
            "version: 1\nname: early-removal\nservers:\n"
            "  old: {url: '${DNN_OLD_URL}', username: host, password: '${DNN_OLD_PASSWORD}'}\n"
            "license: {email: '${DNN_LICENSE_EMAIL}', invoice: '${DNN_LICENSE_INVOICE}'}\n"
            "steps:\n  - {id: remove-prod, action: remove_license, server: old, type: Production}\n"
        )
        result, printed = run_check(runbook, fresh.env(), tmp_path)
        assert result.exit_code is ExitCode.PREFLIGHT_REFUSED, printed
        assert "the interlock 'replacement-first' would stop it" in printed
        assert writes(fresh.state()) == []

    def test_the_old_server_holds_nothing(
        self, sandbox_factory: Callable[..., Sandbox], tmp_path: Path
    ) -> None:
        """old-unlicensed: the runbook's expect: does not hold, and the check says so."""
        unlicensed = sandbox_factory(faults=["old-unlicensed"])
        result, printed = run_check(SEED_RUNBOOK, unlicensed.env(), tmp_path)
        assert result.exit_code is ExitCode.PREFLIGHT_REFUSED, printed
        assert "old was expected to hold Production" in printed


class TestMissingControls:
    def test_a_renamed_field_is_named_with_what_was_there(self, tmp_path: Path) -> None:
        """A site whose Add License says "Invoice No." instead of "Invoice Number": exit 1,
        naming the field and the labels the form showed."""
        new = AltSite(renamed={"Invoice Number*": "Invoice No.*"})
        runbook = tmp_path / "add.yaml"
        with serving(new):
            runbook.write_text(
                "version: 1\nname: add-development\nservers:\n"
                f"  new: {{url: '{new.url}', username: host, password: '${{PW}}'}}\n"
                f"license: {{email: {new.email}, invoice: {new.invoice}}}\n"
                "steps:\n  - {id: add-dev, action: add_license, server: new, type: Development}\n"
            )
            result, printed = run_check(runbook, {"PW": new.password}, tmp_path)
        assert result.exit_code is ExitCode.STEP_FAILED, printed
        assert "new: the Invoice Number field of Add License was not found" in printed
        assert "'Invoice No.*" in printed
        assert "A control the run needs was not found" in printed
