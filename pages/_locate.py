"""Locating things by role, label and visible text, the handles a real Evoq page offers.

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

#: The ids of the Persona Bar iframe and of the About panel inside it (``docs/dnn-ui.md``).
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


#: What counts as a form control after a label: a text field, a list (native, DNN's
#: ``div.dnn-dropdown`` or an ARIA combobox). Hidden inputs and buttons do not.
_CONTROL = (
    "self::input[not(@type='hidden' or @type='button' or @type='submit' or @type='checkbox')]"
    " or self::textarea or self::select or @role='combobox' or @role='textbox'"
    " or contains(concat(' ', normalize-space(@class), ' '), ' dnn-dropdown ')"
)


def labelled(scope: Scope, text: str) -> Locator:
    """The form control whose label starts with ``text`` (labels may add "*" and an icon).

    A label bound to its control (``for``, ``aria-labelledby``, wrapping) finds it as a
    browser does. DNN's components often bind their ``<label>`` to nothing, and give every
    text input ``aria-label="Content"``, which beats any label; so the control is also found
    as the first one after the label's text, in document order (inside the label first, for
    a label that wraps it).
    """
    pattern = starting(text)
    after = (
        scope.locator("label")
        .filter(has_text=pattern)
        .locator(f"xpath=(descendant::*[{_CONTROL}] | following::*[{_CONTROL}])[1]")
    )
    return scope.get_by_label(pattern).or_(after).first


def cells(scope: Scope) -> Locator:
    """The cells of a row: ``cell``, ``gridcell`` or ``rowheader`` roles, in document order."""
    return (
        scope.get_by_role("cell")
        .or_(scope.get_by_role("gridcell"))
        .or_(scope.get_by_role("rowheader"))
    )
