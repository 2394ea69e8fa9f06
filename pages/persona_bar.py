"""The Persona Bar: DNN's admin menu, living in ``iframe#personaBar-iframe`` (spec section 3).

The structure used here is the Persona Bar's own (``Dnn.AdminExperience``): the top-level
item ``li#Settings``, its hover menu ``#Settingshovermenu`` and the About item
``li[id="Dnn.Licensing"]`` (a dot in the id, hence the attribute selector). The About item is
also found by its text, "About", so a release that renames the id still works. Clicking the
top-level Settings item itself would open Site Settings, so the menu is opened by hovering.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dnn_runbook.exceptions import AboutNotAvailableError
from pages._errors import page_errors
from pages._locate import ABOUT_PANEL, PERSONA_BAR_IFRAME, button, exactly

if TYPE_CHECKING:
    from playwright.sync_api import FrameLocator, Locator, Page

    from pages.about import AboutPage

__all__ = ["PersonaBar"]


class PersonaBar:
    """The Persona Bar of the page in ``page``.

    Args:
        page: the browser tab, on a page of the site.
        timeout_ms: how long to wait for a menu or panel to appear.
    """

    def __init__(self, page: Page, *, timeout_ms: float = 30_000) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.iframe: Locator = page.locator(PERSONA_BAR_IFRAME)
        self.frame: FrameLocator = page.frame_locator(PERSONA_BAR_IFRAME)
        self.bar: Locator = self.frame.locator("#personabar")
        self.settings: Locator = self.frame.locator("#topLevelMenu li#Settings")
        self.settings_menu: Locator = self.frame.locator("#Settingshovermenu")
        self.about_item: Locator = (
            self.settings_menu.locator('li[id="Dnn.Licensing"]')
            .or_(self.settings_menu.locator("li").filter(has_text=exactly("About")))
            .first
        )
        self.panels: Locator = self.frame.locator("#personabar-panels")

    def wait_until_ready(self) -> PersonaBar:
        """Wait until the iframe has loaded the bar; return ``self``."""
        with page_errors("waiting for the Persona Bar", self.page.url):
            self.bar.wait_for(state="visible", timeout=self.timeout_ms)
        return self

    def reload(self) -> bool:
        """Load the Persona Bar's own document again, as a page load would, and wait for it.

        Everything in the bar starts afresh: a panel that was open reopens (the bar remembers
        it) and fetches its content from the server again, without reloading the site page
        around the bar. Returns ``False``, having loaded nothing, when this page carries no
        Persona Bar, and ``False`` when the reloaded document shows no bar or sends the
        whole page elsewhere (the session ended: DNN sends it to the login page); the caller
        then goes through the site's home page and the login.

        Raises:
            PageTimeoutError: the document did not load in time.
        """
        from playwright.sync_api import Error as PlaywrightError

        with page_errors("loading the Persona Bar again", self.page.url):
            if not self.iframe.count():
                return False
            frame = self.iframe.element_handle(timeout=self.timeout_ms).content_frame()
            if frame is None or not frame.url.startswith(("http://", "https://")):
                return False
            try:
                frame.goto(frame.url, timeout=self.timeout_ms)
            except PlaywrightError:
                if frame.is_detached():
                    return False  # the page around it went away: to the login page
                raise
            # The bar's markup comes with the document: once it has loaded, it is there or not.
            return not frame.is_detached() and self.bar.count() > 0

    def open_settings_menu(self) -> list[str]:
        """Hover Settings until its menu shows; return the menu's item labels in order.

        Raises:
            AboutNotAvailableError: there is no Settings item (the user is not an admin).
        """
        self.wait_until_ready()
        if not self.settings.count():
            raise AboutNotAvailableError(
                f"The Persona Bar at {self.page.url} has no Settings item: expected "
                "li#Settings in #topLevelMenu. Log in with a superuser (host) account."
            )
        with page_errors("opening the Settings menu of the Persona Bar", self.page.url):
            self.settings.hover()
            self.settings_menu.wait_for(state="visible", timeout=self.timeout_ms)
            labels = self.settings_menu.locator("li").all_inner_texts()
        return [" ".join(label.split()) for label in labels]

    def open_panel_path(self) -> str | None:
        """The ``data-path``-style name of the open panel (``"Licensing"``), or ``None``."""
        open_panels = self.panels.locator(".socialpanel").filter(visible=True)
        if not open_panels.count():
            return None
        panel_id = open_panels.first.get_attribute("id") or ""
        return panel_id.removesuffix("-panel") or None

    def is_about_open(self) -> bool:
        """True while the About panel is open."""
        return self.frame.locator(ABOUT_PANEL).is_visible()

    def open_about(self) -> AboutPage:
        """Open Settings > About and return it once its content has loaded.

        A panel left open is remembered by the Persona Bar and reopens on the next page load;
        in that case it is used as it is.

        Raises:
            AboutNotAvailableError: Settings has no About item (the user is not a host).
            PageTimeoutError: the menu or the panel did not show in time.
        """
        from pages.about import AboutPage

        about = AboutPage(self.page, timeout_ms=self.timeout_ms)
        self.wait_until_ready()
        if not self.is_about_open():
            items = self.open_settings_menu()
            if not self.about_item.count():
                raise AboutNotAvailableError(
                    f"The Settings menu of the Persona Bar at {self.page.url} has no About "
                    f"item (it lists {', '.join(items) or 'nothing'}): only a superuser (host) "
                    "sees Settings > About. Log in with a host account."
                )
            with page_errors("opening Settings > About", self.page.url):
                self.about_item.click()
        return about.wait_until_open()

    def close_panel(self) -> None:
        """Close the open panel with its close button (or Esc) and wait until it is gone."""
        open_panel = self.panels.locator(".socialpanel").filter(visible=True)
        with page_errors("closing the Persona Bar panel", self.page.url):
            if not open_panel.count():
                return
            close = button(open_panel.first, "Close").filter(visible=True)
            if close.count():
                close.first.click()
            else:
                self.bar.press("Escape")
            open_panel.first.wait_for(state="hidden", timeout=self.timeout_ms)
