"""The Persona Bar's menu, as Evoq 9.1 shows it to a superuser (``docs/dnn-ui.md``).

:func:`menu_structure` is what the site page publishes in ``personaBarSettings.menuStructure``,
for the shell to draw in the browser (the default front end); :func:`render_menu` draws it on
the server for the classic front end, where it is complete the moment the document is.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One entry of a hover menu: ``li#<identifier>[data-path][data-module-name]``."""

    identifier: str
    path: str
    label: str
    host_only: bool = False


@dataclass(frozen=True, slots=True)
class TopLevel:
    """A top-level button (``li#<identifier>.btn_panel``) with its hover menu's columns."""

    identifier: str
    label: str
    columns: tuple[tuple[MenuItem, ...], ...]


def _item(identifier: str, path: str, label: str, *, host_only: bool = False) -> MenuItem:
    return MenuItem(identifier, path, label, host_only)


MENU: tuple[TopLevel, ...] = (
    TopLevel(
        "Content",
        "Content",
        (
            (
                _item("Dnn.Pages", "Pages", "Pages"),
                _item("Evoq.Assets", "Assets", "Assets"),
                _item("Evoq.Forms", "Forms", "Forms"),
                _item("Evoq.Templates", "Templates", "Templates"),
                _item("Dnn.Recyclebin", "Recyclebin", "Recycle Bin"),
            ),
        ),
    ),
    TopLevel(
        "Manage",
        "Manage",
        (
            (
                _item("Dnn.Users", "Users", "Users"),
                _item("Dnn.Roles", "Roles", "Roles"),
                _item("Dnn.Sites", "Sites", "Sites", host_only=True),
                _item("Dnn.Themes", "Themes", "Themes"),
                _item("Evoq.Analytics", "Analytics", "Analytics"),
            ),
        ),
    ),
    TopLevel(
        "Settings",
        "Settings",
        (
            (
                _item("Dnn.SiteSettings", "SiteSettings", "Site Settings"),
                _item("Dnn.Security", "Security", "Security"),
                _item("Evoq.Workflow", "Workflow", "Workflow"),
                _item("Dnn.Seo", "Seo", "S E O"),
                _item("Evoq.Community", "Community", "Community"),
                _item("Evoq.Gamification", "Gamification", "Gamification"),
                _item("Dnn.Vocabularies", "Vocabularies", "Vocabularies"),
                _item("Dnn.Connectors", "Connectors", "Connectors"),
                _item("Dnn.Extensions", "Extensions", "Extensions"),
            ),
            (
                _item("Dnn.Servers", "Servers", "Servers", host_only=True),
                _item("Dnn.SiteImportExport", "SiteImportExport", "Import / Export"),
                _item("Dnn.TaskScheduler", "TaskScheduler", "Scheduler", host_only=True),
                _item("Dnn.CssEditor", "CssEditor", "Custom CSS"),
                _item("Dnn.SqlConsole", "SqlConsole", "SQL Console", host_only=True),
                _item("Dnn.ConfigConsole", "ConfigConsole", "Config Manager", host_only=True),
                _item("Dnn.Licensing", "Licensing", "About", host_only=True),
                _item("Evoq.OnDemand", "OnDemand", "OnDemand", host_only=True),
            ),
        ),
    ),
)

EDIT = TopLevel("Edit", "Edit", ((_item("Dnn.EditBar", "EditBar", "Edit Page"),),))

# Simple line icons in the spirit of Evoq's (a gauge-free subset): one per top-level button.
_ICONS = {
    "Content": '<path d="M7 8h18M7 13h18M7 18h11M7 23h14"/>',
    "Manage": '<path d="M9 23l14-14M20 8l4 4M8 9l6 6M18 19l5 5"/>',
    "Settings": (
        '<circle cx="16" cy="16" r="4"/><path d="M16 6v4M16 22v4M6 16h4M22 16h4'
        'M9 9l3 3M20 20l3 3M9 23l3-3M20 12l3-3"/>'
    ),
    "Edit": '<path d="M9 23l2-6 10-10 4 4-10 10zM19 9l4 4"/>',
}


def visible_items(top: TopLevel, *, is_host: bool) -> list[list[MenuItem]]:
    """The columns of ``top`` that a user sees: a non-host admin sees no host-only item."""
    columns = [[item for item in column if is_host or not item.host_only] for column in top.columns]
    return [column for column in columns if column]


def _label(item: MenuItem, licensing_label: str) -> str:
    return licensing_label if item.identifier == "Dnn.Licensing" else item.label


def render_menu(top: TopLevel, *, is_host: bool, licensing_label: str = "About") -> str:
    """Render one top-level ``li.btn_panel`` with its hover menu."""
    columns = "".join(
        "<ul>"
        + "".join(
            f'<li id="{escape(item.identifier)}" data-path="{escape(item.path)}" '
            f'data-module-name="{escape(item.path)}">{escape(_label(item, licensing_label))}</li>'
            for item in column
        )
        + "</ul>"
        for column in visible_items(top, is_host=is_host)
    )
    icon = _ICONS.get(top.identifier, "")
    return (
        f'<li id="{top.identifier}" class="btn_panel" '
        f'data-hovermenu-id="{top.identifier}hovermenu" title="{escape(top.label)}">'
        f'<svg class="pb-icon" viewBox="0 0 32 32" aria-hidden="true">{icon}</svg>'
        f'<div id="{top.identifier}hovermenu" class="hovermenu">'
        f"<label>{escape(top.label)}</label>"
        f'<div class="hovermenu-columns">{columns}</div></div></li>'
    )


def _menu_item(
    identifier: str, display_name: str, *, path: str = "", module: str = "", children: list[Any]
) -> dict[str, Any]:
    # The keys of DNN's MenuItem (Dnn.PersonaBar.Library/Model/MenuItem.cs), as the shell reads
    # them from personaBarSettings.menuStructure.
    return {
        "Identifier": identifier,
        "ModuleName": module,
        "FolderName": "",
        "ResourceKey": f"nav_{module or identifier}",
        "DisplayName": display_name,
        "Path": path,
        "Link": "",
        "CssClass": "",
        "IconFile": "",
        "Settings": "",
        "Children": children,
    }


def menu_structure(*, is_host: bool, licensing_label: str = "About") -> dict[str, Any]:
    """The ``menuStructure`` of ``window.personaBarSettings``, as DNN publishes it.

    A top-level item has an empty ``Path`` (clicking it opens its first child); a child's
    ``Path`` names its panel (``Licensing`` makes ``#Licensing-panel``) and, with its
    identifier, its module folder (``modules/Dnn.Licensing/``).
    """
    return {
        "MenuItems": [
            _menu_item(
                top.identifier,
                top.label,
                children=[
                    _menu_item(
                        item.identifier,
                        _label(item, licensing_label),
                        path=item.path,
                        module=item.path,
                        children=[],
                    )
                    for column in visible_items(top, is_host=is_host)
                    for item in column
                ],
            )
            for top in MENU
        ]
        # DNN's Edit button switches the page to edit mode; it has no hover menu.
        + [_menu_item(EDIT.identifier, EDIT.label, children=[])]
    }


def display_name(path: str, *, licensing_label: str = "About") -> str | None:
    """The menu label of the panel whose ``data-path`` is ``path``, or ``None``."""
    for top in (*MENU, EDIT):
        for column in top.columns:
            for item in column:
                if item.path.casefold() == path.casefold():
                    return _label(item, licensing_label)
    return None
