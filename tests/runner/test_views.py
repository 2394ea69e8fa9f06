"""Which row is which: one rule for preflight, the interlocks and the actions."""

from __future__ import annotations

from dnn_runbook.licenses import LicenseType
from dnn_runbook.runner.views import ServerView, activated_row, rows_for, types_held
from tests.support import license_row


class TestViews:
    def test_invoice_and_type_match_ignoring_case_and_surrounding_space(self) -> None:
        """As the page objects' LicenseRow.matches: ' inv001-1 ' is INV001-1."""
        rows = [license_row("PRODUCTION", " inv001-1 "), license_row("Test", "INV002-2")]
        assert rows_for(rows, "INV001-1") == rows[:1]
        assert rows_for(rows, "INV001-1", LicenseType.PRODUCTION) == rows[:1]
        assert rows_for(rows, "INV001-1", LicenseType.TEST) == []

    def test_activated_row_skips_rows_not_activated(self) -> None:
        """A license added but not activated holds nothing for the interlocks."""
        view = ServerView("new", [license_row("Development", activated=False)], True)
        assert activated_row(view, "INV001-1") is None

    def test_types_held_ignores_other_invoices_and_unknown_types(self) -> None:
        """Only this invoice's rows of known types count."""
        rows = [
            license_row("Production"),
            license_row("Development", "INV009-9"),
            license_row("Enterprise"),
        ]
        assert types_held(ServerView("old", rows, True), "INV001-1 ") == {LicenseType.PRODUCTION}
