"""A page of the DNN site once logged in: the page that carries the Persona Bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pages._errors import page_errors
from pages._locate import PERSONA_BAR_IFRAME
from pages.persona_bar import PersonaBar

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from pages.about import AboutPage

__all__ = ["SitePage"]


class SitePage:
    """A page of the site seen by a logged-in administrator.

    Args:
        page: the browser tab, already on a page of the site.
        base_url: the site's address.
        timeout_ms: how long to wait for the server to answer an action.
    """

    def __init__(self, page: Page, base_url: str, *, timeout_ms: float = 30_000) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.timeout_ms = timeout_ms
        self.persona_bar = PersonaBar(page, timeout_ms=timeout_ms)

    @classmethod
    def open(cls, page: Page, base_url: str, *, timeout_ms: float = 30_000) -> SitePage:
        """Go to the site's home page in ``page`` (whose session may already be logged in)."""
        site = cls(page, base_url, timeout_ms=timeout_ms)
        with page_errors("opening the home page", site.base_url):
            page.goto(site.base_url + "/", timeout=timeout_ms)
        return site

    def is_logged_in(self) -> bool:
        """True when this page carries the Persona Bar, which DNN shows only to administrators.

        A session that expired shows the site without it (or the login page).
        """
        return self.page.locator(PERSONA_BAR_IFRAME).count() > 0

    def open_about(self, *, just_loaded: bool = False) -> AboutPage:
        """Open Persona Bar > Settings > About; see :meth:`PersonaBar.open_about`."""
        return self.persona_bar.open_about(just_loaded=just_loaded)
