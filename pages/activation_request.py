"""The vendor's "Request License" page that Manual Activation's STEP TWO link opens.

On the real vendor site a person logs in, pastes the Server ID and presses "Generate
Activation Key" (``scr-LicensingManual-E90.png``); the sandbox's licensing service serves a
copy that also asks for the invoice, the account email and the license type, so that manual
activation can be rehearsed end to end. Fields are found by label, the button by its text;
fields a page does not have are left alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dnn_runbook.exceptions import PageError
from pages._errors import page_errors
from pages._locate import button, labelled
from pages.results import LicenseType, redact

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

__all__ = ["ActivationKeyRequestPage"]


class ActivationKeyRequestPage:
    """The license request page in ``page`` (usually the tab the STEP TWO link opened).

    Args:
        page: the tab showing the request page.
        timeout_ms: how long to wait for the page to answer.
    """

    def __init__(self, page: Page, *, timeout_ms: float = 30_000) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.server_id_box: Locator = labelled(page, "Server ID")
        self.invoice_number: Locator = labelled(page, "Invoice Number")
        self.account_email: Locator = labelled(page, "Account Email")
        self.license_type_select: Locator = labelled(page, "License Type")
        self.generate_button: Locator = button(page, "Generate Activation Key")
        self.activation_key_box: Locator = labelled(page, "Activation Key")
        self.error: Locator = page.get_by_role("alert").filter(visible=True)

    def sensitive_locators(self) -> list[Locator]:
        """The fields whose contents must be masked: invoice, email and the generated key."""
        return [self.invoice_number, self.account_email, self.activation_key_box]

    def generate_key(
        self,
        server_id: str,
        *,
        invoice_number: str | None = None,
        account_email: str | None = None,
        license_type: LicenseType | str | None = None,
    ) -> str:
        """Paste ``server_id`` (and the other values the page asks for), press "Generate
        Activation Key" and return the key the page shows.

        Raises:
            PageError: the page showed an error instead of a key (its text, secrets masked).
        """
        typed = [value for value in (invoice_number, account_email) if value]
        with page_errors("requesting an activation key", self.page.url, typed):
            self.server_id_box.fill(server_id)
            if invoice_number is not None and self.invoice_number.count():
                self.invoice_number.fill(invoice_number)
            if account_email is not None and self.account_email.count():
                self.account_email.fill(account_email)
            if license_type is not None and self.license_type_select.count():
                self.license_type_select.select_option(label=str(license_type))
            with self.page.expect_navigation(timeout=self.timeout_ms):
                self.generate_button.click()
            if self.error.count():
                message = redact(" ".join(self.error.first.inner_text().split()), typed)
                raise PageError(
                    f"The activation key request page at {self.page.url} refused: {message!r}."
                )
            key = re.sub(r"\s+", "", self.activation_key_box.input_value())
        if not key:
            raise PageError(
                f"The activation key request page at {self.page.url} showed no key after "
                "'Generate Activation Key' was pressed."
            )
        return key
