"""The development-license window: measured, warned about, and never extended by a new run."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from dnn_runbook.clock import iso, utc_now
from dnn_runbook.evidence.journal import Journal
from dnn_runbook.runbook import load
from dnn_runbook.runner.window import development_window, exceeded, refuse_to_extend
from tests.support import FAKE_ENV, SEED_RUNBOOK, run_exit_code


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
        code = run_exit_code(
            SEED_RUNBOOK,
            env_file=env,
            environ={},
            assume_yes=True,
            headed=False,
            slow_mo_ms=0,
            evidence_dir=evidence,
            browser_path=None,
            show_license_ids=False,
            screenshots=True,
            timeout_s=5,
        )
        assert code == 4
        assert [p.name for p in evidence.iterdir()] == [earlier.path.parent.name]

    def test_closed_window_does_not_block_a_new_run(self, tmp_path: Path) -> None:
        """An earlier run that removed its Development license is no reason to refuse."""
        evidence = tmp_path / "evidence"
        earlier_run(evidence, activated_ago=timedelta(hours=3), removed=True)
        refuse_to_extend(load(SEED_RUNBOOK, environ=FAKE_ENV), evidence)

    @pytest.mark.parametrize(
        "content",
        [
            "[]",
            '{"format": "dnn-runbook-state/2", "runbook": []}',
            '{"format": "dnn-runbook-state/2", "steps": 7}',
            "[" * 100_000,
            '{"format": "dnn-runbook-state/2", "started": ' + "9" * 5000 + "}",
            '{"format": ["unhashable"]}',
        ],
    )
    def test_a_corrupt_sibling_journal_is_skipped_not_a_traceback(
        self, tmp_path: Path, content: str
    ) -> None:
        """A damaged state.json in another run directory of the evidence folder: a new run of
        a runbook with max_development_window goes on (that journal proves nothing)."""
        evidence = tmp_path / "evidence"
        (evidence / "20261129T000000Z-migrate-evoq-license").mkdir(parents=True)
        (evidence / "20261129T000000Z-migrate-evoq-license" / "state.json").write_text(content)
        refuse_to_extend(load(SEED_RUNBOOK, environ=FAKE_ENV), evidence)

    def test_every_step_warns_once_the_limit_is_passed(self, tmp_path: Path) -> None:
        """Over the limit, the operator is told before each step to finish now."""
        journal = earlier_run(tmp_path, activated_ago=timedelta(hours=2, minutes=30))
        warning = exceeded(load(SEED_RUNBOOK, environ=FAKE_ENV), journal)
        assert warning is not None
        assert "longer than max_development_window (2h)" in warning
        assert "2h30m" in warning
