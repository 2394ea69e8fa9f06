"""What the About panel shows, read without acting on it.

``dnn-runbook check`` looks for every control a run will use without pressing any of them.
When one is missing it says what the panel showed instead: :func:`inventory` reads the
panel's visible title, buttons, links, field labels and list headers in one round trip.
:func:`row_cells` points at the cells of a license row by their column, counted as
:meth:`pages.AboutPage.licenses` counts them (a capture of the page marks them so that a
replay can fill the row with other licenses). Nothing here clicks, types or waits long.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pages import _grid
from pages.license_table import Column, column_positions

if TYPE_CHECKING:
    from playwright.sync_api import Locator

    from pages._panel import AboutLike
    from pages.about import AboutPage

__all__ = ["PanelInventory", "inventory", "row_cells"]

#: The visible texts of the panel's headings, buttons, links and labels, in document order.
_READ = """panel => {
  const shown = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== 'hidden';
  const texts = selector => {
    const seen = [];
    for (const el of panel.querySelectorAll(selector)) {
      const text = (el.innerText || el.getAttribute('aria-label') || el.getAttribute('title') || '')
        .replace(/\\s+/g, ' ').trim();
      if (text && shown(el) && !seen.includes(text)) seen.push(text);
    }
    return seen;
  };
  return {
    headings: texts('h1, h2, h3, h4, h5, h6, [role="heading"]'),
    buttons: texts('button, [role="button"], input[type="button"], input[type="submit"]'),
    links: texts('a, [role="link"]'),
    labels: texts('label, .dnn-label, [role="group"] > legend'),
  };
}"""

#: How many texts of a kind :meth:`PanelInventory.describe` lists before "...".
_SHOWN = 12


def _listed(name: str, texts: tuple[str, ...]) -> str:
    if not texts:
        return f"no {name}"
    more = ", ..." if len(texts) > _SHOWN else ""
    return f"{name} " + ", ".join(repr(text) for text in texts[:_SHOWN]) + more


@dataclass(frozen=True, slots=True)
class PanelInventory:
    """The visible texts of the About panel at one moment (no field's value, no cell)."""

    headings: tuple[str, ...]
    buttons: tuple[str, ...]
    links: tuple[str, ...]
    labels: tuple[str, ...]
    #: The license list's header texts (none without a list).
    headers: tuple[str, ...]
    #: False when the panel itself was not on the page.
    panel_found: bool = True

    def describe(self) -> str:
        """One phrase for a message: "the title 'About', buttons 'Add License', ...; ..."."""
        if not self.panel_found:
            return "no Settings > About panel at all"
        parts = [
            _listed("headings", self.headings),
            _listed("buttons", self.buttons),
            _listed("links", self.links),
            _listed("labels", self.labels),
            _listed("list headers", self.headers),
        ]
        return "; ".join(parts)


def inventory(about: AboutLike) -> PanelInventory:
    """What ``about``'s panel shows now; an empty inventory when there is no panel."""
    panel = about.panel
    if not panel.count():
        return PanelInventory((), (), (), (), (), panel_found=False)
    raw = panel.first.evaluate(_READ)
    headers = panel.first.evaluate(_grid.HEADERS, _grid.HEADER_ROW) or []
    return PanelInventory(
        headings=tuple(str(text) for text in raw["headings"]),
        buttons=tuple(str(text) for text in raw["buttons"]),
        links=tuple(str(text) for text in raw["links"]),
        labels=tuple(str(text) for text in raw["labels"]),
        headers=tuple(" ".join(str(text).split()) for text in headers),
    )


def row_cells(about: AboutPage, target: Locator) -> dict[Column, Locator]:
    """The cells of the list row ``target``, by column (found by the header texts).

    Raises:
        PageStructureError: the list lacks a column the page objects need.
    """
    positions = column_positions(about.headers(), where=about.page.url)
    return {column: _grid.row_cell(target, index) for column, index in positions.items()}
