"""The texts of the Evoq license page."""

from __future__ import annotations

from datetime import date

from dnn_runbook.sandbox import messages
from dnn_runbook.sandbox.catalogue import LicenseType


class TestFormatDate:
    def test_the_expires_column_format(self) -> None:
        """Dates read like the screenshots: weekday, month, day without a leading zero, year."""
        assert messages.format_date(date(2020, 1, 1)) == "Wed, Jan 1, 2020"
        assert messages.format_date(date(2027, 11, 29)) == "Mon, Nov 29, 2027"


class TestTexts:
    def test_success_texts_are_verbatim(self) -> None:
        """Production has no full stop, Development has one (as in the resx)."""
        assert (
            messages.activated(LicenseType.PRODUCTION)
            == "Production License has been activated successfully"
        )
        assert (
            messages.activated(LicenseType.DEVELOPMENT)
            == "Development License has been activated successfully."
        )
        assert (
            messages.activated(LicenseType.STAGING)
            == "Staging License has been activated successfully"
        )

    def test_refusal_texts_carry_their_values(self) -> None:
        """In-use, already-has and ACT6 texts name the invoice, server, type and date."""
        assert messages.in_use("INV001-1") == "Production activation for INV001-1 is in use."
        assert messages.already_has("WEB01", LicenseType.PRODUCTION) == (
            "License Activation failed. The host server WEB01 already has a Production license."
        )
        assert "expired on Wed, Jan 1, 2020. Please contact customercare@dnnsoftware.com." in (
            messages.service_period_expired(date(2020, 1, 1))
        )

    def test_lost_activation_text_keeps_its_line_breaks(self) -> None:
        """The unreachable-removal text is the resx's, with its <br /> line breaks."""
        assert messages.DELETED_SERVICE_UNREACHABLE.startswith(
            "Your license was deleted.<br /><br />Unable to add activation back to your invoice "
            "as Connection to license server failed."
        )
