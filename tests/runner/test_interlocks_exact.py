"""Each interlock's exact verdict and message, for every license type it guards; written so
that no mutant of ``runner/interlocks.py`` survives (``make mutation``): the rule's name, every
sentence of its message, and each condition's edge (activated or not, same invoice or not,
same type or not, this server or another)."""

from __future__ import annotations

from datetime import date

import pytest

from dnn_runbook.exceptions import InterlockError
from dnn_runbook.licenses import LicenseType
from dnn_runbook.runner.interlocks import (
    ServerView,
    check_activation,
    check_removal,
    looks_at_other_servers,
)
from pages import LicenseRow

INVOICE = "INV001-1"
MASKED = "••••01-1"
GUARDED = ["Production", "Staging", "Test", "Failover"]


def row(kind: str, *, invoice: str = INVOICE, activated: bool = True) -> LicenseRow:
    return LicenseRow(kind, invoice, "WEB", activated, date(2030, 1, 1))


def view(name: str, *rows: LicenseRow, reachable: bool = True) -> ServerView:
    return ServerView(name, list(rows), licensing_reachable=reachable)


def refused(rule: str, message: str) -> str:
    return f"Interlock {rule!r} stopped the step before anything was clicked: {message}"


def removal_error(
    server: ServerView, target: LicenseRow, others: dict[str, ServerView]
) -> InterlockError:
    with pytest.raises(InterlockError) as info:
        check_removal(server, target, others, masked_invoice=MASKED)
    return info.value


@pytest.mark.parametrize("kind", GUARDED)
class TestGuardedTypes:
    def test_reachable_before_remove(self, kind: str) -> None:
        target = row(kind)
        error = removal_error(
            view("old", target, reachable=False), target, {"new": view("new", row("Development"))}
        )
        assert error.rule == "reachable-before-remove"
        assert str(error) == refused(
            "reachable-before-remove",
            "old cannot reach the DNN licensing service (its About page says 'Connection to "
            "license server failed'), so removing the license there would lose its activation. "
            "Let the web server reach the licensing service (firewall, proxy, DNS), then resume "
            "the run.",
        )

    def test_replacement_first(self, kind: str) -> None:
        target = row(kind)
        error = removal_error(view("old", target), target, {"new": view("new")})
        assert error.rule == "replacement-first"
        assert str(error) == refused(
            "replacement-first",
            f"no other server holds an activated license for invoice {MASKED}, so removing the "
            f"{kind} license from old would leave the site unlicensed. Activate the license on "
            "the new server first (the runbook's add_license step), then resume.",
        )

    @pytest.mark.parametrize(
        "elsewhere",
        [
            row("Development", activated=False),
            row("Development", invoice="INV009-9"),
        ],
        ids=["not-activated", "other-invoice"],
    )
    def test_replacement_first_counts_only_an_activated_license_for_the_invoice(
        self, kind: str, elsewhere: LicenseRow
    ) -> None:
        target = row(kind)
        error = removal_error(view("old", target), target, {"new": view("new", elsewhere)})
        assert error.rule == "replacement-first"

    def test_replacement_held_elsewhere_lets_it_go(self, kind: str) -> None:
        target = row(kind)
        check_removal(
            view("old", target), target, {"new": view("new", row(kind))}, masked_invoice=MASKED
        )

    def test_single_activation(self, kind: str) -> None:
        license_type = LicenseType.parse(kind)
        others = {"old": view("old", row(kind)), "dr": view("dr", row(kind))}
        with pytest.raises(InterlockError) as info:
            check_activation("new", license_type, INVOICE, others, masked_invoice=MASKED)
        assert info.value.rule == "single-activation"
        assert str(info.value) == refused(
            "single-activation",
            f"old, dr still holds the {kind} license for invoice {MASKED}, so activating it on "
            "new would be refused: it can be active on one server at a time. Remove it there "
            "first (the runbook's remove_license step), then resume.",
        )

    @pytest.mark.parametrize(
        "held",
        [
            row("Development"),
            row("{other}"),
            row("{same}", invoice="INV009-9"),
            row("{same}", activated=False),
        ],
        ids=["development", "another-type", "another-invoice", "not-activated"],
    )
    def test_single_activation_looks_at_that_type_and_invoice_only(
        self, kind: str, held: LicenseRow
    ) -> None:
        other = next(t for t in GUARDED if t != kind)
        shown = held.license_type.format(same=kind, other=other)
        held = LicenseRow(shown, held.invoice_number, "WEB", held.activated, held.expires)
        license_type = LicenseType.parse(kind)
        check_activation(
            "new", license_type, INVOICE, {"old": view("old", held)}, masked_invoice=MASKED
        )

    def test_other_servers_are_read_before_its_activation(self, kind: str) -> None:
        assert looks_at_other_servers(LicenseType.parse(kind), removal=False) is True
        assert looks_at_other_servers(LicenseType.parse(kind), removal=True) is True


class TestDevelopment:
    def test_removed_while_unreachable(self) -> None:
        """Development activations are unlimited: losing one costs nothing."""
        dev = row("Development")
        check_removal(
            view("new", dev, row("Production"), reachable=False),
            dev,
            {"old": view("old")},
            masked_invoice=MASKED,
        )

    def test_development_removed_last(self) -> None:
        dev = row("Development")
        error = removal_error(view("new", dev), dev, {"old": view("old")})
        assert error.rule == "development-removed-last"
        assert str(error) == refused(
            "development-removed-last",
            "the Development license is the only activated license left on new and no other "
            f"server holds a Production license for invoice {MASKED}; removing it would leave "
            "the site unlicensed. Activate Production first, then resume.",
        )

    @pytest.mark.parametrize(
        "elsewhere",
        [
            row("Development"),
            row("Production", activated=False),
            row("Production", invoice="INV009-9"),
        ],
        ids=["development", "not-activated", "other-invoice"],
    )
    def test_development_removed_last_counts_only_a_non_development_license_for_the_invoice(
        self, elsewhere: LicenseRow
    ) -> None:
        dev = row("Development")
        error = removal_error(view("new", dev), dev, {"old": view("old", elsewhere)})
        assert error.rule == "development-removed-last"

    def test_an_unactivated_row_on_the_same_server_does_not_keep_it(self) -> None:
        dev = row("Development")
        error = removal_error(
            view("new", dev, row("Production", activated=False)), dev, {"old": view("old")}
        )
        assert error.rule == "development-removed-last"

    @pytest.mark.parametrize("kind", GUARDED)
    def test_another_activated_license_on_the_server_keeps_it(self, kind: str) -> None:
        dev = row("Development")
        check_removal(
            view("new", dev, row(kind, invoice="INV555-1")),
            dev,
            {"old": view("old")},
            masked_invoice=MASKED,
        )

    @pytest.mark.parametrize("kind", GUARDED)
    def test_a_guarded_license_for_the_invoice_elsewhere_lets_it_go(self, kind: str) -> None:
        dev = row("Development")
        check_removal(view("new", dev), dev, {"old": view("old", row(kind))}, masked_invoice=MASKED)

    def test_activation_is_never_held_back_and_reads_no_other_server(self) -> None:
        check_activation(
            "new",
            LicenseType.DEVELOPMENT,
            INVOICE,
            {"old": view("old", row("Development"))},
            masked_invoice=MASKED,
        )
        assert looks_at_other_servers(LicenseType.DEVELOPMENT, removal=False) is False
        assert looks_at_other_servers(LicenseType.DEVELOPMENT, removal=True) is True
        assert looks_at_other_servers(None, removal=True) is True
