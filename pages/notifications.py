"""The Persona Bar's notification: ``#notification-dialog`` with ``p#notification-message``.

The Persona Bar shows every answer to an action there (``docs/dnn-ui.md`` section 4): an error adds the
class ``errorMessage`` and stays until its OK button (``button#close-notification``) is
pressed; a success hides itself after two seconds. So a notification must be read the moment
it appears, in one round trip, and a caller who wants to see the *next* one must first make
sure the previous one is gone (:meth:`NotificationArea.clear`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pages.results import Notification

if TYPE_CHECKING:
    from playwright.sync_api import FrameLocator, Locator, Page

__all__ = ["NotificationArea"]

# One round trip: the text and the error styling are read together, before the two-second
# auto-hide can take the element away between two separate reads.
_READ = """dialog => {
  const message = dialog.querySelector('#notification-message') || dialog;
  return {text: message.innerText, error: dialog.classList.contains('errorMessage')};
}"""

# The same, only while the message is visible as Playwright means it (a box of some size, and
# not ``visibility: hidden``), else ``null``: "is one on screen, and what does it say" in one
# round trip, for the screenshot that must know whether to paint it over.
_READ_IF_SHOWN = f"""dialogs => {{
  const dialog = dialogs[0];
  const message = dialog && dialog.querySelector('#notification-message');
  if (!message) return null;
  const box = message.getBoundingClientRect();
  if (box.width <= 0 || box.height <= 0 || getComputedStyle(message).visibility === 'hidden') {{
    return null;
  }}
  return ({_READ})(dialog);
}}"""


class NotificationArea:
    """The notification of one Persona Bar document (the iframe's, or a page's)."""

    def __init__(self, scope: FrameLocator | Page, *, timeout_ms: float) -> None:
        self._timeout_ms = timeout_ms
        self.dialog: Locator = scope.locator("#notification-dialog")
        self.message: Locator = self.dialog.locator("#notification-message")
        self.ok_button: Locator = self.dialog.locator("#close-notification")

    def is_visible(self) -> bool:
        """True while a notification is on screen."""
        return self.message.is_visible()

    def current(self) -> Notification | None:
        """Return the notification on screen now, or ``None`` when there is none."""
        raw = self.dialog.evaluate_all(_READ_IF_SHOWN)
        if raw is None:
            return None
        return Notification(text=str(raw["text"]).strip(), is_error=bool(raw["error"]))

    def wait_for_next(self) -> Notification:
        """Wait until a notification shows, then read it at once.

        Call :meth:`clear` before the action whose answer this reads, or an older
        notification still on screen would be read instead.

        Raises:
            playwright.sync_api.TimeoutError: none showed within the page object's timeout.
        """
        self.message.wait_for(state="visible", timeout=self._timeout_ms)
        return self._read()

    def clear(self) -> None:
        """Make sure no notification is on screen: press OK, or wait for it to hide itself."""
        if not self.message.is_visible():
            return
        if self.ok_button.is_visible():
            self.ok_button.click()
        self.message.wait_for(state="hidden", timeout=self._timeout_ms)

    def _read(self) -> Notification:
        raw = self.dialog.evaluate(_READ)
        return Notification(text=str(raw["text"]).strip(), is_error=bool(raw["error"]))
