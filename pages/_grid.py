"""Finding the license list in the About panel, whatever it is built from.

Evoq's license page is closed source, so its list may be any of three things, and all three are
read alike (``docs/dnn-ui.md``, "The license list"):

- a ``<table>``: rows are ``tr`` elements with ``td`` cells;
- an ARIA grid (``role="table"``/``"grid"``): rows are ``role="row"`` elements, cells the
  elements inside them with a cell role;
- a grid of DNN's ``GridCell`` components (``div.dnn-grid-cell``, no role), the way every
  Persona Bar panel built from ``@dnnsoftware/dnn-react-common`` lays out a list: rows are the
  elements whose children are such cells, next to the header row.

The header row is the one with a cell reading LICENSE TYPE (in any case). Data rows are the
other rows of the same list, without an empty state's placeholder row. Everything is expressed
as XPath, so that the rows read in one round trip (:data:`READ`) and the locators that act on a
row or mask a column (:func:`data_rows`, :func:`column_cells`) count rows and cells the same way.
Locators name positions, never values: no invoice number ever reaches a selector, which traces
and error messages quote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator

_UPPER = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"
_LOWER = "'abcdefghijklmnopqrstuvwxyz'"
#: A cell whose text holds LICENSE TYPE, in any case: the header's first column.
_HEADER = f"contains(translate(normalize-space(.), {_LOWER}, {_UPPER}), 'LICENSE TYPE')"
#: The empty state's placeholder row ("You have no EVOQ licenses ... yet").
_EMPTY = f"contains(translate(., {_LOWER}, {_UPPER}), 'YOU HAVE NO EVOQ LICENSES')"
_ROLE_CELL = "@role='cell' or @role='gridcell' or @role='rowheader'"
#: DNN's GridCell: ``div.dnn-grid-cell``.
_GRID_CELL = "contains(concat(' ', normalize-space(@class), ' '), ' dnn-grid-cell ')"

_TABLE_ROWS = f".//table[.//*[self::th or self::td][{_HEADER}]]//tr[td][not(*[{_HEADER}])]"
_ARIA_ROWS = (
    f".//*[@role='table' or @role='grid' or @role='treegrid'][.//*[@role='columnheader'][{_HEADER}]]"
    f"//*[@role='row' and not(self::tr)][.//*[{_ROLE_CELL}]][not(.//*[@role='columnheader'])]"
)
#: A row of GridCells whose cells include the LICENSE TYPE header.
_GRID_HEADER_ROW = f".//*[not({_GRID_CELL})][*[{_GRID_CELL}][{_HEADER}]]"
_GRID_ROW = f"*[not({_GRID_CELL})][*[{_GRID_CELL}]][not(*[{_GRID_CELL}][{_HEADER}])]"
_GRID_ROWS = (
    f"{_GRID_HEADER_ROW}/following-sibling::{_GRID_ROW}"
    f" | {_GRID_HEADER_ROW}/parent::*/following-sibling::*/descendant-or-self::{_GRID_ROW}"
)

#: Every data row of the license list, in document order.
DATA_ROWS = " | ".join(f"{rows}[not({_EMPTY})]" for rows in (_TABLE_ROWS, _ARIA_ROWS, _GRID_ROWS))
#: The header row (the first, should there be several).
HEADER_ROW = " | ".join(
    (
        f".//table//tr[*[self::th or self::td][{_HEADER}]]",
        f".//*[@role='row'][.//*[@role='columnheader'][{_HEADER}]]",
        _GRID_HEADER_ROW,
    )
)


def cell_steps(position: int) -> str:
    """The XPath steps from a row to its cell at ``position`` (from 0), for each kind of row."""
    n = position + 1
    return (
        f"self::tr/*[self::td or self::th][{n}]"
        f" | self::*[@role='row']/descendant::*[{_ROLE_CELL}][{n}]"
        f" | self::*[not(self::tr) and not(@role='row')]/*[{_GRID_CELL}][{n}]"
    )


#: Reads the header texts and every data row's cells in one round trip, as one JSON string
#: (Playwright's own serialization of a thousand small objects took three times as long as
#: reading them). A cell gives its text, the aria-label/title hints of its icons, a checkbox's
#: state and whether it shows a picture (an ``svg`` or ``img``: DNN's grids draw the check mark
#: as an icon with no text).
READ = """(panel, paths) => {
  const all = (xpath, context) => {
    const found = document.evaluate(xpath, context, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    return Array.from({length: found.snapshotLength}, (_, i) => found.snapshotItem(i));
  };
  const cellsOf = row => {
    if (row instanceof HTMLTableRowElement) return Array.from(row.cells);
    if (row.getAttribute('role') === 'row') {
      const roles = '[role="cell"],[role="gridcell"],[role="rowheader"],[role="columnheader"]';
      return Array.from(row.querySelectorAll(roles));
    }
    return Array.from(row.children).filter(child => child.classList.contains('dnn-grid-cell'));
  };
  const describe = cell => {
    const labelled = [cell, ...cell.querySelectorAll('[aria-label],[title]')];
    const labels = labelled
      .map(e => e.getAttribute('aria-label') || e.getAttribute('title') || '')
      .filter(Boolean);
    const box = cell.querySelector('input[type="checkbox"],[role="checkbox"]');
    const checked = box ? (box.checked === true || box.getAttribute('aria-checked') === 'true') : null;
    const pictures = Array.from(cell.querySelectorAll('svg, img')).filter(e => {
      const box = e.getBoundingClientRect();
      return box.width > 0 && box.height > 0;
    });
    return {text: cell.innerText, labels, checked, graphic: pictures.length > 0};
  };
  const header = all(paths.header, panel)[0];
  const rows = all(paths.rows, panel);
  return JSON.stringify({
    headers: header ? cellsOf(header).map(cell => cell.innerText) : null,
    rows: rows.map(row => cellsOf(row).map(describe)),
  });
}"""

#: The header row's cell texts, in order (``null`` without a list); its argument is
#: :data:`HEADER_ROW`. Cheaper than :data:`READ` when only the columns are needed.
HEADERS = """(panel, header) => {
  const row = document.evaluate(header, panel, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null)
    .singleNodeValue;
  if (!row) return null;
  const cells = row instanceof HTMLTableRowElement ? Array.from(row.cells)
    : row.getAttribute('role') === 'row'
      ? Array.from(row.querySelectorAll('[role="columnheader"],[role="cell"],[role="gridcell"]'))
      : Array.from(row.children).filter(child => child.classList.contains('dnn-grid-cell'));
  return cells.map(cell => cell.innerText);
}"""


def on_first(script: str) -> str:
    """``script``, an ``(element, arg) => ...`` function, made one for ``Locator.evaluate_all``:
    it runs on the first match, and gives ``null`` when nothing matches.

    One round trip to the page, where ``Locator.evaluate`` takes three (find the element,
    evaluate, release it), each crossing into the Persona Bar's iframe again.
    """
    return f"(elements, arg) => elements.length ? ({script})(elements[0], arg) : null"


#: The XPaths :data:`READ` takes as its argument.
PATHS = {"header": HEADER_ROW, "rows": DATA_ROWS}


def data_rows(panel: Locator) -> Locator:
    """Every data row of the license list in ``panel``, in the order :data:`READ` reads them."""
    return panel.locator(f"xpath={DATA_ROWS}")


def header_row(panel: Locator) -> Locator:
    """The license list's header row in ``panel`` (zero or more matches; use ``.first``)."""
    return panel.locator(f"xpath={HEADER_ROW}")


def row_cell(row: Locator, position: int) -> Locator:
    """The cell at ``position`` (from 0) of ``row``, counted as :data:`READ` counts cells."""
    return row.locator(f"xpath={cell_steps(position)}")


def column_cells(panel: Locator, position: int) -> Locator:
    """The cell at ``position`` of every data row at once: one locator, for masking a column.

    Playwright resolves each mask locator on its own, and a locator per row re-scans the
    whole list for every row (a 200-license table's masks took longer than a screenshot's
    30 s timeout); this one names the column once.
    """
    n = position + 1
    steps = " | ".join(
        (
            f"({_TABLE_ROWS})[not({_EMPTY})]/*[self::td or self::th][{n}]",
            f"({_ARIA_ROWS})[not({_EMPTY})]/descendant::*[{_ROLE_CELL}][{n}]",
            f"({_GRID_ROWS})[not({_EMPTY})]/*[{_GRID_CELL}][{n}]",
        )
    )
    return panel.locator(f"xpath={steps}")


#: An icon in a row that has no text of its own: the picture's parent is what takes the click
#: (DNN's grids put an ``onClick`` on a plain ``div`` around an SVG).
ICON_HOLDER = "xpath=.//*[local-name()='svg' or local-name()='img']/.."
