"""The capture file: what the tool met on each server, sanitized, for a bug report and a replay.

``dnn-runbook check|run|rehearse --capture FILE`` writes one JSON document of this format
(``dnn_runbook.evidence.sanitize`` replaces every secret and license identifier before it is
written); ``dnn-runbook sandbox --replay FILE`` serves its markup again with the sandbox's
behaviour behind it. It is kept here, with what every layer shares, because the browser layer
fills it, the evidence layer sanitizes and writes it, and the sandbox reads it.

The document::

    {"format": "dnn-runbook-capture/1", "command": "check", "tool_version": "...",
     "captured_at": "2026-...Z", "browser": "chromium 140...",
     "placeholders": {"invoice": 1, "web-server": 2, ...},   # how many values of each kind
     "run_steps": [{"step": "remove-prod-on-old", "ms": 812.0}, ...],  # run and rehearse
     "stylesheets": ["...css...", ...],                       # each once; servers point here
     "servers": [{
        "label": "server-1",
        "versions": {"persona_bar_build": "...", "about_title": "About", ...},
        "snapshots": [{"name": "about", "html": "<div id=\\"Licensing-panel\\" ...>",
                       "aria": "- heading \\"About\\" ...", "parent_id": "personabar-panels"},
                      ...],                                  # menu, about, add_license, ...
        "styles": [0, 1], "shown_styles": {"Settingshovermenu": "display: block"},
        "resources": [{"path": "/API/PersonaBar/...", "kind": "xmlhttprequest",
                       "api": true, "ms": 12.5}, ...],
        "timings": [{"step": "log in and open Settings > About", "ms": 1480.2}, ...],
        "page_timings": {"site": {"dom_content_loaded": 210.4, ...}, "bar": {...}},
        "notes": []}]}                                       # what could not be captured

Snapshots carry marks: attributes the capture adds to the elements the page objects found,
so that a replay can give them behaviour (:data:`MARK`, :data:`CELL`, :data:`ACTION`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ACTION",
    "CELL",
    "FORMAT",
    "MARK",
    "PANEL_STATES",
    "Capture",
    "Resource",
    "ServerCapture",
    "Snapshot",
    "Timing",
]

FORMAT = "dnn-runbook-capture/1"

#: Marks what a control is: ``title``, ``add-license``, ``cancel``, ``manual-activation``,
#: ``automatic-activation``, ``license-type``, ``web-server``, ``account-email``,
#: ``invoice-number``, ``server-id``, ``request-link``, ``activation-key``,
#: ``submit-key``, ``back``, ``notice``; and the license list's parts: ``list`` (what holds
#: the header and the rows), ``header``, ``row``, ``empty`` (the empty state).
MARK = "data-replay"
#: Marks a row's cell by its column: ``type``, ``invoice``, ``server``, ``activated``,
#: ``expires``.
CELL = "data-replay-cell"
#: Marks what a row's control does: ``remove`` or ``renew``.
ACTION = "data-replay-action"

#: The About panel's states a capture snapshots, besides the Persona Bar's ``menu``.
PANEL_STATES = ("about", "add_license", "manual_activation")


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{where}: '{key}' must be a string (got {type(value).__name__}).")
    return value


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{where}: '{key}' must be a list (got {type(value).__name__}).")
    return value


def _mapping(data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ValueError(f"{where}: '{key}' must be an object (got {type(value).__name__}).")
    return value


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One page as it was met: its HTML (marked, without scripts) and its ARIA tree."""

    #: ``menu`` (the Persona Bar's document) or one of :data:`PANEL_STATES` (the panel).
    name: str
    html: str
    #: The accessibility tree as Playwright's ``aria_snapshot()`` writes it (YAML).
    aria: str
    #: For a panel: the id of the element it sat in.
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class Resource:
    """A file or API call the page loaded: its path only (no host, no query)."""

    path: str
    #: How the page loaded it (``script``, ``link``, ``fetch``, ``xmlhttprequest``, ...).
    kind: str
    #: Whether it is a call of the site's API (``/API/`` in the path).
    api: bool
    ms: float


@dataclass(frozen=True, slots=True)
class Timing:
    """How long one step took."""

    step: str
    ms: float


@dataclass(frozen=True, slots=True)
class ServerCapture:
    """What the tool met on one server."""

    #: ``server-1``, ``server-2``, ... in the runbook's order (a runbook's own names for its
    #: servers may say too much).
    label: str
    versions: Mapping[str, str] = field(default_factory=dict)
    snapshots: tuple[Snapshot, ...] = ()
    #: The CSS of the Persona Bar's document, one text per stylesheet, in order.
    styles: tuple[str, ...] = ()
    #: The inline style of each hover menu while it showed, by the menu's id.
    shown_styles: Mapping[str, str] = field(default_factory=dict)
    resources: tuple[Resource, ...] = ()
    timings: tuple[Timing, ...] = ()
    #: Navigation timings (ms from the start of the load) of the site page and the bar.
    page_timings: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    #: What could not be captured, and why, one sentence each.
    notes: tuple[str, ...] = ()

    def snapshot(self, name: str) -> Snapshot | None:
        """The snapshot called ``name``, if it was taken."""
        return next((shot for shot in self.snapshots if shot.name == name), None)


@dataclass(frozen=True, slots=True)
class Capture:
    """A whole capture file; see the module."""

    command: str
    tool_version: str
    captured_at: str
    browser: str
    servers: tuple[ServerCapture, ...]
    #: How many distinct values of each kind were replaced by a placeholder (never the values).
    placeholders: Mapping[str, int] = field(default_factory=dict)
    #: ``run`` and ``rehearse``: how long each of the run's steps took.
    run_steps: tuple[Timing, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The capture as the JSON document written to disk (each stylesheet once, in
        ``stylesheets``, which the servers' ``styles`` point into)."""
        sheets: dict[str, int] = {}
        for server in self.servers:
            for css in server.styles:
                sheets.setdefault(css, len(sheets))
        return {
            "format": FORMAT,
            "command": self.command,
            "tool_version": self.tool_version,
            "captured_at": self.captured_at,
            "browser": self.browser,
            "placeholders": dict(self.placeholders),
            "run_steps": [{"step": t.step, "ms": t.ms} for t in self.run_steps],
            "stylesheets": list(sheets),
            "servers": [
                {
                    "label": server.label,
                    "versions": dict(server.versions),
                    "snapshots": [
                        {"name": s.name, "html": s.html, "aria": s.aria, "parent_id": s.parent_id}
                        for s in server.snapshots
                    ],
                    "styles": [sheets[css] for css in server.styles],
                    "shown_styles": dict(server.shown_styles),
                    "resources": [
                        {"path": r.path, "kind": r.kind, "api": r.api, "ms": r.ms}
                        for r in server.resources
                    ],
                    "timings": [{"step": t.step, "ms": t.ms} for t in server.timings],
                    "page_timings": {k: dict(v) for k, v in server.page_timings.items()},
                    "notes": list(server.notes),
                }
                for server in self.servers
            ],
        }

    def dumps(self) -> str:
        """The capture as indented JSON text."""
        return json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def loads(cls, text: str, *, where: str = "the capture") -> Capture:
        """Read a capture from its JSON text.

        Raises:
            ValueError: the text is not a capture of this format; the message says why.
        """
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{where} is not JSON ({exc}).") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ValueError(
                f"{where} must have format {FORMAT!r} (got {found!r}): it is not a capture "
                "written by 'dnn-runbook --capture'."
            )
        sheets = [str(css) for css in _list(data, "stylesheets", where)]
        return cls(
            command=_text(data, "command", where),
            tool_version=_text(data, "tool_version", where),
            captured_at=_text(data, "captured_at", where),
            browser=_text(data, "browser", where),
            placeholders={str(k): int(v) for k, v in _mapping(data, "placeholders", where).items()},
            run_steps=tuple(_timing(raw, where) for raw in _list(data, "run_steps", where)),
            servers=tuple(
                _server(raw, f"{where}, server {n}", sheets)
                for n, raw in enumerate(_list(data, "servers", where), start=1)
            ),
        )


def _sheet(sheets: list[str], index: Any, where: str) -> str:
    if not isinstance(index, int) or not 0 <= index < len(sheets):
        raise ValueError(f"{where}: a style must be the index of one of the stylesheets.")
    return sheets[index]


def _timing(raw: Any, where: str) -> Timing:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a timing must be an object.")
    return Timing(_text(raw, "step", where), float(raw.get("ms", 0)))


def _server(raw: Any, where: str, sheets: list[str]) -> ServerCapture:
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be an object.")
    snapshots = []
    for shot in _list(raw, "snapshots", where):
        if not isinstance(shot, dict):
            raise ValueError(f"{where}: a snapshot must be an object.")
        parent = shot.get("parent_id")
        snapshots.append(
            Snapshot(
                _text(shot, "name", where),
                _text(shot, "html", where),
                str(shot.get("aria") or ""),
                parent if isinstance(parent, str) else None,
            )
        )
    resources = [
        Resource(
            str(r.get("path", "")),
            str(r.get("kind", "")),
            bool(r.get("api")),
            float(r.get("ms", 0)),
        )
        for r in _list(raw, "resources", where)
        if isinstance(r, dict)
    ]
    return ServerCapture(
        label=_text(raw, "label", where),
        versions={str(k): str(v) for k, v in _mapping(raw, "versions", where).items()},
        snapshots=tuple(snapshots),
        styles=tuple(_sheet(sheets, index, where) for index in _list(raw, "styles", where)),
        shown_styles={str(k): str(v) for k, v in _mapping(raw, "shown_styles", where).items()},
        resources=tuple(resources),
        timings=tuple(_timing(t, where) for t in _list(raw, "timings", where)),
        page_timings={
            str(k): {str(n): float(x) for n, x in v.items()}
            for k, v in _mapping(raw, "page_timings", where).items()
            if isinstance(v, dict)
        },
        notes=tuple(str(note) for note in _list(raw, "notes", where)),
    )
