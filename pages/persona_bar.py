"""The Persona Bar: DNN's admin menu, living in ``iframe#personaBar-iframe``.

The structure used here is the Persona Bar's own (``Dnn.AdminExperience``, see
``docs/dnn-ui.md``): top-level items ``li.btn_panel`` such as ``li#Settings``, its hover menu
``#Settingshovermenu`` and the About item ``li[id="Dnn.Licensing"]`` (a dot in the id, hence the
attribute selector), also found by its text, "About", so that a release that renames the id
still works.

DNN's shell is slow in ways that matter, and every wait here is for its own signal:

- the menu is drawn only once the resource strings have arrived, well after the bar shows; "not
  a host" is concluded only from a menu that has been drawn;
- a hover menu shows 50 ms after the pointer enters its item, off-screen at first, then fades
  in; clicking the top-level Settings item itself would open Site Settings, so it is hovered;
- a click that arrives while a panel animates is dropped, so opening About is tried again
  until the panel shows.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dnn_runbook.exceptions import AboutNotAvailableError, PageTimeoutError
from pages._errors import page_errors
from pages._locate import ABOUT_PANEL, PERSONA_BAR_IFRAME, exactly
from pages._panel import attempt_ms, close_open_panel
from pages.about import AboutPage

if TYPE_CHECKING:
    from playwright.sync_api import Frame, FrameLocator, Locator, Page, Response

__all__ = ["PendingReload", "PersonaBar"]

#: The shell fetches its resource strings from here and draws the menu when they arrive.
_RESOURCES = "/api/personabar/localization/gettable"
_ABOUT_REMEMBERED = """() => {
  const settings = window.personaBarSettings && window.personaBarSettings.userSettings;
  return Boolean(settings && settings.expandPersonaBar
    && settings.activeIdentifier === 'Dnn.Licensing');
}"""


class PendingReload:
    """A Persona Bar document loading again (:meth:`PersonaBar.start_reload`)."""

    def __init__(self, bar: PersonaBar, frame: Frame) -> None:
        self.bar = bar
        self.frame = frame
        #: The statuses of the resource strings refused meanwhile (the session has ended).
        self.refused: list[int] = []
        self.gone = False
        bar.page.on("response", self._watch)

    def _watch(self, response: Response) -> None:
        if _RESOURCES in response.url.lower() and response.status in (401, 403):
            self.refused.append(response.status)

    def stop_watching(self) -> None:
        """Stop listening to the page's responses (done by :meth:`finish`)."""
        self.bar.page.remove_listener("response", self._watch)

    def finish(self) -> bool:
        """Wait until the document has loaded and drawn its menu: ``True``; ``False`` when
        the session has ended (see :meth:`PersonaBar.reload`).

        Raises:
            PageTimeoutError: the document or its menu did not load in time.
        """
        bar = self.bar
        try:
            with page_errors("loading the Persona Bar again", bar.page.url):
                if self.gone or self.frame.is_detached():
                    return False
                try:
                    self.frame.wait_for_load_state("load", timeout=bar.timeout_ms)
                except PlaywrightError:
                    if self.frame.is_detached():
                        return False
                    raise
                return bar._menu_or_refusal(self.refused)
        finally:
            self.stop_watching()


class PersonaBar:
    """The Persona Bar of the page in ``page``.

    Args:
        page: the browser tab, on a page of the site.
        timeout_ms: how long to wait for the menu, a hover menu or a panel.
    """

    def __init__(self, page: Page, *, timeout_ms: float = 30_000) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.iframe: Locator = page.locator(PERSONA_BAR_IFRAME)
        self.frame: FrameLocator = page.frame_locator(PERSONA_BAR_IFRAME)
        self.bar: Locator = self.frame.locator("#personabar")
        #: Settings > About pressed by :meth:`start_opening_about`, its panel not awaited yet.
        self._about_pressed = False
        #: The top-level items, drawn by the shell once its resource strings arrive.
        self.menu_items: Locator = self.frame.locator("#topLevelMenu li.btn_panel")
        self.settings: Locator = self.frame.locator("#topLevelMenu li#Settings")
        self.settings_menu: Locator = self.frame.locator("#Settingshovermenu")
        self.about_item: Locator = (
            self.settings_menu.locator('li[id="Dnn.Licensing"]')
            .or_(self.settings_menu.locator("li").filter(has_text=exactly("About")))
            .first
        )
        self.panels: Locator = self.frame.locator("#personabar-panels")

    # -- readiness -------------------------------------------------------------------------

    def wait_until_ready(self) -> PersonaBar:
        """Wait until the bar shows and its menu has been drawn; return ``self``.

        Raises:
            PageTimeoutError: no bar, or no menu, within the timeout.
        """
        with page_errors("waiting for the Persona Bar", self.page.url):
            self.bar.wait_for(state="visible", timeout=self.timeout_ms)
        try:
            self.menu_items.first.wait_for(state="attached", timeout=self.timeout_ms)
        except PlaywrightTimeoutError:
            raise PageTimeoutError(
                f"The Persona Bar at {self.page.url} showed but drew no menu within "
                f"{self.timeout_ms / 1000:g} s: DNN draws it once its resource strings arrive "
                "(API/PersonaBar/Localization/GetTable). The server may be slow or the session "
                "may have ended; nothing was concluded about the account."
            ) from None
        return self

    def reload(self) -> bool:
        """Load the Persona Bar's own document again, as a page load would, and wait for it.

        Everything in the bar starts afresh: a panel that was open reopens (the bar remembers
        it) and fetches its content from the server again, without reloading the site page
        around the bar. Returns ``False``, having loaded nothing, when this page carries no
        Persona Bar, and ``False`` when the session has ended: the reloaded bar sends the page
        to the login page, or its resource strings are refused (401/403) so that it can never
        draw its menu. The caller then goes through the site's home page and the login.

        Raises:
            PageTimeoutError: the document or its menu did not load in time.
        """
        pending = self.start_reload()
        return pending.finish() if pending is not None else False

    def start_reload(self) -> PendingReload | None:
        """Start loading the Persona Bar's document again and return at once, once the
        server has answered; :meth:`PendingReload.finish` waits for the rest.

        Meanwhile another tab may be read: two servers' bars then load at the same time.
        Returns ``None`` when this page carries no Persona Bar.

        Raises:
            PageTimeoutError: the server did not answer in time.
        """
        with page_errors("loading the Persona Bar again", self.page.url):
            if not self.iframe.count():
                return None
            frame = self.iframe.element_handle(timeout=self.timeout_ms).content_frame()
            if frame is None or not frame.url.startswith(("http://", "https://")):
                return None
            pending = PendingReload(self, frame)
            try:
                frame.goto(frame.url, timeout=self.timeout_ms, wait_until="commit")
            except PlaywrightError:
                if not frame.is_detached():
                    pending.stop_watching()
                    raise
                pending.gone = True  # the page around it went away: to the login page
            return pending

    def _menu_or_refusal(self, refused: list[int]) -> bool:
        """Wait for the menu, or for the resource strings to be refused (session ended)."""
        deadline = time.monotonic() + self.timeout_ms / 1000
        while not refused:
            if self.menu_items.count():
                return True
            if not self.bar.count():
                return False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PageTimeoutError(
                    f"The Persona Bar at {self.page.url} was loaded again but drew no menu "
                    f"within {self.timeout_ms / 1000:g} s."
                )
            # A short wait on the menu itself, so that a refusal seen meanwhile ends it early.
            try:
                self.menu_items.first.wait_for(state="attached", timeout=min(250, remaining * 1000))
            except PlaywrightTimeoutError:
                continue
        return False

    # -- the Settings menu ---------------------------------------------------------------------

    def open_settings_menu(self) -> list[str]:
        """Hover Settings until its menu shows; return the menu's item labels in order.

        Raises:
            AboutNotAvailableError: the menu was drawn without a Settings item.
            PageTimeoutError: the menu was not drawn, or Settings' menu did not show, in time.
        """
        self.wait_until_ready()
        self._show_settings_menu()
        labels = self.settings_menu.locator("li").all_inner_texts()
        return [" ".join(label.split()) for label in labels]

    def _show_settings_menu(self) -> None:
        """Hover Settings until its menu shows, the bar being ready (:meth:`wait_until_ready`)."""
        self._require_settings()
        deadline = time.monotonic() + self.timeout_ms / 1000
        while True:
            window = attempt_ms(max(1.0, (deadline - time.monotonic()) * 1000))
            try:
                self._hover_settings(window)
                break
            except PlaywrightTimeoutError:
                if time.monotonic() >= deadline:
                    raise PageTimeoutError(
                        f"The Settings menu of the Persona Bar at {self.page.url} did not show "
                        f"within {self.timeout_ms / 1000:g} s of hovering Settings."
                    ) from None

    def _require_settings(self) -> None:
        if self.settings.count():
            return
        items = [" ".join(text.split()) for text in self.menu_items.all_text_contents()]
        raise AboutNotAvailableError(
            f"The Persona Bar at {self.page.url} drew its menu without a Settings item (it "
            f"shows {', '.join(filter(None, items)) or 'no named item'}): expected li#Settings "
            "in #topLevelMenu, which DNN shows to administrators. Log in with a superuser "
            "(host) account."
        )

    def _hover_settings(self, window: float) -> None:
        """Point at Settings afresh and wait until its menu shows.

        The menu is first measured off-screen, then faded in; and while a panel closes, the
        iframe is not widened for it, so it may lie outside the iframe. A click on one of its
        items waits (Playwright's own actionability checks) until it can really be clicked.
        """
        if not self.settings_menu.is_visible():
            # Enter the item anew: a pointer already on it triggers nothing.
            self.page.mouse.move(0, 0)
            self.settings.hover(timeout=window)
        self.settings_menu.locator("li").first.wait_for(state="visible", timeout=window)

    # -- panels ----------------------------------------------------------------------------------

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

    def start_opening_about(self) -> None:
        """Press Settings > About and return without waiting for the panel to slide in, so
        that another tab can be used meanwhile; :meth:`open_about` then awaits the panel (and
        presses again should the bar have dropped this press). Does nothing when About is open
        or the bar will reopen it by itself.

        Raises:
            PageError: the bar, its menu or Settings' menu did not show in time; the caller
                may leave it to :meth:`open_about`, which tries again.
        """
        self.wait_until_ready()
        panel = self.frame.locator(ABOUT_PANEL)
        if self.is_about_open() or panel.count() or self._about_remembered():
            return
        self._show_settings_menu()
        if not self.about_item.count():
            return  # open_about() says what the menu lists instead
        with page_errors("pressing Settings > About", self.page.url):
            self.about_item.click(timeout=attempt_ms(self.timeout_ms))
            self.page.mouse.move(0, 0)  # off the menu, as in open_about()
        self._about_pressed = True

    def open_about(self, *, just_loaded: bool = False) -> AboutPage:
        """Open Settings > About and return it once its content has loaded.

        A panel left open is remembered by the Persona Bar and reopens on the next load of the
        bar; in that case it is used as it is. A click that the bar drops while a panel
        animates is made again. ``just_loaded`` says that the bar's document has just loaded
        and nothing has been done in it: a remembered About is then reopening even when its
        div is already there (hidden, as the reopening starts), and is awaited rather than
        opened again through the Settings menu, whose hover menu would stay over the panel.

        Raises:
            AboutNotAvailableError: the menu was drawn without Settings, or Settings without
                About (the user is not a host).
            PageTimeoutError: the menu, the Settings menu or the panel did not show in time.
        """
        about = AboutPage(self.page, timeout_ms=self.timeout_ms)
        panel = self.frame.locator(ABOUT_PANEL)
        deadline = time.monotonic() + self.timeout_ms / 1000
        self.wait_until_ready()
        pressed, self._about_pressed = self._about_pressed, False
        if pressed:
            # Pressed by start_opening_about(): sliding in, or dropped (pressed again below).
            with contextlib.suppress(PlaywrightTimeoutError):
                panel.wait_for(state="visible", timeout=attempt_ms(self.timeout_ms))
        elif (
            not self.is_about_open()
            and (just_loaded or not panel.count())
            and self._about_remembered()
        ):
            # A freshly loaded bar reopens the panel the user left open by itself, with its
            # animations: a click of ours meanwhile would be dropped, so its own reopening is
            # awaited first. It does so once, as it starts: a panel that it has already drawn
            # in this document (and that was closed since) it never reopens by itself.
            with contextlib.suppress(PlaywrightTimeoutError):
                panel.wait_for(state="visible", timeout=attempt_ms(self.timeout_ms))
        while not self.is_about_open():
            # The bar is ready (awaited above); the menu's labels are read only to say
            # what it lists instead of About.
            self._show_settings_menu()
            if not self.about_item.count():
                items = self.settings_menu.locator("li").all_inner_texts()
                items = [" ".join(label.split()) for label in items]
                raise AboutNotAvailableError(
                    f"The Settings menu of the Persona Bar at {self.page.url} has no About "
                    f"item (it lists {', '.join(items) or 'nothing'}): only a superuser (host) "
                    "sees Settings > About. Log in with a host account."
                )
            window = attempt_ms(max(1.0, (deadline - time.monotonic()) * 1000))
            try:
                self.about_item.click(timeout=window)
                # Off the menu, so that it hides (800 ms after the pointer leaves it) instead
                # of covering the panel's first columns in a screenshot.
                self.page.mouse.move(0, 0)
                panel.wait_for(state="visible", timeout=window)
            except PlaywrightTimeoutError:
                if time.monotonic() >= deadline:
                    raise PageTimeoutError(
                        f"Settings > About did not open at {self.page.url} within "
                        f"{self.timeout_ms / 1000:g} s of trying."
                    ) from None
        return about.wait_until_open()

    def _about_remembered(self) -> bool:
        """Whether the site page's Persona Bar settings say About was left open, so that the
        bar reopens it (``personaBarSettings.userSettings``, ``docs/dnn-ui.md`` section 3)."""
        return bool(self.page.evaluate(_ABOUT_REMEMBERED))

    def close_panel(self) -> None:
        """Close the open panel (View Site, its Close button or Escape) and wait until it and
        the mask have gone; a close the bar drops while animating is made again."""
        close_open_panel(self.page, timeout_ms=self.timeout_ms)
