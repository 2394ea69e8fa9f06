"""pages.license_table: header matching, the EXPIRES date and the check mark, without a browser."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dnn_runbook.exceptions import PageStructureError
from pages.license_table import (
    Column,
    LicenseRow,
    RawCell,
    column_positions,
    is_activated,
    mask_invoice,
    parse_expiry,
    parse_rows,
)

HEADERS = ["LICENSE TYPE", "INVOICE NUMBER", "WEB SERVER", "ACTIVATED", "EXPIRES", "", ""]


def _row(*texts: str) -> list[RawCell]:
    return [RawCell(text) for text in texts]


class TestColumnPositions:
    def test_the_evoq_headers(self) -> None:
        """The five Evoq headers map to their positions; the two blank ones are ignored."""
        positions = column_positions(HEADERS, where="here")
        assert positions == {
            Column.LICENSE_TYPE: 0,
            Column.INVOICE_NUMBER: 1,
            Column.WEB_SERVER: 2,
            Column.ACTIVATED: 3,
            Column.EXPIRES: 4,
        }

    def test_any_case_order_and_extra_columns(self) -> None:
        """Headers match by text in any case and order, with extra columns and decoration."""
        headers = [
            "Expires",
            "Notes",
            "license type",
            "Web  Server",
            "Invoice Number*",
            "Activated",
        ]
        positions = column_positions(headers, where="here")
        assert positions[Column.EXPIRES] == 0
        assert positions[Column.LICENSE_TYPE] == 2
        assert positions[Column.WEB_SERVER] == 3
        assert positions[Column.INVOICE_NUMBER] == 4
        assert positions[Column.ACTIVATED] == 5

    def test_missing_header_names_what_was_found(self) -> None:
        """A missing header raises an error naming it and listing the headers found."""
        with pytest.raises(PageStructureError, match="no column headed EXPIRES") as info:
            column_positions(
                ["License Type", "Invoice Number", "Web Server", "Activated"], where="X"
            )
        assert "'Web Server'" in str(info.value)
        assert "at X" in str(info.value)


class TestParseExpiry:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Wed, Jan 1, 2020", date(2020, 1, 1)),
            ("Thu, Dec 31, 2026", date(2026, 12, 31)),
            ("  Sun,  Sep 7, 2025 ", date(2025, 9, 7)),
            ("Wednesday, March 8, 2017", date(2017, 3, 8)),
            ("Jan 1, 2020", date(2020, 1, 1)),
        ],
    )
    def test_evoq_formats(self, text: str, expected: date) -> None:
        """The Evoq format and the older long form both parse."""
        assert parse_expiry(text) == expected

    def test_empty_is_none(self) -> None:
        """An empty EXPIRES cell means no date."""
        assert parse_expiry("  ") is None

    @pytest.mark.parametrize("text", ["2020-01-01", "Never", "Wed, Foo 1, 2020", "Feb 30, 2020"])
    def test_other_text_is_an_error(self, text: str) -> None:
        """Text that is not such a date raises an error quoting it."""
        with pytest.raises(PageStructureError, match="EXPIRES"):
            parse_expiry(text)

    @given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
    def test_round_trip_with_the_evoq_format(self, day: date) -> None:
        """Any date formatted as Evoq does (``%a, %b %-d, %Y``) parses back to itself."""
        text = f"{day:%a, %b} {day.day}, {day.year}"
        assert parse_expiry(text) == day


class TestIsActivated:
    @pytest.mark.parametrize(
        "cell",
        [
            RawCell("\u2713"),
            RawCell(" \u2714 "),
            RawCell("", labels=("Activated",)),
            RawCell("", checked=True),
        ],
    )
    def test_signs_of_activation(self, cell: RawCell) -> None:
        """A check mark, an "Activated" label or a checked box means activated."""
        assert is_activated(cell)

    @pytest.mark.parametrize(
        "cell",
        [RawCell(""), RawCell("", labels=("Not activated",)), RawCell("", checked=False)],
    )
    def test_no_sign_means_not_activated(self, cell: RawCell) -> None:
        """An empty cell, a negative label or an unchecked box means not activated."""
        assert not is_activated(cell)


class TestParseRows:
    def test_typed_rows(self) -> None:
        """Each row becomes a LicenseRow with type, invoice, server, activation and date."""
        rows = parse_rows(
            HEADERS,
            [
                _row(
                    "Production",
                    "INV001-1",
                    "WEB-OLD",
                    "\u2713",
                    "Wed, Jan 1, 2020",
                    "[ renew ]",
                    "",
                ),
                _row("Development", "INV001-1", "WEB-OLD", "", "Thu, Jan 2, 2020", "[ renew ]", ""),
            ],
            where="here",
        )
        assert rows == [
            LicenseRow("Production", "INV001-1", "WEB-OLD", True, date(2020, 1, 1)),
            LicenseRow("Development", "INV001-1", "WEB-OLD", False, date(2020, 1, 2)),
        ]

    def test_short_row_is_an_error(self) -> None:
        """A row with fewer cells than the headers need raises an error."""
        with pytest.raises(PageStructureError, match=r"Row 1 .* has 2 cells"):
            parse_rows(HEADERS, [_row("Production", "INV001-1")], where="here")


class TestLicenseRow:
    def test_matches_case_insensitively(self) -> None:
        """matches() compares every given criterion without regard to case or spaces."""
        row = LicenseRow("Production", "INV001-1", "WEB-OLD", True, None)
        assert row.matches(license_type="production", invoice_number=" inv001-1 ")
        assert row.matches()
        assert not row.matches(license_type="Development")
        assert not row.matches(license_type="Production", web_server="WEB-NEW")

    def test_repr_hides_the_invoice(self) -> None:
        """A row's repr shows at most the last four characters of its invoice."""
        row = LicenseRow("Production", "INV-SECRET-0001", "WEB-OLD", True, None)
        assert "INV-SECRET" not in repr(row)
        assert row.masked_invoice == "••••0001"

    def test_mask_of_a_short_invoice(self) -> None:
        """A short invoice shows at most half of itself."""
        assert mask_invoice("1234") == "••••34"
        assert mask_invoice("1") == "••••"
