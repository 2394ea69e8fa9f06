"""The Persona Bar's confirmation dialog: ``#confirmation-dialog`` with Yes / No.

AX builds it as a ``p`` for the question and two links, ``a#confirmbtn`` and ``a#cancelbtn``
(``docs/dnn-ui.md`` section 4). The links may have no ``href``, and so no link role: the ids are what is
known about them, so the ids are what this page object uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import FrameLocator, Locator, Page

__all__ = ["ConfirmationDialog"]


class ConfirmationDialog:
    """The open confirmation dialog of one Persona Bar document."""

    def __init__(self, scope: FrameLocator | Page, *, timeout_ms: float) -> None:
        self._timeout_ms = timeout_ms
        self.dialog: Locator = scope.locator("#confirmation-dialog")
        self.yes_button: Locator = self.dialog.locator("#confirmbtn")
        self.no_button: Locator = self.dialog.locator("#cancelbtn")

    def wait_until_open(self) -> ConfirmationDialog:
        """Wait until the dialog shows its Yes button; return ``self``."""
        self.yes_button.wait_for(state="visible", timeout=self._timeout_ms)
        return self

    def is_open(self) -> bool:
        """True while the dialog is on screen."""
        return self.yes_button.is_visible()

    def question(self) -> str:
        """The dialog's question, e.g. "Are you sure you want to delete this license?"."""
        paragraphs = self.dialog.locator("p")
        source = paragraphs.first if paragraphs.count() else self.dialog
        return " ".join(source.inner_text().split())

    def confirm(self) -> None:
        """Press Yes and wait for the dialog to close."""
        self.yes_button.click()
        self.yes_button.wait_for(state="hidden", timeout=self._timeout_ms)

    def cancel(self) -> None:
        """Press No and wait for the dialog to close."""
        self.no_button.click()
        self.no_button.wait_for(state="hidden", timeout=self._timeout_ms)
