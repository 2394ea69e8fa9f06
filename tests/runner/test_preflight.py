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

    def test_each_problem_word_for_word(self) -> None:
        """Only the invoice's licenses count as held; several types are listed in order."""
        expected = StartExpectation(
            exactly=(LicenseType.PRODUCTION,),
            must_not_hold={LicenseType.PRODUCTION, LicenseType.DEVELOPMENT},
            needs_service=True,
        )
        found = problems_with(
            "new",
            view(row("Production", "INV009-9"), row("Development", "INV009-9"), reachable=False),
            expected,
            "INV001-1",
            "••••01-1",
        )
        assert found == [
            "new cannot reach the DNN licensing service (its About page says 'Connection to "
            "license server failed'): open the web server's firewall to the licensing service, "
            "or use manual activation.",
            "new was expected to hold Production for invoice ••••01-1 but holds no license.",
            "new already holds a Development, Production license, which the runbook adds later: "
            "a server can hold one license of each type.",
        ]

    def test_several_types_held_are_listed_in_order(self) -> None:
        expected = StartExpectation(exactly=())
        found = problems_with(
            "old", view(row("Production"), row("Development")), expected, "INV001-1", "••••01-1"
        )
        assert found == [
            "old was expected to hold no license for invoice ••••01-1 but holds Development, "
            "Production."
        ]


def runbook_with(tmp_path: Path, *steps: str) -> Path:
    source = tmp_path / "runbook.yaml"
    source.write_text(
        "version: 1\nname: derived\nservers:\n"
        "  old: {url: 'http://127.0.0.1:9', username: host, password: pw}\n"
        "  new: {url: 'http://127.0.0.1:9', username: host, password: pw}\n"
        "license: {email: a@example.com, invoice: INV001-1}\nsteps:\n"
        + "".join(f"  - {step}\n" for step in steps)
    )
    return source


class TestDerivedExpectations:
    def test_a_removal_by_invoice_alone_does_not_end_the_walk(self, tmp_path: Path) -> None:
        """A removal with no type asks for nothing itself; the steps after it still count."""
        source = runbook_with(
            tmp_path,
            "{id: remove-any, action: remove_license, server: old, invoice: INV001-1}",
            "{id: remove-prod, action: remove_license, server: old, type: Production}",
            "{id: add-dev, action: add_license, server: new, type: Development}",
        )
        wanted = expectations(load(source), None)
        assert wanted["old"].must_hold == {LicenseType.PRODUCTION}
        assert wanted["new"].must_not_hold == {LicenseType.DEVELOPMENT}

    def test_a_type_removed_then_added_again_is_not_a_clash(self, tmp_path: Path) -> None:
        """Old must hold Production at the start; adding it back later does not forbid it."""
        source = runbook_with(
            tmp_path,
            "{id: remove-prod, action: remove_license, server: old, type: Production}",
            "{id: add-prod, action: add_license, server: old, type: Production}",
        )
        wanted = expectations(load(source), None)
        assert wanted["old"].must_hold == {LicenseType.PRODUCTION}
        assert wanted["old"].must_not_hold == set()
