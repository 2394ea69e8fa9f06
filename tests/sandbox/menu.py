"""Hover Settings and click About by hand, as a person does, in the sandbox's own tests.

A pointer that enters Settings before the shell has bound its handlers, or while a closing
panel's mask still fades, shows no menu, and a pointer left on the item triggers nothing more;
a click the bar drops while a panel animates opens nothing. A person moves the mouse away and
back, or clicks again: so do these helpers, until the menu or the panel shows.
"""

from __future__ import annotations

import time

from playwright.sync_api import FrameLocator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

IFRAME = "#personaBar-iframe"
ATTEMPT_MS = 3_000


def hover_settings(page: Page, *, within_ms: float = 30_000) -> FrameLocator:
    """Point at Settings afresh until its hover menu shows; return the bar's frame."""
    bar = page.frame_locator(IFRAME)
    first_item = bar.locator("#Settingshovermenu li").first
    deadline = time.monotonic() + within_ms / 1000
    while True:
        page.mouse.move(0, 0)
        bar.locator("#Settings").hover(timeout=within_ms)
        try:
            first_item.wait_for(state="visible", timeout=ATTEMPT_MS)
            return bar
        except PlaywrightTimeoutError:
            if time.monotonic() >= deadline:
                raise


def open_about_by_hand(page: Page, *, within_ms: float = 30_000) -> FrameLocator:
    """Hover Settings and click About until the About panel shows; return the bar's frame."""
    bar = page.frame_locator(IFRAME)
    panel = bar.locator("#Licensing-panel")
    deadline = time.monotonic() + within_ms / 1000
    while True:
        hover_settings(page, within_ms=within_ms)
        try:
            bar.locator('li[id="Dnn.Licensing"]').click(timeout=ATTEMPT_MS)
            panel.wait_for(state="visible", timeout=ATTEMPT_MS)
            return bar
        except PlaywrightTimeoutError:
            if time.monotonic() >= deadline:
                raise
