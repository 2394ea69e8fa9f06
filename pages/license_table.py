"""The license table of Settings > About, read into typed rows.

Columns are found by their header text (LICENSE TYPE, INVOICE NUMBER, WEB SERVER, ACTIVATED,
EXPIRES), case-insensitively, never by position: Evoq renders the headers upper-case with CSS
on one release and literally on another, and a release may add a column. Rows and cells are
found by :mod:`pages._grid`, so a ``<table>``, an ARIA grid and a grid of DNN's ``GridCell``\\ s
read alike.

The parsing half of this module is pure Python and is what :class:`pages.about.AboutPage`
feeds with the raw cells it reads from the page in one round trip.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from dnn_runbook.exceptions import PageStructureError
from dnn_runbook.licenses import mask_invoice

__all__ = [
    "Column",
    "LicenseRow",
    "RawCell",
    "column_positions",
    "is_activated",
    "mask_invoice",
    "parse_expiry",
    "parse_rows",
]


class Column(StrEnum):
    """The columns the page objects need, by the header text Evoq shows."""

    LICENSE_TYPE = "license type"
    INVOICE_NUMBER = "invoice number"
    WEB_SERVER = "web server"
    ACTIVATED = "activated"
    EXPIRES = "expires"


@dataclass(frozen=True, slots=True)
class LicenseRow:
    """One row of the license table.

    ``invoice_number`` is kept out of ``repr`` (and so out of logs that print a row);
    :attr:`masked_invoice` is the form that may be shown.
    """

    license_type: str
    invoice_number: str = field(repr=False)
    web_server: str
    activated: bool
    #: ``None`` when the cell is empty (a license that never expires, or not yet known).
    expires: date | None

    @property
    def masked_invoice(self) -> str:
        """The invoice number as its last four characters at most."""
        return mask_invoice(self.invoice_number)

    def matches(
        self,
        *,
        license_type: str | None = None,
        invoice_number: str | None = None,
        web_server: str | None = None,
    ) -> bool:
        """True when every criterion given matches (case-insensitively, whitespace trimmed)."""
        wanted = (
            (license_type, self.license_type),
            (invoice_number, self.invoice_number),
            (web_server, self.web_server),
        )
        return all(want is None or _fold(want) == _fold(have) for want, have in wanted)


@dataclass(frozen=True, slots=True)
class RawCell:
    """What the page shows in one cell: its text and the accessible hints on its icons."""

    text: str
    #: ``aria-label`` and ``title`` values of the cell and of everything inside it.
    labels: tuple[str, ...] = ()
    #: The state of a checkbox (or ``aria-checked``) inside the cell, if there is one.
    checked: bool | None = None
    #: Whether the cell shows a picture (an SVG or an image): DNN's grids draw the check mark
    #: as an icon with no text and no name.
    graphic: bool = False


_SPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    """Case- and whitespace-insensitive form of a visible text."""
    return _SPACE.sub(" ", text).strip().casefold()


def _header_key(text: str) -> str:
    # Required-field stars and stray punctuation are decoration, not part of the name.
    return _fold(re.sub(r"[*:\u24d8]", " ", text))


def column_positions(headers: Sequence[str], *, where: str) -> dict[Column, int]:
    """Map each needed :class:`Column` to its index among ``headers``.

    Raises:
        PageStructureError: a needed header is missing; the message lists what was found.
    """
    keys = [_header_key(text) for text in headers]
    positions: dict[Column, int] = {}
    for column in Column:
        if column.value in keys:
            positions[column] = keys.index(column.value)
    missing = [column.value.upper() for column in Column if column not in positions]
    if missing:
        shown = ", ".join(repr(text.strip()) for text in headers if text.strip()) or "none"
        raise PageStructureError(
            f"The license table at {where} has no column headed {', '.join(missing)}: "
            f"expected the headers LICENSE TYPE, INVOICE NUMBER, WEB SERVER, ACTIVATED and "
            f"EXPIRES (in any case and order), found {shown}."
        )
    return positions


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

# "Wed, Jan 1, 2020" (Evoq 9) and "Wednesday, March 8, 2017" (older DNN Professional); the
# weekday is optional and ignored, since it adds nothing the date does not say.
_EXPIRY = re.compile(
    r"^(?:[A-Za-z]+\.?,?\s+)?(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})$"
)


def parse_expiry(text: str, *, where: str = "the license table") -> date | None:
    """Parse an EXPIRES cell such as ``Wed, Jan 1, 2020``; ``None`` for an empty cell.

    Month names are matched in English whatever the machine's locale, because the page is
    English whatever the machine running the browser uses.

    Raises:
        PageStructureError: the text is not a date in that form.
    """
    cleaned = _SPACE.sub(" ", text).strip()
    if not cleaned:
        return None
    match = _EXPIRY.match(cleaned)
    month = _MONTHS.get(match.group("month").casefold()) if match else None
    if match is None or month is None:
        raise PageStructureError(
            f"The EXPIRES cell in {where} reads {cleaned!r}: expected a date such as "
            "'Wed, Jan 1, 2020'."
        )
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError as exc:
        raise PageStructureError(
            f"The EXPIRES cell in {where} reads {cleaned!r}, which is not a real date ({exc})."
        ) from None


_CHECK_MARKS = frozenset("\u2713\u2714\u2611\u2705")
_YES = frozenset({"activated", "active", "yes", "true", "checked"})
_NO = frozenset({"not activated", "inactive", "not active", "no", "false", "unchecked"})


def is_activated(cell: RawCell) -> bool:
    """True when the ACTIVATED cell shows the check mark (or an equivalent hint).

    Evoq shows activation only as a check mark; there is no "Active" word. The mark may be a
    character, an icon with an ``aria-label``/``title``, a checked checkbox, or - as DNN's own
    grids draw it - a bare SVG icon with no text and no name: a picture in the ACTIVATED cell
    counts as the check mark unless a hint says otherwise ("not activated", "inactive").
    """
    labels = {_fold(label) for label in cell.labels}
    if labels & _NO or cell.checked is False:
        return False
    if any(mark in cell.text for mark in _CHECK_MARKS):
        return True
    if cell.checked:
        return True
    if labels & _YES:
        return True
    return cell.graphic and not _fold(cell.text)


def parse_rows(
    headers: Sequence[str], rows: Sequence[Sequence[RawCell]], *, where: str
) -> list[LicenseRow]:
    """Build :class:`LicenseRow` values from the header texts and the raw cells of each row.

    Raises:
        PageStructureError: a needed header is missing, a row is shorter than the headers say,
            or an EXPIRES cell is not a date.
    """
    positions = column_positions(headers, where=where)
    last = max(positions.values())
    parsed: list[LicenseRow] = []
    for number, cells in enumerate(rows, start=1):
        if len(cells) <= last:
            raise PageStructureError(
                f"Row {number} of the license table at {where} has {len(cells)} cells: "
                f"expected at least {last + 1}, one under each header."
            )
        text: Mapping[Column, str] = {
            column: _SPACE.sub(" ", cells[index].text).strip()
            for column, index in positions.items()
        }
        parsed.append(
            LicenseRow(
                license_type=text[Column.LICENSE_TYPE],
                invoice_number=text[Column.INVOICE_NUMBER],
                web_server=text[Column.WEB_SERVER],
                activated=is_activated(cells[positions[Column.ACTIVATED]]),
                expires=parse_expiry(text[Column.EXPIRES], where=f"row {number} at {where}"),
            )
        )
    return parsed
