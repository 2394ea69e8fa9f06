"""Locating things by role, label and visible text, the only handles a real Evoq page offers.

The Persona Bar's buttons carry DNN's styling hook ``role="primary"``/``role="secondary"``,
which is not an ARIA role, so a lookup by role alone may miss them on some engines; every
button lookup here accepts either a real ``button`` role or a ``<button>`` element with that
exact text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import FrameLocator, Locator, Page

    Scope = Page | FrameLocator | Locator

#: The ids of the Persona Bar iframe and of the About panel inside it (spec section 3).
PERSONA_BAR_IFRAME = "iframe#personaBar-iframe"
ABOUT_PANEL = "#Licensing-panel"


def exactly(text: str) -> re.Pattern[str]:
    """A case-insensitive pattern for exactly ``text``, surrounding whitespace ignored."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$", re.IGNORECASE)


def starting(text: str) -> re.Pattern[str]:
    """A case-insensitive pattern for a label that starts with ``text`` ("Account Email*")."""
    return re.compile(rf"^\s*{re.escape(text)}", re.IGNORECASE)


def button(scope: Scope, name: str) -> Locator:
    """The button named ``name`` (exactly, in any case) inside ``scope``."""
    pattern = exactly(name)
    return scope.get_by_role("button", name=pattern).or_(scope.locator("button", has_text=pattern))


def link_or_button(scope: Scope, name: re.Pattern[str]) -> Locator:
    """A link or button whose accessible name matches ``name``; Evoq uses both for one job."""
    return scope.get_by_role("link", name=name).or_(scope.get_by_role("button", name=name))


def labelled(scope: Scope, text: str) -> Locator:
    """The form control whose label starts with ``text`` (labels may add "*" and an icon)."""
    return scope.get_by_label(starting(text))


def cells(scope: Scope) -> Locator:
    """The cells of a row: ``cell``, ``gridcell`` or ``rowheader`` roles, in document order."""
    return (
        scope.get_by_role("cell")
        .or_(scope.get_by_role("gridcell"))
        .or_(scope.get_by_role("rowheader"))
    )
