"""What the runbook language and the page objects both speak of: license types, and how an
invoice number may be shown.

Kept apart from both (and free of Playwright) so that ``validate`` starts fast and a page
object and a runbook step can never disagree on a type's spelling or on a mask.
"""

from __future__ import annotations

from enum import StrEnum

#: What hidden characters look like, everywhere (masked ids, redacted secrets): always four
#: dots, so a value's length is not shown.
MASK = "••••"

#: The colour masked regions of a screenshot are painted in: dark, so a mask is obvious.
MASK_COLOR = "#1b2a38"


class LicenseType(StrEnum):
    """The license types of Evoq's Add License form, in the form's order and spelling."""

    PRODUCTION = "Production"
    STAGING = "Staging"
    FAILOVER = "Failover"
    TEST = "Test"
    DEVELOPMENT = "Development"

    @classmethod
    def parse(cls, text: str) -> LicenseType:
        """Return the type named by ``text``, in any letter case.

        Raises:
            ValueError: ``text`` names no license type.
        """
        for member in cls:
            if member.value.casefold() == text.strip().casefold():
                return member
        raise ValueError(f"{text!r} is not a license type")

    @property
    def single_activation(self) -> bool:
        """Whether an invoice of this type activates on one server at a time (all but
        Development, whose activations are unlimited)."""
        return self is not LicenseType.DEVELOPMENT


def mask_invoice(invoice: str) -> str:
    """The form of an invoice number that evidence may show: the mask and its last four
    characters at most, never more than half of it (``'INV001-1'`` gives ``'••••01-1'``)."""
    shown = min(4, len(invoice) // 2)
    return MASK + invoice[-shown:] if shown else MASK
