"""The check's verdict and how it ends when it cannot look, without a browser: a missing
control wins over a refusal, and Ctrl-C or a browser that will not start still leave evidence
that verifies. (The check against real Chromium: tests/app/test_check.py.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.exceptions import BrowserNotFoundError
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runner.check import Check, check_runbook
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.engine import steps_to_run
from dnn_runbook.runner.options import RunOptions
from dnn_runbook.runner.probe import MissingControl, ServerProbe
from dnn_runbook.runner.simulation import simulate
from dnn_runbook.runner.verdict import verdict
from dnn_runbook.runner.views import ServerView
from tests.support import journal, license_row, seed_runbook


def probes(*, missing: bool) -> list[ServerProbe]:
    lacking = (MissingControl("new", "the Invoice Number field", "no field", "labels 'X'"),)
    return [
        ServerProbe("old", view=ServerView("old", (), licensing_reachable=True)),
        ServerProbe(
            "new",
            view=ServerView("new", (), licensing_reachable=True),
            missing=lacking if missing else (),
        ),
    ]


class TestVerdict:
    def test_a_missing_control_wins_over_a_refusal(self) -> None:
        """Old holds nothing (a refusal) and a field is missing: exit 1, naming both."""
        runbook = seed_runbook()
        found = probes(missing=True)
        simulation = simulate(
            runbook, steps_to_run(runbook), {p.name: p.view for p in found if p.view}
        )
        code, error = verdict(found, simulation)
        assert code is ExitCode.STEP_FAILED
        assert error is not None
        assert error.startswith("A control the run needs was not found: new: the Invoice")
        assert "The run would also be refused" in error

    def test_a_refusal_alone_is_exit_4_and_nothing_is_exit_0(self) -> None:
        """Without a missing control the simulation decides."""
        runbook = seed_runbook()
        found = probes(missing=False)
        views = {p.name: p.view for p in found if p.view}
        refused = simulate(runbook, steps_to_run(runbook), views)
        assert verdict(found, refused)[0] is ExitCode.PREFLIGHT_REFUSED
        views["old"] = ServerView("old", (license_row("Production"),), licensing_reachable=True)
        passing = simulate(runbook, steps_to_run(runbook), views)
        assert verdict(found, passing) == (ExitCode.OK, None)


class TestStoppedEarly:
    @pytest.mark.parametrize(
        ("raised", "code", "said"),
        [
            (KeyboardInterrupt(), ExitCode.INTERRUPTED, "interrupted (Ctrl-C)"),
            (
                BrowserNotFoundError("No browser."),
                ExitCode.STEP_FAILED,
                "could not start a browser",
            ),
        ],
    )
    def test_the_evidence_still_verifies(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        raised: BaseException,
        code: ExitCode,
        said: str,
    ) -> None:
        """The run directory is marked as a check that did not finish, and verifies."""

        def look(self: Check, *_args: object) -> list[ServerProbe]:
            raise raised

        monkeypatch.setattr(Check, "_look", look)
        out = io.StringIO()
        outcome = check_runbook(
            seed_runbook(),
            RunOptions(evidence_dir=tmp_path),
            Console(out, interactive=False),
        )
        assert outcome.exit_code is code
        assert said in out.getvalue()
        assert outcome.run_dir is not None
        assert journal(outcome.run_dir)["status"] == "check_failed"
        assert verify_run_dir(outcome.run_dir).ok
