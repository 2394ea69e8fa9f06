"""The development-license window: measured, warned about, and never extended by a new run."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from dnn_runbook.cli.run_options import execute
from dnn_runbook.runbook import load
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.engine import Run, RunOptions, development_window
from dnn_runbook.runner.journal import Journal, iso, utc_now
from tests.support import FAKE_ENV, SEED_RUNBOOK


def earlier_run(evidence: Path, *, activated_ago: timedelta, removed: bool = False) -> Journal:
    run_dir = evidence / "20261129T000000Z-migrate-evoq-license"
    run_dir.mkdir(parents=True)
    journal = Journal.create(
        run_dir,
        run_id=run_dir.name,
        runbook_name="migrate-evoq-license",
        runbook_sha256="0" * 64,
        runbook_path=str(SEED_RUNBOOK),
        steps=[(1, "add-dev-on-new", "add_license")],
    )
    journal.development_activated = iso(utc_now() - activated_ago)
    if removed:
        journal.development_removed = iso(utc_now())
    journal.save()
    return journal


class TestWindow:
    def test_window_runs_from_activation_to_removal(self, tmp_path: Path) -> None:
        """A closed window is the time between the two events; an open one runs to now."""
        journal = earlier_run(tmp_path, activated_ago=timedelta(minutes=5), removed=True)
        window = development_window(journal)
        assert window is not None
        assert timedelta(minutes=4, seconds=59) < window < timedelta(minutes=5, seconds=5)
        journal.development_activated = None
        assert development_window(journal) is None

    def test_new_run_refused_while_an_earlier_window_is_over_the_limit(
        self, tmp_path: Path, monkeypatch: object
    ) -> None:
        """A Development license left active for 3h (limit 2h): a new run exits 4 at once."""
        evidence = tmp_path / "evidence"
        earlier = earlier_run(evidence, activated_ago=timedelta(hours=3))
        env = tmp_path / "env"
        env.write_text("".join(f"{k}={v}\n" for k, v in FAKE_ENV.items()))
        code = execute(
            SEED_RUNBOOK,
            env_file=env,
            environ={},
            assume_yes=True,
            headed=False,
            slow_mo=0,
            evidence_dir=evidence,
            browser_path=None,
            show_license_ids=False,
            screenshots=True,
            timeout=5,
        )
        assert code == 4
        assert [p.name for p in evidence.iterdir()] == [earlier.path.parent.name]

    def test_closed_window_does_not_block_a_new_run(self, tmp_path: Path) -> None:
        """An earlier run that removed its Development license is no reason to refuse."""
        evidence = tmp_path / "evidence"
        earlier_run(evidence, activated_ago=timedelta(hours=3), removed=True)
        runbook = load(SEED_RUNBOOK, environ=FAKE_ENV)
        run = Run(runbook, RunOptions(evidence_dir=evidence), Console(io.StringIO()))
        run._refuse_to_extend_window()

    def test_every_step_warns_once_the_limit_is_passed(self, tmp_path: Path) -> None:
        """Over the limit, the operator is told before each step to finish now."""
        journal = earlier_run(tmp_path, activated_ago=timedelta(hours=2, minutes=30))
        out = io.StringIO()
        runbook = load(SEED_RUNBOOK, environ=FAKE_ENV)
        run = Run(runbook, RunOptions(evidence_dir=tmp_path), Console(out, interactive=False))
        run._warn_about_window(journal)
        assert "longer than max_development_window (2h)" in out.getvalue()
        assert "2h30m" in out.getvalue()
