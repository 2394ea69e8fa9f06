"""The safety rules, on license tables made by hand."""

from __future__ import annotations

from datetime import date

import pytest

from dnn_runbook.exceptions import InterlockError
from dnn_runbook.licenses import LicenseType
from dnn_runbook.runner.interlocks import ServerView, check_activation, check_removal
from pages import LicenseRow

INVOICE = "INV001-1"


def row(kind: str, *, invoice: str = INVOICE, activated: bool = True) -> LicenseRow:
    return LicenseRow(kind, invoice, "WEB", activated, date(2030, 1, 1))


def view(name: str, *rows: LicenseRow, reachable: bool = True) -> ServerView:
    return ServerView(name, list(rows), licensing_reachable=reachable)


class TestRemoval:
    def test_production_removal_needs_the_new_server_to_hold_the_invoice(self) -> None:
        """replacement-first: no other server holds the invoice, so the click never happens."""
        prod = row("Production")
        with pytest.raises(InterlockError, match="replacement-first") as info:
            check_removal(view("old", prod), prod, {"new": view("new")}, masked_invoice="••••01-1")
        assert info.value.rule == "replacement-first"
        assert INVOICE not in str(info.value)

    def test_production_removal_allowed_once_development_is_active_elsewhere(self) -> None:
        """The seed procedure's step 3 passes once the new server holds the Development license."""
        prod = row("Production")
        check_removal(
            view("old", prod), prod, {"new": view("new", row("Development"))}, masked_invoice="x"
        )

    def test_inactive_license_elsewhere_does_not_count(self) -> None:
        """A license that is listed but not activated does not carry the site."""
        prod = row("Production")
        with pytest.raises(InterlockError, match="replacement-first"):
            check_removal(
                view("old", prod),
                prod,
                {"new": view("new", row("Development", activated=False))},
                masked_invoice="x",
            )

    def test_other_invoice_elsewhere_does_not_count(self) -> None:
        """Only a license for the same invoice replaces the one being removed."""
        prod = row("Production")
        with pytest.raises(InterlockError, match="replacement-first"):
            check_removal(
                view("old", prod),
                prod,
                {"new": view("new", row("Development", invoice="INV009-9"))},
                masked_invoice="x",
            )

    def test_never_remove_while_the_licensing_service_is_unreachable(self) -> None:
        """reachable-before-remove wins even when everything else is fine."""
        prod = row("Production")
        with pytest.raises(InterlockError, match="reachable-before-remove"):
            check_removal(
                view("old", prod, reachable=False),
                prod,
                {"new": view("new", row("Development"))},
                masked_invoice="x",
            )

    def test_development_removed_after_production_is_active_on_the_same_server(self) -> None:
        """Step 5 of the seed: the new server keeps its Production license."""
        dev = row("Development")
        check_removal(
            view("new", row("Production"), dev), dev, {"old": view("old")}, masked_invoice="x"
        )

    def test_development_not_removed_when_it_is_the_last_license_anywhere(self) -> None:
        """development-removed-last: the Production activation failed, so keep Development."""
        dev = row("Development")
        with pytest.raises(InterlockError, match="development-removed-last"):
            check_removal(view("new", dev), dev, {"old": view("old")}, masked_invoice="x")

    def test_development_removal_allowed_when_production_never_moved(self) -> None:
        """A rehearsal of the Development step alone: the old server still holds Production."""
        dev = row("Development")
        check_removal(
            view("new", dev), dev, {"old": view("old", row("Production"))}, masked_invoice="x"
        )


class TestActivation:
    def test_production_not_activated_while_another_server_holds_it(self) -> None:
        """single-activation: the old server still holds Production."""
        with pytest.raises(InterlockError, match="single-activation") as info:
            check_activation(
                "new",
                LicenseType.PRODUCTION,
                INVOICE,
                {"old": view("old", row("Production"))},
                masked_invoice="••••01-1",
            )
        assert "old" in str(info.value)

    def test_development_may_be_activated_anywhere(self) -> None:
        """Development activations are unlimited, even of a production invoice."""
        check_activation(
            "new",
            LicenseType.DEVELOPMENT,
            INVOICE,
            {"old": view("old", row("Production"))},
            masked_invoice="x",
        )

    def test_production_activated_once_the_old_server_let_go(self) -> None:
        """After the old server's removal the activation may happen."""
        check_activation(
            "new", LicenseType.PRODUCTION, INVOICE, {"old": view("old")}, masked_invoice="x"
        )
