"""What the runner has just read on a server, and the questions asked of it.

Which row is "the license for this invoice and type" is decided in one place: the page
objects' own :meth:`pages.LicenseRow.matches` (case and surrounding space ignored, as Evoq
shows them), which :meth:`pages.AboutPage.find_license` uses too. Preflight, the interlocks and
the license actions all ask through the functions below, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dnn_runbook.licenses import LicenseType
from pages import LicenseRow


@dataclass(frozen=True, slots=True)
class ServerView:
    """One server's license table and whether it can reach the licensing service, read now."""

    name: str
    rows: Sequence[LicenseRow]
    licensing_reachable: bool
    #: ``None``: the page was loaded from the server for this read. Otherwise it was read as
    #: shown, loaded afresh that many seconds before with nothing done on it since.
    loaded_s_ago: float | None = None


def is_type(row: LicenseRow, license_type: LicenseType) -> bool:
    """Whether ``row`` is a license of ``license_type``."""
    return row.matches(license_type=license_type.value)


def rows_for(
    rows: Iterable[LicenseRow], invoice: str, license_type: LicenseType | None = None
) -> list[LicenseRow]:
    """The rows for ``invoice`` (of ``license_type`` when given), in table order."""
    wanted = None if license_type is None else license_type.value
    return [row for row in rows if row.matches(license_type=wanted, invoice_number=invoice)]


def activated_row(
    view: ServerView, invoice: str, license_type: LicenseType | None = None
) -> LicenseRow | None:
    """The first activated row for ``invoice`` (of ``license_type`` when given), if any."""
    return next((row for row in rows_for(view.rows, invoice, license_type) if row.activated), None)


def types_held(view: ServerView, invoice: str) -> set[LicenseType]:
    """The license types ``view``'s server holds for ``invoice`` (rows of unknown types aside)."""
    found: set[LicenseType] = set()
    for row in rows_for(view.rows, invoice):
        try:
            found.add(LicenseType.parse(row.license_type))
        except ValueError:
            continue
    return found


def describe_row(row: LicenseRow) -> dict[str, object]:
    """A license row as it may appear in logs and reports: the invoice masked."""
    return {
        "type": row.license_type,
        "invoice": row.masked_invoice,
        "web_server": row.web_server,
        "activated": row.activated,
        "expires": row.expires.isoformat() if row.expires else None,
    }
