"""Settings > About (Evoq's license page): the license table and what acts on it.

Evoq's license page is closed source, so apart from the Persona Bar's own shell (the panel
``#Licensing-panel`` and its ``.dnn-persona-bar-page-header``) everything here is found by
role, label and visible text (spec section 4): the ``table`` with the LICENSE TYPE column, its
rows and cells, the "Add License" button, a row's Remove and ``[ renew ]`` buttons, the empty
state's text and the "Connection to license server failed" notice.

Every action waits for the page's own signal that it has finished: the notification (read as
soon as it shows, since a success hides itself after two seconds), then the table changing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from dnn_runbook.exceptions import LicenseNotFoundError, PageStructureError, PageTimeoutError
from pages._errors import page_errors
from pages._locate import ABOUT_PANEL, PERSONA_BAR_IFRAME, button, cells
from pages.confirmation import ConfirmationDialog
from pages.license_table import Column, LicenseRow, RawCell, column_positions, parse_rows
from pages.notifications import NotificationArea
from pages.results import Notification, Outcome, OutcomeKind, classify

if TYPE_CHECKING:
    from playwright.sync_api import FrameLocator, Locator, Page

    from pages.add_license import AddLicenseForm

__all__ = ["AboutPage", "NotificationHook"]

#: Called with the notification the moment it has been read, while it is still on screen
#: (for example to take a screenshot of it before a success hides itself).
NotificationHook = Callable[[Notification], object]

_TITLES = ("About", "Licensing")
_EMPTY = re.compile(r"You have no EVOQ licenses", re.IGNORECASE)
_UPGRADE = re.compile(r"Upgrade to EVOQ below", re.IGNORECASE)
_PAGE_LOAD_FAILURE = re.compile(
    r"Connection to license server failed\.?\s+You will not be able", re.IGNORECASE
)
_REMOVE = re.compile(r"^\s*(remove|delete)\s*$", re.IGNORECASE)
_TOOLTIPS = ("Remove", "Delete")
_RENEW = re.compile(r"^\s*\[?\s*renew\s*\]?\s*$", re.IGNORECASE)

# The cells of every data row in one round trip: a 200-license table would otherwise cost a
# round trip per cell. A native row's cells are ``tr.cells``; an ARIA row's are its elements
# with a cell role. Icons carry their meaning in aria-label/title, checkboxes in their state.
# The answer comes back as one JSON string: Playwright's own serialization of a thousand small
# objects took three times as long as reading them (0.17 s against 0.05 s for 200 rows).
_READ_CELLS = """rows => JSON.stringify(rows.map(row => {
  const found = row instanceof HTMLTableRowElement
    ? Array.from(row.cells)
    : Array.from(row.querySelectorAll('[role="cell"],[role="gridcell"],[role="rowheader"]'));
  return found.map(cell => {
    const labelled = [cell, ...cell.querySelectorAll('[aria-label],[title]')];
    const labels = labelled
      .map(e => e.getAttribute('aria-label') || e.getAttribute('title') || '')
      .filter(Boolean);
    const box = cell.querySelector('input[type="checkbox"],[role="checkbox"]');
    const checked = box
      ? (box.checked === true || box.getAttribute('aria-checked') === 'true')
      : null;
    return {text: cell.innerText, labels, checked};
  });
}))"""


_CELL_ROLE = "@role='cell' or @role='gridcell' or @role='rowheader'"


def _cell_of_every_data_row(column: int) -> str:
    """An XPath for cell ``column`` (from 0) of every data row, counting cells as
    ``_READ_CELLS`` does: a native row's ``td``/``th`` children, an ARIA row's descendants
    with a cell role. A header row (no ``td``, no cell role) is left out."""
    n = column + 1
    native = f".//tr[td]/*[self::td or self::th][{n}]"
    aria = (
        f".//*[@role='row' and not(self::tr)][descendant::*[{_CELL_ROLE}]]"
        f"/descendant::*[{_CELL_ROLE}][{n}]"
    )
    return f"xpath={native} | {aria}"


def _remove_button(row: Locator) -> Locator:
    """A row's trash button: named Remove or Delete, or an icon whose tooltip says so.

    The trash icon's markup is unknown (spec section 4); an icon with text content (an icon
    font glyph) takes its accessible name from that text, so its tooltip is checked too.
    """
    tooltip = ", ".join(
        f'[{attribute}="{word}" i]' for attribute in ("title", "aria-label") for word in _TOOLTIPS
    )
    return (
        row.get_by_role("button", name=_REMOVE)
        .or_(row.get_by_role("link", name=_REMOVE))
        .or_(row.locator(tooltip))
        .first
    )


class AboutPage:
    """Settings > About, inside the Persona Bar of ``page``.

    Args:
        page: the browser tab whose Persona Bar shows (or will show) the About panel.
        timeout_ms: how long to wait for the server to answer an action.
    """

    def __init__(self, page: Page, *, timeout_ms: float = 30_000) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.frame: FrameLocator = page.frame_locator(PERSONA_BAR_IFRAME)
        self.panel: Locator = self.frame.locator(ABOUT_PANEL)
        self.header: Locator = self.panel.locator(".dnn-persona-bar-page-header").filter(
            visible=True
        )
        self.title_heading: Locator = self.header.get_by_role("heading").first
        self.add_license_button: Locator = button(self.header, "Add License")
        self.table: Locator = self.panel.get_by_role("table").filter(
            has=self.frame.get_by_role("columnheader", name=re.compile(r"license\s+type", re.I))
        )
        self.header_cells: Locator = (
            self.table.get_by_role("row")
            .filter(has=self.frame.get_by_role("columnheader"))
            .first.get_by_role("columnheader")
        )
        #: The data rows: rows with cells, without the empty state's placeholder row.
        self.rows: Locator = (
            self.table.get_by_role("row").filter(has=cells(self.frame)).filter(has_not_text=_EMPTY)
        )
        self.empty_state: Locator = self.panel.get_by_text(_EMPTY).filter(visible=True)
        self.upgrade_hint: Locator = self.panel.get_by_text(_UPGRADE).filter(visible=True)
        self.licensing_notice_text: Locator = self.panel.get_by_text(_PAGE_LOAD_FAILURE).filter(
            visible=True
        )
        self.notifications = NotificationArea(self.frame, timeout_ms=timeout_ms)
        self.confirmation = ConfirmationDialog(self.frame, timeout_ms=timeout_ms)

    # -- state -----------------------------------------------------------------------------

    def wait_until_open(self) -> AboutPage:
        """Wait until the panel shows its title and its content (table or empty state).

        Raises:
            PageStructureError: the open panel's title is neither "About" nor "Licensing".
            PageTimeoutError: the panel or its content did not show in time.
        """
        with page_errors("waiting for Settings > About to open", self.page.url):
            self.title_heading.wait_for(state="visible", timeout=self.timeout_ms)
            title = self.title()
            if title.casefold() not in {t.casefold() for t in _TITLES}:
                raise PageStructureError(
                    f"The panel opened as Settings > About at {self.page.url} is titled "
                    f"{title!r}: expected 'About' (or 'Licensing' on Evoq 9.0)."
                )
            self._wait_for_content()
        return self

    def _wait_for_content(self) -> None:
        try:
            self.table.or_(self.empty_state).filter(visible=True).first.wait_for(
                state="visible", timeout=self.timeout_ms
            )
        except PlaywrightTimeoutError:
            raise PageStructureError(
                f"Settings > About at {self.page.url} showed neither a license table (a table "
                "whose column headers include LICENSE TYPE) nor the empty state ('You have no "
                f"EVOQ licenses ...') within {self.timeout_ms / 1000:g} s. Check that the panel "
                "shows the license list, not the Manual Activation page."
            ) from None

    def title(self) -> str:
        """The panel's title: "About" from Evoq 9.1 on, "Licensing" on 9.0."""
        return " ".join(self.title_heading.inner_text().split())

    def is_open(self) -> bool:
        """True while the About panel is open."""
        return self.panel.is_visible()

    # -- reading ---------------------------------------------------------------------------

    def licenses(self) -> list[LicenseRow]:
        """Read the license table; an empty list when the page shows its empty state.

        Raises:
            PageStructureError: a needed column is missing or an EXPIRES cell is not a date.
        """
        where = self.page.url
        with page_errors("reading the license table", where):
            self._wait_for_content()
            if not self.table.count():
                return []
            headers = self.header_cells.all_inner_texts()
            raw = json.loads(self.rows.evaluate_all(_READ_CELLS))
        rows = [
            [
                RawCell(
                    text=str(cell["text"]),
                    labels=tuple(str(label) for label in cell["labels"]),
                    checked=cell["checked"],
                )
                for cell in row
            ]
            for row in raw
        ]
        return parse_rows(headers, rows, where=where)

    def find_licenses(
        self,
        *,
        license_type: str | None = None,
        invoice_number: str | None = None,
        web_server: str | None = None,
    ) -> list[LicenseRow]:
        """The rows matching every criterion given (case-insensitively), in table order."""
        return [
            row
            for row in self.licenses()
            if row.matches(
                license_type=license_type, invoice_number=invoice_number, web_server=web_server
            )
        ]

    def find_license(
        self,
        *,
        license_type: str | None = None,
        invoice_number: str | None = None,
        web_server: str | None = None,
    ) -> LicenseRow | None:
        """The first row matching every criterion given, or ``None``."""
        found = self.find_licenses(
            license_type=license_type, invoice_number=invoice_number, web_server=web_server
        )
        return found[0] if found else None

    def empty_state_text(self) -> str | None:
        """The empty state's text ("You have no EVOQ licenses ... yet ..."), or ``None``."""
        with page_errors("reading the About page", self.page.url):
            self._wait_for_content()
            if not self.empty_state.count():
                return None
            texts = [self.empty_state.first.inner_text()]
            if self.upgrade_hint.count():
                hint = self.upgrade_hint.first.inner_text()
                # Both sentences may sit in one element, which both locators then find.
                if hint != texts[0]:
                    texts.append(hint)
        return " ".join(" ".join(texts).split())

    def licensing_notice(self) -> Outcome | None:
        """The page-load notice "Connection to license server failed. ...", or ``None``.

        Evoq shows it when the DNN server could not reach the licensing service while the
        page loaded: automatic activation and renewal will fail, and so would returning an
        activation on removal. Its :attr:`Outcome.kind` is ``LICENSING_UNREACHABLE``.
        """
        with page_errors("reading the About page", self.page.url):
            self._wait_for_content()
            if not self.licensing_notice_text.count():
                return None
            text = self.licensing_notice_text.first.inner_text().strip()
        return Outcome(OutcomeKind.LICENSING_UNREACHABLE, text, is_error=True)

    def notification(self) -> Notification | None:
        """The notification on screen now, or ``None``."""
        return self.notifications.current()

    def dismiss_notification(self) -> None:
        """Press OK on a notification that waits for it, or wait for one to hide itself."""
        with page_errors("dismissing the notification", self.page.url):
            self.notifications.clear()

    def sensitive_locators(self) -> list[Locator]:
        """Everything on the panel that must be masked in a screenshot, as of now.

        The INVOICE NUMBER cell of every row now in the table, and the Add License form's
        Account Email and Invoice Number and the manual activation key (they match nothing
        while their form is closed). Call it right before each screenshot: the rows are
        counted when it is called.
        """
        from pages.add_license import AddLicenseForm, ManualActivationPage

        found: list[Locator] = []
        if self.table.count():
            where = self.page.url
            headers = self.header_cells.all_inner_texts()
            invoice = column_positions(headers, where=where)[Column.INVOICE_NUMBER]
            found.extend(cells(self.rows.nth(i)).nth(invoice) for i in range(self.rows.count()))
        found.extend(AddLicenseForm(self).sensitive_locators())
        found.extend(ManualActivationPage(self).sensitive_locators())
        return found

    def screenshot_masks(self) -> list[Locator]:
        """The regions of :meth:`sensitive_locators` as few locators, for ``page.screenshot(mask=...)``.

        The INVOICE NUMBER cells are one locator here, matching that cell of every data row
        (the cell under the INVOICE NUMBER header, counted as :meth:`licenses` counts them),
        where :meth:`sensitive_locators` gives one locator per row. Playwright resolves each
        mask locator on its own, and a per-row locator scans the whole table again: on a
        table of 200 licenses the per-row masks took longer than a screenshot's 30 s timeout,
        this one a few milliseconds. The locator names a position, never a value, so no
        invoice number reaches a selector (which traces and error messages quote). Each
        locator may match several elements, so use these only as masks. Call it right before
        each screenshot: the column is found when it is called.
        """
        from pages.add_license import AddLicenseForm, ManualActivationPage

        found: list[Locator] = []
        column = self._invoice_column()
        if column is not None:
            found.append(self.table.locator(_cell_of_every_data_row(column)))
        found.extend(AddLicenseForm(self).sensitive_locators())
        found.extend(ManualActivationPage(self).sensitive_locators())
        return found

    def _invoice_column(self) -> int | None:
        """Where INVOICE NUMBER is among the table's columns (from 0); ``None`` without a table."""
        where = self.page.url
        with page_errors("finding the invoice column to mask", where):
            if not self.table.count():
                return None
            headers = self.header_cells.all_inner_texts()
        return column_positions(headers, where=where)[Column.INVOICE_NUMBER]

    # -- acting ----------------------------------------------------------------------------

    def add_license(self) -> AddLicenseForm:
        """Press "Add License" and return the form once it shows (or the form already open)."""
        from pages.add_license import AddLicenseForm

        form = AddLicenseForm(self)
        with page_errors("opening the Add License form", self.page.url):
            if not form.is_open():
                self.add_license_button.click()
            form.wait_until_open()
        return form

    def row_locator(self, row: LicenseRow) -> Locator:
        """The table row now showing ``row``.

        Raises:
            LicenseNotFoundError: no row of the table shows it any more.
        """
        for index, candidate in enumerate(self.licenses()):
            if candidate == row:
                return self.rows.nth(index)
        raise LicenseNotFoundError(
            f"The license table at {self.page.url} no longer shows the {row.license_type} "
            f"license on {row.web_server or 'no web server'} that was read from it earlier. "
            "Read the table again before acting on it."
        )

    def remove_license(
        self, row: LicenseRow, *, on_notification: NotificationHook | None = None
    ) -> Outcome:
        """Remove ``row`` through its trash button and the confirmation dialog.

        Returns the server's answer. ``DELETED_ACTIVATION_LOST`` means the license is gone but
        its activation did not go back to the invoice (the licensing service was unreachable):
        a Production license cannot then be activated elsewhere without DNN Technical Support.
        When the license was deleted, waits for the table to lose the row before returning.

        Raises:
            LicenseNotFoundError: the table no longer shows ``row``.
            PageTimeoutError: the dialog, the notification or the table change did not come.
        """
        where = self.page.url
        with page_errors(f"removing the {row.license_type} license", where, [row.invoice_number]):
            target = self.row_locator(row)
            self.notifications.clear()
            before = self.rows.count()
            _remove_button(target).click()
            self.confirmation.wait_until_open().confirm()
            notification = self.notifications.wait_for_next()
            if on_notification is not None:
                on_notification(notification)
            outcome = classify(notification)
            if outcome.kind in {OutcomeKind.DELETED, OutcomeKind.DELETED_ACTIVATION_LOST}:
                self._wait_for_row_count(before - 1, f"removing the {row.license_type} license")
        return outcome

    def start_removal(self, row: LicenseRow) -> ConfirmationDialog:
        """Press ``row``'s trash button and return the confirmation dialog, not yet answered."""
        with page_errors(
            f"removing the {row.license_type} license", self.page.url, [row.invoice_number]
        ):
            target = self.row_locator(row)
            self.notifications.clear()
            _remove_button(target).click()
            return self.confirmation.wait_until_open()

    def renew_license(
        self, row: LicenseRow, *, on_notification: NotificationHook | None = None
    ) -> Outcome:
        """Press ``row``'s ``[ renew ]`` and return the server's answer."""
        where = self.page.url
        with page_errors(f"renewing the {row.license_type} license", where, [row.invoice_number]):
            target = self.row_locator(row)
            self.notifications.clear()
            target.get_by_role("button", name=_RENEW).or_(
                target.get_by_role("link", name=_RENEW)
            ).first.click()
            notification = self.notifications.wait_for_next()
            if on_notification is not None:
                on_notification(notification)
        return classify(notification)

    def close(self) -> None:
        """Close the panel (its close button, or Esc) and wait until it has gone."""
        from pages.persona_bar import PersonaBar

        PersonaBar(self.page, timeout_ms=self.timeout_ms).close_panel()

    def _wait_for_row_count(self, count: int, action: str) -> None:
        try:
            expect(self.rows).to_have_count(count, timeout=self.timeout_ms)
        except AssertionError:
            raise PageTimeoutError(
                f"After {action} at {self.page.url}, the license table did not change to "
                f"{count} rows within {self.timeout_ms / 1000:g} s."
            ) from None
