"""The licensing service's invoice catalogue: which invoices exist, whose, of what type, until when.

The catalogue is built so that every rule and message of the licensing service can be met:

=============  ===========  =========================================================
invoice        type         what it is for
=============  ===========  =========================================================
``INV001-1``   Production   the account's production invoice (expires in about a year)
``INV002-1``   Development  a development invoice (unlimited activations)
``INV003-1``   Staging      a staging invoice
``INV004-1``   Test         a test invoice
``INV005-1``   Failover     a failover invoice
``INV006-1``   Production   a license that has expired ("Your license expired on ...")
``INV007-1``   Production   a service period that has expired (ACT6)
=============  ===========  =========================================================

``seed_licenses=N`` adds ``INV1000-1``, ``INV1001-1`` ... of varied types, held by the old server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dnn_runbook.licenses import LicenseType as LicenseType


@dataclass(frozen=True, slots=True)
class Invoice:
    """One invoice as the licensing service knows it."""

    number: str
    email: str
    license_type: LicenseType
    #: The license term ends on this day; activating after it fails ("Your license expired").
    expires: date
    #: The service period ends on this day; activating after it fails with ACT6.
    service_expires: date

    def allows(self, requested: LicenseType) -> bool:
        """Whether a license of ``requested`` type may be activated on this invoice.

        The type must match, except that a production invoice may be activated as Development
        for the migration window (KB-MIG).
        """
        if requested is self.license_type:
            return True
        return requested is LicenseType.DEVELOPMENT and self.license_type is LicenseType.PRODUCTION


ACCOUNT_EMAIL = "licensing@example.com"
PRODUCTION_INVOICE = "INV001-1"

_SEED_TYPES = (
    LicenseType.DEVELOPMENT,
    LicenseType.STAGING,
    LicenseType.TEST,
    LicenseType.FAILOVER,
)


def standard_invoices(
    today: date, *, email: str = ACCOUNT_EMAIL, production_invoice: str = PRODUCTION_INVOICE
) -> dict[str, Invoice]:
    """Return the catalogue every sandbox starts with, dated relative to ``today``.

    ``email`` and ``production_invoice`` replace the account's email and its production invoice
    number (``INV001-1``), so that a test can fill known, distinctive values and look for them.
    """
    year = today + timedelta(days=365)

    def invoice(number: str, kind: LicenseType, expires: date, service: date) -> Invoice:
        return Invoice(number, email, kind, expires, service)

    items = [
        invoice(production_invoice, LicenseType.PRODUCTION, year, year),
        invoice("INV002-1", LicenseType.DEVELOPMENT, year, year),
        invoice("INV003-1", LicenseType.STAGING, year, year),
        invoice("INV004-1", LicenseType.TEST, year, year),
        invoice("INV005-1", LicenseType.FAILOVER, year, year),
        invoice("INV006-1", LicenseType.PRODUCTION, today - timedelta(days=30), year),
        invoice("INV007-1", LicenseType.PRODUCTION, year, today - timedelta(days=10)),
    ]
    return {item.number: item for item in items}


def seed_invoices(count: int, today: date, *, email: str = ACCOUNT_EMAIL) -> list[Invoice]:
    """Return ``count`` extra invoices of varied types and dates for a crowded license table.

    Every seventh one has expired, so that a long table also shows past dates.
    """
    out = []
    for index in range(count):
        kind = _SEED_TYPES[index % len(_SEED_TYPES)]
        if index % 7 == 6:
            expires = today - timedelta(days=1 + index % 90)
        else:
            expires = today + timedelta(days=30 + (index * 37) % 700)
        out.append(Invoice(f"INV{1000 + index}-1", email, kind, expires, max(expires, today)))
    return out
