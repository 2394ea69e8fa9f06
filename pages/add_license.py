"""The Add License form of Settings > About, and the Manual Activation page it leads to.

Both are found by visible label and button text only (``docs/dnn-ui.md``; screenshots
``scr-LicensingAddAuto-E90.png`` and ``scr-LicensingManual-E90.png``). Evoq builds them from
DNN's React components, whose labels are bound to nothing and whose text inputs all carry
``aria-label="Content"``, so a field is the control that follows its label's text
(:func:`pages._locate.labelled`); the labels carry a required-field star and an info icon
("Account Email* ⓘ"), so they are matched by how they start. The lists are DNN drop-downs,
native ``<select>``\\ s or ARIA comboboxes alike (:class:`pages._choice.Choice`).

Automatic Activation is a server-side call from DNN to the licensing service; its answer is
the notification the panel shows, read the moment it appears.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Generic, TypeVar

from playwright.sync_api import expect

from dnn_runbook.exceptions import PageStructureError, PageTimeoutError
from pages import _grid
from pages._choice import Choice
from pages._errors import page_errors
from pages._locate import button, exactly, labelled, link_or_button
from pages._panel import AboutLike
from pages.activation_request import ActivationKeyRequestPage
from pages.license_table import Column, column_positions
from pages.results import LicenseType, Notification, Outcome, OutcomeKind, classify

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Locator, Page

__all__ = ["AddLicenseForm", "ManualActivationPage"]

#: The About page the form lives on (an :class:`pages.about.AboutPage`).
AboutT = TypeVar("AboutT", bound=AboutLike)

_BACK = re.compile(r"back to licensing", re.IGNORECASE)


class AddLicenseForm(Generic[AboutT]):
    """The inline form that "Add License" opens above the license list.

    Get one from :meth:`pages.about.AboutPage.add_license`.
    """

    def __init__(self, about: AboutT) -> None:
        self.about = about
        self.page: Page = about.page
        panel = about.panel
        self.license_type_select: Locator = labelled(panel, "License Type")
        self.web_server_select: Locator = labelled(panel, "Web Server")
        self.account_email: Locator = labelled(panel, "Account Email")
        self.invoice_number: Locator = labelled(panel, "Invoice Number")
        self.cancel_button: Locator = button(panel, "Cancel").filter(visible=True)
        self.manual_activation_button: Locator = button(panel, "Manual Activation")
        self.automatic_activation_button: Locator = button(panel, "Automatic Activation")
        # Values typed into the form: kept only to mask them out of error messages.
        self._typed: list[str] = []

    def _errors(self, action: str) -> AbstractContextManager[None]:
        return page_errors(action, self.page.url, self._typed)

    def _choice(self, control: Locator, name: str) -> Choice:
        return Choice(control, name=name, where=self.page.url, timeout_ms=self.about.timeout_ms)

    def is_open(self) -> bool:
        """True while the form is on screen."""
        return self.account_email.is_visible()

    def wait_until_open(self) -> AddLicenseForm[AboutT]:
        """Wait until the form shows its fields; return ``self``."""
        with self._errors("waiting for the Add License form"):
            self.account_email.wait_for(state="visible", timeout=self.about.timeout_ms)
        return self

    def wait_until_shown(self) -> AddLicenseForm[AboutT]:
        """Wait until any of the form's four fields shows; return ``self``.

        :meth:`wait_until_open` waits for Account Email, which an action needs; this waits for
        whichever field the page has, so that a check can then say which ones are missing.
        """
        fields = (
            self.license_type_select.or_(self.web_server_select)
            .or_(self.account_email)
            .or_(self.invoice_number)
        )
        with self._errors("waiting for the Add License form"):
            fields.first.wait_for(state="visible", timeout=self.about.timeout_ms)
        return self

    def sensitive_locators(self) -> list[Locator]:
        """The fields whose contents must be masked in a screenshot: email and invoice."""
        return [self.account_email, self.invoice_number]

    # -- reading ---------------------------------------------------------------------------

    def license_types(self) -> list[str]:
        """The choices of License Type, in the form's order."""
        with self._errors("reading the License Type choices"):
            return self._choice(self.license_type_select, "License Type").options()

    def license_type(self) -> str:
        """The License Type chosen now (Production by default)."""
        with self._errors("reading the License Type"):
            return self._choice(self.license_type_select, "License Type").chosen()

    def web_servers(self) -> list[str]:
        """The choices of Web Server."""
        with self._errors("reading the Web Server choices"):
            return self._choice(self.web_server_select, "Web Server").options()

    def web_server(self) -> str:
        """The Web Server chosen now: Evoq prefills this server's own name."""
        with self._errors("reading the Web Server"):
            return self._choice(self.web_server_select, "Web Server").chosen()

    # -- filling ---------------------------------------------------------------------------

    def choose_license_type(self, license_type: LicenseType | str) -> AddLicenseForm[AboutT]:
        """Choose ``license_type`` (matched case-insensitively); return ``self``.

        Raises:
            PageStructureError: the form offers no such type; the message lists the choices.
        """
        with self._errors("choosing the License Type"):
            self._choice(self.license_type_select, "License Type").choose(str(license_type))
        return self

    def choose_web_server(self, web_server: str) -> AddLicenseForm[AboutT]:
        """Choose another Web Server than the prefilled one; return ``self``."""
        with self._errors("choosing the Web Server"):
            self._choice(self.web_server_select, "Web Server").choose(web_server)
        return self

    def fill_account_email(self, email: str) -> AddLicenseForm[AboutT]:
        """Type the account email; return ``self``."""
        self._typed.append(email)
        with self._errors("filling in the Account Email"):
            self.account_email.fill(email)
        return self

    def fill_invoice_number(self, invoice_number: str) -> AddLicenseForm[AboutT]:
        """Type the invoice number; return ``self``."""
        self._typed.append(invoice_number)
        with self._errors("filling in the Invoice Number"):
            self.invoice_number.fill(invoice_number)
        return self

    def fill(
        self,
        *,
        license_type: LicenseType | str,
        account_email: str,
        invoice_number: str,
        web_server: str | None = None,
    ) -> AddLicenseForm[AboutT]:
        """Fill in the whole form (Web Server only when given); return ``self``."""
        self.choose_license_type(license_type)
        if web_server is not None:
            self.choose_web_server(web_server)
        self.fill_account_email(account_email)
        return self.fill_invoice_number(invoice_number)

    # -- acting ----------------------------------------------------------------------------

    def activate_automatically(
        self, *, on_notification: Callable[[Notification], object] | None = None
    ) -> Outcome:
        """Press Automatic Activation and return the server's answer.

        On success, waits for what the page does next - the form closes and the list shows
        a row of the activated type - so that a list read right after sees the new license.
        On failure the form stays open with what was typed.

        Raises:
            PageStructureError: Account Email or Invoice Number is empty (nothing is pressed).
            PageTimeoutError: no notification, or the form or list did not follow it in time.
        """
        chosen = self.license_type()
        self._require_filled()
        notifications = self.about.notifications
        with self._errors("pressing Automatic Activation"):
            notifications.clear()
            self.automatic_activation_button.click()
            notification = notifications.wait_for_next()
            if on_notification is not None:
                on_notification(notification)
            outcome = classify(notification)
            if outcome.kind is OutcomeKind.ACTIVATED:
                self.account_email.wait_for(state="hidden", timeout=self.about.timeout_ms)
                self._wait_for_row_of_type(chosen)
        return outcome

    def _wait_for_row_of_type(self, license_type: str) -> None:
        panel = self.about.panel
        headers = [str(text) for text in panel.evaluate(_grid.HEADERS, _grid.HEADER_ROW) or []]
        if not headers:
            # The empty state was showing: wait for the list to appear with its first row.
            _grid.header_row(panel).first.wait_for(state="visible", timeout=self.about.timeout_ms)
            headers = [str(text) for text in panel.evaluate(_grid.HEADERS, _grid.HEADER_ROW)]
        position = column_positions(headers, where=self.page.url)[Column.LICENSE_TYPE]
        cell = self.about.frame.locator(f"xpath={_grid.cell_steps(position)}").filter(
            has_text=exactly(license_type)
        )
        try:
            expect(_grid.data_rows(panel).filter(has=cell).first).to_be_visible(
                timeout=self.about.timeout_ms
            )
        except AssertionError:
            raise PageTimeoutError(
                f"After a {license_type} license was activated at {self.page.url}, the license "
                f"list showed no {license_type} row within {self.about.timeout_ms / 1000:g} s."
            ) from None

    def _require_filled(self) -> None:
        # An empty required field is refused by the page itself, next to the field and with
        # no notification, so there would be no answer to wait for: say so at once instead.
        with self._errors("checking the Add License form"):
            empty = [
                name
                for name, box in (
                    ("Account Email", self.account_email),
                    ("Invoice Number", self.invoice_number),
                )
                if not box.input_value().strip()
            ]
        if empty:
            raise PageStructureError(
                f"The Add License form at {self.page.url} has no {' and no '.join(empty)}: "
                "both are required. Fill them in (fill()) before pressing Automatic Activation."
            )

    def start_manual_activation(self) -> ManualActivationPage[AboutT]:
        """Press Manual Activation and return the Manual Activation page once it shows."""
        manual = ManualActivationPage(self.about, typed=self._typed)
        with self._errors("pressing Manual Activation"):
            self.manual_activation_button.click()
        return manual.wait_until_open()

    def cancel(self) -> None:
        """Press Cancel and wait for the form to close."""
        with self._errors("cancelling the Add License form"):
            self.cancel_button.first.click()
            self.account_email.wait_for(state="hidden", timeout=self.about.timeout_ms)


class ManualActivationPage(Generic[AboutT]):
    """The Manual Activation page, shown in the About panel for a server without a route to
    the licensing service: copy the Server ID, get a key from the vendor, paste it, submit."""

    def __init__(self, about: AboutT, *, typed: list[str] | None = None) -> None:
        self.about = about
        self.page: Page = about.page
        panel = about.panel
        self.server_id_box: Locator = labelled(panel, "Server ID")
        self.request_link: Locator = link_or_button(
            panel, re.compile(r"Request an activation key", re.IGNORECASE)
        ).first
        self.activation_key_box: Locator = labelled(panel, "Activation Key")
        self.submit_button: Locator = button(panel, "Submit Activation Key")
        self.cancel_button: Locator = button(panel, "Cancel").filter(visible=True)
        # DNN's BackToLink is an <a> without href (no link role), so its text finds it too.
        self.back_link: Locator = (
            link_or_button(panel, _BACK).or_(panel.get_by_text(_BACK)).filter(visible=True).first
        )
        self._typed: list[str] = typed if typed is not None else []

    def _errors(self, action: str) -> AbstractContextManager[None]:
        return page_errors(action, self.page.url, self._typed)

    def wait_until_open(self) -> ManualActivationPage[AboutT]:
        """Wait until the page shows the Server ID; return ``self``."""
        with self._errors("waiting for the Manual Activation page"):
            self.server_id_box.wait_for(state="visible", timeout=self.about.timeout_ms)
        return self

    def is_open(self) -> bool:
        """True while the Manual Activation page is on screen."""
        return self.server_id_box.is_visible()

    def title(self) -> str:
        """The page's title, "Manual Activation"."""
        with self._errors("reading the Manual Activation title"):
            return " ".join(self.about.title_heading.inner_text().split())

    def sensitive_locators(self) -> list[Locator]:
        """The field whose contents must be masked in a screenshot: the activation key."""
        return [self.activation_key_box]

    def server_id(self) -> str:
        """The Server ID of STEP ONE, to paste into the vendor's request page."""
        with self._errors("reading the Server ID"):
            return "".join(self.server_id_box.input_value().split())

    def request_url(self) -> str | None:
        """Where STEP TWO's "Request an activation key" link leads (absolute), if a link."""
        with self._errors("reading the activation key request link"):
            href = self.request_link.evaluate("a => a.href || ''")
        return str(href) or None

    def open_request_page(self) -> ActivationKeyRequestPage:
        """Press STEP TWO's link and return the vendor's page it opens in a new tab.

        The new tab is the returned page object's ``page``; close it when done.
        """
        with self._errors("opening the activation key request page"):
            with self.page.context.expect_page(timeout=self.about.timeout_ms) as opened:
                self.request_link.click()
            request_page = opened.value
            request_page.wait_for_load_state("load", timeout=self.about.timeout_ms)
        return ActivationKeyRequestPage(request_page, timeout_ms=self.about.timeout_ms)

    def enter_activation_key(self, key: str) -> ManualActivationPage[AboutT]:
        """Paste ``key`` into STEP THREE's Activation Key; return ``self``."""
        self._typed.append(key)
        with self._errors("filling in the Activation Key"):
            self.activation_key_box.fill(key)
        return self

    def submit_activation_key(
        self,
        key: str | None = None,
        *,
        on_notification: Callable[[Notification], object] | None = None,
    ) -> Outcome:
        """Press Submit Activation Key (after entering ``key``, if given); return the answer.

        The page stays where the server leaves it: call :meth:`back_to_licensing` to read the
        list afterwards.
        """
        if key is not None:
            self.enter_activation_key(key)
        notifications = self.about.notifications
        with self._errors("submitting the activation key"):
            notifications.clear()
            self.submit_button.click()
            notification = notifications.wait_for_next()
            if on_notification is not None:
                on_notification(notification)
        return classify(notification)

    def back_to_licensing(self) -> AboutT:
        """Follow "< BACK TO LICENSING" (unless already back) and return the About page."""
        with self._errors("going back to the license list"):
            if self.server_id_box.is_visible():
                self.back_link.click()
                self.server_id_box.wait_for(state="hidden", timeout=self.about.timeout_ms)
        return self.about.wait_until_open()

    def cancel(self) -> AboutT:
        """Press STEP FOUR's Cancel and return the About page."""
        with self._errors("cancelling manual activation"):
            self.cancel_button.first.click()
            self.server_id_box.wait_for(state="hidden", timeout=self.about.timeout_ms)
        return self.about.wait_until_open()
