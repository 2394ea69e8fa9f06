"""What preflight expects of each server, derived from the runbook, and how it says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dnn_runbook.licenses import LicenseType
from dnn_runbook.runbook import load
from dnn_runbook.runner.actions.preflight import StartExpectation, expectations, problems_with
from dnn_runbook.runner.interlocks import ServerView
from pages import LicenseRow
from tests.support import FAKE_ENV, SEED_RUNBOOK

FIREWALLED = Path(__file__).with_name("firewalled.yaml")


def view(*rows: LicenseRow, reachable: bool = True) -> ServerView:
    return ServerView("x", list(rows), licensing_reachable=reachable)


def row(kind: str, invoice: str = "INV001-1") -> LicenseRow:
    return LicenseRow(kind, invoice, "WEB", True, date(2030, 1, 1))


class TestExpectations:
    def test_seed_runbook(self) -> None:
        """The seed: old must hold Production (removed later) and needs the service; new must
        hold neither type it adds and needs the service for automatic activation."""
        wanted = expectations(load(SEED_RUNBOOK, environ=FAKE_ENV), None)
        assert wanted["old"].must_hold == {LicenseType.PRODUCTION}
        assert wanted["old"].needs_service
        assert wanted["new"].must_not_hold == {LicenseType.DEVELOPMENT, LicenseType.PRODUCTION}
        assert wanted["new"].must_hold == set()
        assert wanted["new"].needs_service

    def test_firewalled_new_server_does_not_need_the_service(self) -> None:
        """Manual activations and a Development removal only: the new server may be firewalled."""
        wanted = expectations(load(FIREWALLED, environ=FAKE_ENV), None)
        assert not wanted["new"].needs_service
        assert wanted["old"].needs_service

    def test_explicit_expect_is_kept_with_the_derived_rules(self) -> None:
        """The preflight step's expect: adds an exact check on top of the derived ones."""
        runbook = load(SEED_RUNBOOK, environ=FAKE_ENV)
        wanted = expectations(runbook, runbook.steps[0])  # type: ignore[arg-type]
        assert wanted["old"].exactly == (LicenseType.PRODUCTION,)
        assert wanted["new"].exactly == ()
        assert wanted["new"].must_not_hold == {LicenseType.DEVELOPMENT, LicenseType.PRODUCTION}


class TestProblems:
    def test_a_ready_server_has_none(self) -> None:
        """The old server holding Production, reachable: nothing to say."""
        expected = StartExpectation(must_hold={LicenseType.PRODUCTION}, needs_service=True)
        assert problems_with("old", view(row("Production")), expected, "INV001-1", "••••01-1") == []

    def test_every_problem_is_a_sentence_naming_the_server(self) -> None:
        """Unreachable, missing and clashing licenses are each reported."""
        expected = StartExpectation(
            must_hold={LicenseType.PRODUCTION},
            must_not_hold={LicenseType.DEVELOPMENT},
            needs_service=True,
        )
        found = problems_with(
            "old",
            view(row("Development", "INV009-9"), reachable=False),
            expected,
            "INV001-1",
            "••••01-1",
        )
        assert len(found) == 3
        assert all(p.startswith("old ") and p.endswith(".") for p in found)
        assert not any("INV001-1" in p for p in found)
