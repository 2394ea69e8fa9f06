"""What the About panel's page objects share, and closing a Persona Bar panel.

:class:`AboutLike` is what :class:`pages.add_license.AddLicenseForm` and
:class:`pages.add_license.ManualActivationPage` need of the About page they live on, so that
they depend on a shape rather than on :mod:`pages.about` (which creates them).

Closing a panel is shared by :class:`pages.persona_bar.PersonaBar` and
:class:`pages.about.AboutPage`. DNN's Persona Bar has no close button inside a panel: "View
Site" (``li#showsite``, drawn as a cross) closes it, and so do a click on the mask and Escape, but
only once the panel has slid in, which DNN's shell signals by showing its
``.socialpanel-placeholder``; a click that arrives before is dropped. So a panel is closed by its
first available control once the placeholder shows (where there is one), and the close is tried
again until the panel and the mask have gone (``docs/dnn-ui.md``, "The Persona Bar").
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Protocol, Self

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dnn_runbook.exceptions import PageTimeoutError
from pages._locate import PERSONA_BAR_IFRAME, button

if TYPE_CHECKING:
    from playwright.sync_api import FrameLocator, Locator, Page

    from pages.notifications import NotificationArea

#: How long one try of an animated action may take before it is taken as dropped and tried
#: again: opening a panel (its animations last about half a second, its content may take longer
#: to come), and closing one.
ATTEMPT_MS = 5_000.0
CLOSE_ATTEMPT_MS = 2_000.0


class AboutLike(Protocol):
    """The About page as the forms inside it see it."""

    page: Page
    frame: FrameLocator
    panel: Locator
    timeout_ms: float
    notifications: NotificationArea
    title_heading: Locator

    def wait_until_open(self) -> Self:
        """Wait until the panel shows its license list (or its empty state)."""
        ...


def attempt_ms(timeout_ms: float) -> float:
    """The time one try may take, within the whole ``timeout_ms``."""
    return min(ATTEMPT_MS, timeout_ms)


def close_open_panel(page: Page, *, timeout_ms: float) -> None:
    """Close the Persona Bar's open panel and wait until it and the mask have gone.

    Uses, in order, "View Site" (``li#showsite``) when it shows, a Close button inside the
    panel, a click on the mask beside the panel, or Escape; and closes again while a click the
    bar dropped leaves the panel open. (DNN shows View Site as soon as a reopened panel has
    content, before it has slid in; a click then hides the button and closes nothing, and only
    the mask or Escape is left.)

    Raises:
        PageTimeoutError: the panel was still open after ``timeout_ms``.
    """
    frame = page.frame_locator(PERSONA_BAR_IFRAME)
    placeholder = frame.locator(".socialpanel-placeholder")
    open_panels = frame.locator("#personabar-panels .socialpanel").filter(visible=True)
    mask = frame.locator(".socialmask").filter(visible=True)
    view_site = frame.locator("li#showsite").filter(visible=True)
    deadline = time.monotonic() + timeout_ms / 1000
    while open_panels.count():
        remaining = (deadline - time.monotonic()) * 1000
        if remaining <= 0:
            raise PageTimeoutError(
                f"The Persona Bar panel at {page.url} was still open after "
                f"{timeout_ms / 1000:g} s of trying to close it (View Site, its Close button, "
                "the mask, Escape)."
            )
        window = min(CLOSE_ATTEMPT_MS, remaining)
        _wait_until_slid_in(placeholder, window)
        try:
            _press_close(open_panels.first, view_site, mask, window)
            open_panels.first.wait_for(state="hidden", timeout=window)
            if mask.count():
                mask.first.wait_for(state="hidden", timeout=window)
        except PlaywrightTimeoutError:
            continue


def _wait_until_slid_in(placeholder: Locator, window: float) -> None:
    """Wait until DNN's shell shows ``.socialpanel-placeholder``, which it does once the panel
    has slid in; until then it closes nothing (AX ``main.js``: ``loadPanel`` shows it at the
    end of the slide, ``closePersonaBar`` returns at once while it is hidden). A View Site
    click made earlier would only hide View Site, leaving the mask, which keeps the panel
    remembered. Markup without a placeholder is not waited for; nor, after ``window``, is a
    placeholder that does not show: the close is then tried anyway."""
    if placeholder.count():
        with contextlib.suppress(PlaywrightTimeoutError):
            placeholder.first.wait_for(state="visible", timeout=window)


def _press_close(panel: Locator, view_site: Locator, mask: Locator, window: float) -> None:
    if view_site.count():
        view_site.first.click(timeout=window)
        return
    close = button(panel, "Close").filter(visible=True)
    if close.count():
        close.first.click(timeout=window)
        return
    box = mask.first.bounding_box() if mask.count() else None
    if box is not None:
        # The panel covers the mask's left part: click where only the mask is.
        mask.first.click(position={"x": box["width"] - 12, "y": 12}, timeout=window)
        return
    panel.press("Escape", timeout=window)
