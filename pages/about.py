"""Settings > About (Evoq's license page): the license list and what acts on it.

Evoq's license page is closed source, so apart from the Persona Bar's own shell (the panel
``#Licensing-panel``) and the public classes of DNN's React components it is built from, every
thing here is found by visible text and layout (``docs/dnn-ui.md``): the title in the page
header, the "Add License" button, the list of licenses under its LICENSE TYPE header (a table,
an ARIA grid or DNN's ``GridCell``\\ s, see :mod:`pages._grid`), a row's trash icon and its
``[ renew ]``, the empty state's text and the "Connection to license server failed" notice.

Every action waits for the page's own signal that it has finished: the notification (read as
soon as it shows, since a success hides itself after two seconds), then the list changing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from dnn_runbook.exceptions import LicenseNotFoundError, PageStructureError, PageTimeoutError
from pages import _grid
from pages._errors import page_errors
from pages._locate import ABOUT_PANEL, PERSONA_BAR_IFRAME, button
from pages._panel import close_open_panel
from pages.add_license import AddLicenseForm, ManualActivationPage
from pages.confirmation import ConfirmationDialog
from pages.license_table import Column, LicenseRow, RawCell, column_positions, parse_rows
from pages.notifications import NotificationArea
from pages.results import Notification, Outcome, OutcomeKind, classify

if TYPE_CHECKING:
    from playwright.sync_api import FrameLocator, Locator, Page

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


def _named_remove(row: Locator) -> Locator:
    """A row's remove control that says what it is: named Remove or Delete, or an icon whose
    tooltip says so (an icon font glyph takes its accessible name from its text)."""
    tooltip = ", ".join(
        f'[{attribute}="{word}" i]' for attribute in ("title", "aria-label") for word in _TOOLTIPS
    )
    return (
        row.get_by_role("button", name=_REMOVE)
        .or_(row.get_by_role("link", name=_REMOVE))
        .or_(row.locator(tooltip))
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
        #: The license list's header row (a table's, an ARIA grid's or a GridCell row).
        self.list_header: Locator = _grid.header_row(self.panel).filter(visible=True).first
        #: The data rows, in table order, without an empty state's placeholder row.
        self.rows: Locator = _grid.data_rows(self.panel)
        self.empty_state: Locator = self.panel.get_by_text(_EMPTY).filter(visible=True)
        self.upgrade_hint: Locator = self.panel.get_by_text(_UPGRADE).filter(visible=True)
        self.licensing_notice_text: Locator = self.panel.get_by_text(_PAGE_LOAD_FAILURE).filter(
            visible=True
        )
        self.notifications = NotificationArea(self.frame, timeout_ms=timeout_ms)
        self.confirmation = ConfirmationDialog(self.frame, timeout_ms=timeout_ms)

    # -- state -----------------------------------------------------------------------------

    def wait_until_open(self) -> AboutPage:
        """Wait until the panel shows its title and its content (the list or the empty state).

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
            self.list_header.or_(self.empty_state).filter(visible=True).first.wait_for(
                state="visible", timeout=self.timeout_ms
            )
        except PlaywrightTimeoutError:
            raise PageStructureError(
                f"Settings > About at {self.page.url} showed neither a license list (a table, "
                "an ARIA grid or a grid of DNN GridCells whose headers include LICENSE TYPE) "
                "nor the empty state ('You have no EVOQ licenses ...') within "
                f"{self.timeout_ms / 1000:g} s. Check that the panel shows the license list, "
                "not the Manual Activation page."
            ) from None

    def title(self) -> str:
        """The panel's title: "About" from Evoq 9.1 on, "Licensing" on 9.0."""
        return " ".join(self.title_heading.inner_text().split())

    def is_open(self) -> bool:
        """True while the About panel is open."""
        return self.panel.is_visible()

    # -- reading ---------------------------------------------------------------------------

    def licenses(self) -> list[LicenseRow]:
        """Read the license list; an empty list when the page shows its empty state.

        Raises:
            PageStructureError: a needed column is missing or an EXPIRES cell is not a date.
        """
        where = self.page.url
        with page_errors("reading the license table", where):
            self._wait_for_content()
            read = self.panel.evaluate_all(_grid.on_first(_grid.READ), _grid.PATHS)
        if read is None:
            raise PageStructureError(
                f"The About panel at {where} closed while its license table was being read."
            )
        raw = json.loads(read)
        if raw["headers"] is None:
            return []
        rows = [
            [
                RawCell(
                    text=str(cell["text"]),
                    labels=tuple(str(label) for label in cell["labels"]),
                    checked=cell["checked"],
                    graphic=bool(cell["graphic"]),
                )
                for cell in row
            ]
            for row in raw["rows"]
        ]
        return parse_rows([str(text) for text in raw["headers"]], rows, where=where)

    def headers(self) -> list[str]:
        """The license list's header texts, in order; empty without a list (or a panel)."""
        with page_errors("reading the license table's headers", self.page.url):
            texts = self.panel.evaluate_all(_grid.on_first(_grid.HEADERS), _grid.HEADER_ROW)
        return [str(text) for text in texts or []]

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

        The INVOICE NUMBER cell of every row now in the list, and the Add License form's
        Account Email and Invoice Number and the manual activation key (they match nothing
        while their form is closed). Call it right before each screenshot: the rows are
        counted when it is called.
        """
        found: list[Locator] = []
        column = self._invoice_column()
        if column is not None:
            found.extend(_grid.row_cell(self.rows.nth(i), column) for i in range(self.rows.count()))
        found.extend(AddLicenseForm(self).sensitive_locators())
        found.extend(ManualActivationPage(self).sensitive_locators())
        return found

    def screenshot_masks(self) -> list[Locator]:
        """The regions of :meth:`sensitive_locators` as few locators, for ``page.screenshot(mask=...)``.

        The INVOICE NUMBER cells are one locator here, matching that cell of every data row,
        where :meth:`sensitive_locators` gives one locator per row: Playwright resolves each
        mask locator on its own, and per-row locators on a table of 200 licenses took longer
        than a screenshot's 30 s timeout. The locator names a position, never a value, so no
        invoice number reaches a selector (which traces and error messages quote). Each
        locator may match several elements, so use these only as masks. Call it right before
        each screenshot: the column is found when it is called.
        """
        found: list[Locator] = []
        column = self._invoice_column()
        if column is not None:
            found.append(_grid.column_cells(self.panel, column))
        found.extend(AddLicenseForm(self).sensitive_locators())
        found.extend(ManualActivationPage(self).sensitive_locators())
        return found

    def _invoice_column(self) -> int | None:
        """Where INVOICE NUMBER is among the list's columns (from 0); ``None`` without a list."""
        headers = self.headers()
        if not headers:
            return None
        return column_positions(headers, where=self.page.url)[Column.INVOICE_NUMBER]

    # -- acting ----------------------------------------------------------------------------

    def add_license(self) -> AddLicenseForm[AboutPage]:
        """Press "Add License" and return the form once it shows (or the form already open)."""
        form = AddLicenseForm(self)
        with page_errors("opening the Add License form", self.page.url):
            if not form.is_open():
                self.add_license_button.click()
            form.wait_until_open()
        return form

    def row_locator(self, row: LicenseRow) -> Locator:
        """The list row now showing ``row``.

        Raises:
            LicenseNotFoundError: no row of the list shows it any more.
        """
        for index, candidate in enumerate(self.licenses()):
            if candidate == row:
                return self.rows.nth(index)
        raise LicenseNotFoundError(
            f"The license table at {self.page.url} no longer shows the {row.license_type} "
            f"license on {row.web_server or 'no web server'} that was read from it earlier. "
            "Read the table again before acting on it."
        )

    def remove_control(self, target: Locator) -> Locator:
        """The remove control of the list row ``target``.

        A control named Remove or Delete (or with such a tooltip) when the row has one; else
        the one icon with no text outside the list's named columns, as DNN's own grids draw
        their trash can (an SVG in a plain ``div``, no name).

        Raises:
            PageStructureError: the row has no such control, or several unnamed icons.
        """
        named = _named_remove(target)
        if named.count():
            return named.first
        headers = self.headers()
        known = set(column_positions(headers, where=self.page.url).values())
        icons = [
            _grid.row_cell(target, index).locator(_grid.ICON_HOLDER).first
            for index in range(len(headers))
            if index not in known
            and _grid.row_cell(target, index).locator(_grid.ICON_HOLDER).count()
        ]
        if len(icons) == 1:
            return icons[0]
        raise PageStructureError(
            f"A row of the license table at {self.page.url} has "
            f"{'no' if not icons else len(icons)} remove control{'' if len(icons) == 1 else 's'}"
            ": expected a button or link named Remove or Delete, or one icon (the trash can) "
            "outside the LICENSE TYPE, INVOICE NUMBER, WEB SERVER, ACTIVATED and EXPIRES "
            "columns."
        )

    def renew_control(self, target: Locator) -> Locator:
        """The ``[ renew ]`` control of the list row ``target`` (a link, a button or an ``<a>``
        with no ``href``), found by its text."""
        return target.get_by_text(_RENEW).first

    def remove_license(
        self, row: LicenseRow, *, on_notification: NotificationHook | None = None
    ) -> Outcome:
        """Remove ``row`` through its trash icon and the confirmation dialog.

        Returns the server's answer. ``DELETED_ACTIVATION_LOST`` means the license is gone but
        its activation did not go back to the invoice (the licensing service was unreachable):
        a Production license cannot then be activated elsewhere without DNN Technical Support.
        When the license was deleted, waits for the list to lose the row before returning.

        Raises:
            LicenseNotFoundError: the list no longer shows ``row``.
            PageStructureError: the row has no recognisable remove control.
            PageTimeoutError: the dialog, the notification or the list change did not come.
        """
        where = self.page.url
        with page_errors(f"removing the {row.license_type} license", where, [row.invoice_number]):
            target = self.row_locator(row)
            self.notifications.clear()
            before = self.rows.count()
            self.remove_control(target).click()
            self.confirmation.wait_until_open().confirm()
            notification = self.notifications.wait_for_next()
            if on_notification is not None:
                on_notification(notification)
            outcome = classify(notification)
            if outcome.kind in {OutcomeKind.DELETED, OutcomeKind.DELETED_ACTIVATION_LOST}:
                self._wait_for_row_count(before - 1, f"removing the {row.license_type} license")
        return outcome

    def start_removal(self, row: LicenseRow) -> ConfirmationDialog:
        """Press ``row``'s trash icon and return the confirmation dialog, not yet answered."""
        with page_errors(
            f"removing the {row.license_type} license", self.page.url, [row.invoice_number]
        ):
            target = self.row_locator(row)
            self.notifications.clear()
            self.remove_control(target).click()
            return self.confirmation.wait_until_open()

    def renew_license(
        self, row: LicenseRow, *, on_notification: NotificationHook | None = None
    ) -> Outcome:
        """Press ``row``'s ``[ renew ]`` (a link, a button or an ``<a>`` with no ``href``)
        and return the server's answer."""
        where = self.page.url
        with page_errors(f"renewing the {row.license_type} license", where, [row.invoice_number]):
            target = self.row_locator(row)
            self.notifications.clear()
            self.renew_control(target).click()
            notification = self.notifications.wait_for_next()
            if on_notification is not None:
                on_notification(notification)
        return classify(notification)

    def close(self) -> None:
        """Close the panel (View Site, its Close button or Escape) and wait until it has gone."""
        close_open_panel(self.page, timeout_ms=self.timeout_ms)

    def _wait_for_row_count(self, count: int, action: str) -> None:
        try:
            expect(self.rows).to_have_count(count, timeout=self.timeout_ms)
        except AssertionError:
            raise PageTimeoutError(
                f"After {action} at {self.page.url}, the license table did not change to "
                f"{count} rows within {self.timeout_ms / 1000:g} s."
            ) from None
