"""Drop-down lists of three makes, read and set alike.

Evoq draws its lists with DNN's React ``Dropdown`` (``docs/dnn-ui.md``, "DNN's components"):
a ``div.dnn-dropdown`` whose ``div.collapsible-label`` shows the chosen label and opens the list
when clicked, and whose options are the ``li`` of ``ul.dnn-dropdown-options``, drawn only while
the list is open. There is no ``<select>``, no ``option`` and no ARIA listbox. A native
``<select>`` and an ARIA ``combobox`` with a ``listbox`` of ``option``\\ s are read too, so the
same page objects work on hand-made markup.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from dnn_runbook.exceptions import PageStructureError

if TYPE_CHECKING:
    from playwright.sync_api import Locator

Make = Literal["select", "dnn", "aria"]

_MAKE = """el => el.tagName === 'SELECT' ? 'select'
  : el.classList.contains('dnn-dropdown') ? 'dnn'
  : (el.getAttribute('role') === 'combobox' || el.getAttribute('aria-haspopup') === 'listbox') ? 'aria'
  : 'other'"""
_SELECTED = "s => (s.selectedOptions[0] || {text: ''}).text"
_CONTROLLED = "el => el.getAttribute('aria-controls') || el.getAttribute('aria-owns') || ''"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _exactly(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(_one_line(text))}\s*$", re.IGNORECASE)


class Choice:
    """One drop-down list (``control`` is the ``select``, the ``div.dnn-dropdown`` or the
    combobox), found by its label.

    Args:
        control: the list's locator.
        name: its label, for messages ("License Type").
        where: the page's address, for messages.
        timeout_ms: how long to wait for the list to open or to take a choice.
    """

    def __init__(self, control: Locator, *, name: str, where: str, timeout_ms: float) -> None:
        self.control = control
        self.name = name
        self.where = where
        self.timeout_ms = timeout_ms

    def make(self) -> Make:
        """Which kind of list this is.

        Raises:
            PageStructureError: the control under the label is none of the three.
        """
        made = str(self.control.evaluate(_MAKE))
        if made == "select":
            return "select"
        if made == "dnn":
            return "dnn"
        if made == "aria":
            return "aria"
        raise PageStructureError(
            f"The {self.name} field at {self.where} is not a drop-down list: expected a "
            "<select>, DNN's div.dnn-dropdown or an ARIA combobox under its label."
        )

    # -- the three makes' parts ----------------------------------------------------------------

    def _dnn_label(self) -> Locator:
        return self.control.locator(".collapsible-label").first

    def _dnn_options(self) -> Locator:
        return self.control.locator("ul.dnn-dropdown-options > li")

    def _dnn_open(self) -> Locator:
        # The list's content stays in the page, collapsed to no height, once it has been
        # opened: only its "open" class says whether it shows.
        return self.control.locator(".collapsible-content.open")

    def _aria_options(self) -> Locator:
        controlled = str(self.control.evaluate(_CONTROLLED)).split()
        if controlled:
            # The listbox may be rendered anywhere in the document (a portal): look for it
            # from the document's root element.
            ids = " or ".join(f"@id='{ident}'" for ident in controlled if "'" not in ident)
            listbox = self.control.locator(f"xpath=ancestor::*[last()]//*[{ids or 'false()'}]")
            return listbox.get_by_role("option")
        return self.control.get_by_role("option")

    def _open(self) -> Locator:
        """Open a DNN or ARIA list and return its visible options."""
        if self.make() == "dnn":
            options = self._dnn_options()
            if not self._dnn_open().count():
                self._dnn_label().click()
                self._dnn_open().wait_for(state="attached", timeout=self.timeout_ms)
        else:
            options = self._aria_options()
            if not options.first.is_visible():
                self.control.click()
        options.first.wait_for(state="visible", timeout=self.timeout_ms)
        return options

    def _close(self) -> None:
        """Close a list opened by :meth:`_open` without changing the choice."""
        if self.make() == "dnn":
            if self._dnn_open().count():
                self._dnn_label().click()
                self._dnn_open().wait_for(state="detached", timeout=self.timeout_ms)
        elif self._aria_options().first.is_visible():
            self.control.press("Escape")

    # -- reading and choosing -------------------------------------------------------------------

    def options(self) -> list[str]:
        """The choices, in the list's order (a DNN or ARIA list is opened and closed again)."""
        if self.make() == "select":
            options = self.control.locator("option")
            # A list filled by script may still be empty for a moment.
            options.first.wait_for(state="attached", timeout=self.timeout_ms)
            return [_one_line(text) for text in options.all_inner_texts()]
        texts = [_one_line(text) for text in self._open().all_inner_texts()]
        self._close()
        return texts

    def chosen(self) -> str:
        """The label of the choice made now."""
        make = self.make()
        if make == "select":
            self.control.locator("option").first.wait_for(state="attached", timeout=self.timeout_ms)
            return _one_line(str(self.control.evaluate(_SELECTED)))
        if make == "dnn":
            return _one_line(self._dnn_label().inner_text())
        value = self.control.input_value() if self._is_input() else self.control.inner_text()
        return _one_line(value)

    def _is_input(self) -> bool:
        return bool(self.control.evaluate("el => el.tagName === 'INPUT'"))

    def choose(self, wanted: str) -> None:
        """Choose the option labelled ``wanted`` (case-insensitively) and wait until it shows
        as chosen.

        Raises:
            PageStructureError: the list offers no such choice; the message lists the choices.
        """
        if self.make() == "select":
            labels = self.options()
            matching = [
                label for label in labels if label.casefold() == _one_line(wanted).casefold()
            ]
            if not matching:
                raise self._no_such(wanted, labels)
            self.control.select_option(label=matching[0])
            return
        options = self._open()
        target = options.filter(has_text=_exactly(wanted))
        if not target.count():
            labels = [_one_line(text) for text in options.all_inner_texts()]
            self._close()
            raise self._no_such(wanted, labels)
        target.first.click()
        if self.make() == "dnn":
            self._dnn_label().filter(has_text=_exactly(wanted)).wait_for(
                state="visible", timeout=self.timeout_ms
            )

    def _no_such(self, wanted: str, labels: list[str]) -> PageStructureError:
        return PageStructureError(
            f"The {self.name} list at {self.where} offers no {wanted!r}: expected one of "
            f"{', '.join(map(repr, labels)) or 'nothing'}."
        )
