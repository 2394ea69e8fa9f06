"""Recording what the tool meets on one server, for a capture file (``dnn_runbook.captures``).

A :class:`PageRecorder` watches a probe (``dnn_runbook.runner.probe``) as it goes: for each
state of the About panel it keeps the panel's HTML, marked where the page objects found each
control (:data:`~dnn_runbook.captures.MARK` and friends), and its ARIA tree; for the Persona
Bar, its whole document with the Settings menu shown. At the end it adds the bar's CSS, the
paths of what the site page and the bar loaded, navigation timings and the versions the page
reveals. Scripts, ``on…`` handlers and ``javascript:`` addresses are left out of every
snapshot, and so are the values of password and hidden fields (anti-forgery tokens): a replay
must never run a real site's code. What it records is NOT yet sanitized:
``dnn_runbook.evidence.sanitize`` does that before anything is written.

A recorder never raises: what it could not record becomes a note in the capture.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from dnn_runbook.browser import _capture_js as js
from dnn_runbook.captures import ACTION, CELL, MARK, Resource, ServerCapture, Snapshot, Timing
from pages import AboutPage, AddLicenseForm, ManualActivationPage, PersonaBar, row_cells
from pages.license_table import Column

if TYPE_CHECKING:
    from playwright.sync_api import ElementHandle, Frame, Locator, Page

__all__ = ["PageRecorder"]

_CELLS = {
    Column.LICENSE_TYPE: "type",
    Column.INVOICE_NUMBER: "invoice",
    Column.WEB_SERVER: "server",
    Column.ACTIVATED: "activated",
    Column.EXPIRES: "expires",
}
_VERSION_TEXT = re.compile(
    r"(?:Evoq|DNN|DotNetNuke|Platform|Version)[^\n]{0,30}?\b\d+\.\d+(?:\.\d+){0,2}\b",
    re.IGNORECASE,
)

#: A mark to add: the element's path from the snapshot's root, the attribute, its value.
Mark = tuple[list[int], str, str]


@dataclass(slots=True)
class PageRecorder:
    """Records one server's pages as a probe meets them; :meth:`finish` returns the capture."""

    page: Page
    label: str
    snapshots: list[Snapshot] = field(default_factory=list)
    timings: list[Timing] = field(default_factory=list)
    shown_styles: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @contextmanager
    def _noting(self, what: str) -> Iterator[None]:
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - a capture must never stop a check or a run
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            self.notes.append(f"{what} could not be captured: {reason}")

    # -- what the probe shows it ---------------------------------------------------------------

    def timing(self, step: str, seconds: float) -> None:
        """Keep how long a step of the probe took."""
        self.timings.append(Timing(step, round(seconds * 1000, 1)))

    def panel(self, state: str, about: AboutPage) -> None:
        """Keep the About panel's HTML (marked) and ARIA tree in ``state``."""
        with self._noting(f"the About panel ({state})"):
            root = about.panel.element_handle(timeout=about.timeout_ms)
            marks = self._marks(root, self._controls(state, about))
            marks += self._list_marks(root, about)
            html = str(
                about.panel.evaluate(js.SERIALIZE, {"marks": marks, "drop": [], "styles": True})
            )
            parent = root.evaluate("el => el.parentElement ? el.parentElement.id : ''")
            self.snapshots.append(
                Snapshot(state, html, about.panel.aria_snapshot(), str(parent) or None)
            )
            if state == "about":
                self.versions["about_title"] = about.title()
                found = _VERSION_TEXT.findall(about.panel.inner_text())
                if found:
                    self.versions["about_texts"] = "; ".join(dict.fromkeys(found))

    def menu(self, bar: PersonaBar) -> None:
        """Keep the Persona Bar's whole document, its Settings menu shown."""
        with self._noting("the Persona Bar's menu"):
            frame = _frame(bar)
            menu = bar.settings_menu.element_handle(timeout=bar.timeout_ms)
            # The shell measures the menu off-screen, then fades it in: keep it once at rest.
            with self._noting("the Settings menu at rest"):
                frame.wait_for_function(js.SETTLED, arg=menu, timeout=2_000)
            menu_id = bar.settings_menu.get_attribute("id") or "Settingshovermenu"
            self.shown_styles[menu_id] = bar.settings_menu.get_attribute("style") or ""
            document = frame.locator("html")
            root = document.element_handle()
            drop = [
                path
                for path in (
                    AboutPage(self.page).panel.evaluate_all(js.PATHS, root)
                    if AboutPage(self.page).panel.count()
                    else []
                )
                if path is not None
            ]
            html = str(
                document.evaluate(js.SERIALIZE, {"marks": [], "drop": drop, "styles": False})
            )
            aria = frame.locator("body").aria_snapshot()
            self.snapshots.append(Snapshot("menu", "<!DOCTYPE html>\n" + html, aria))

    # -- marks -----------------------------------------------------------------------------------

    def _controls(self, state: str, about: AboutPage) -> list[tuple[Locator, str, str]]:
        named: list[tuple[Locator, str, str]] = [(about.title_heading, MARK, "title")]
        if state in ("about", "add_license"):
            named += [
                (about.add_license_button, MARK, "add-license"),
                (about.licensing_notice_text, MARK, "notice"),
            ]
        if state == "add_license":
            form = AddLicenseForm(about)
            named += [
                (form.license_type_select, MARK, "license-type"),
                (form.web_server_select, MARK, "web-server"),
                (form.account_email, MARK, "account-email"),
                (form.invoice_number, MARK, "invoice-number"),
                (form.cancel_button, MARK, "cancel"),
                (form.manual_activation_button, MARK, "manual-activation"),
                (form.automatic_activation_button, MARK, "automatic-activation"),
            ]
        if state == "manual_activation":
            manual = ManualActivationPage(about)
            named += [
                (manual.server_id_box, MARK, "server-id"),
                (manual.request_link, MARK, "request-link"),
                (manual.activation_key_box, MARK, "activation-key"),
                (manual.submit_button, MARK, "submit-key"),
                (manual.cancel_button, MARK, "cancel"),
                (manual.back_link, MARK, "back"),
            ]
        return named

    def _marks(self, root: ElementHandle, named: list[tuple[Locator, str, str]]) -> list[Mark]:
        marks: list[Mark] = []
        for locator, attribute, value in named:
            if not locator.count():
                continue
            path = locator.first.evaluate(js.PATH, root)
            if path is not None:
                marks.append((list(path), attribute, value))
        return marks

    def _list_marks(self, root: ElementHandle, about: AboutPage) -> list[Mark]:
        """The license list's parts: what holds it, its header, its rows, the first row's cells
        and controls; or the empty state."""
        if about.empty_state.count():
            ends = [about.empty_state.first]
            if about.upgrade_hint.count():
                ends.append(about.upgrade_hint.first)
            return self._region(root, ends, "empty")
        if not about.list_header.count() or not about.rows.count():
            return []
        first = about.rows.first
        marks = self._region(root, [about.list_header, first], "list")
        marks += self._marks(root, [(about.list_header, MARK, "header")])
        marks += [
            (list(path), MARK, "row")
            for path in about.rows.evaluate_all(js.PATHS, root)
            if path is not None
        ]
        cells = row_cells(about, first)
        marks += self._marks(root, [(cells[column], CELL, name) for column, name in _CELLS.items()])
        marks += self._marks(
            root,
            [
                (about.remove_control(first), ACTION, "remove"),
                (about.renew_control(first), ACTION, "renew"),
            ],
        )
        return marks

    def _region(self, root: ElementHandle, ends: list[Locator], name: str) -> list[Mark]:
        """Mark the innermost element that holds every one of ``ends``."""
        handles = [end.element_handle() for end in ends]
        path = handles[0].evaluate(js.COMMON_PATH, [handles[1:], root])
        return [(list(path), MARK, name)] if path is not None else []

    # -- the end ---------------------------------------------------------------------------------

    def finish(self) -> ServerCapture:
        """Everything recorded, with the bar's CSS, what the pages loaded, their timings and
        the versions they reveal."""
        styles: list[str] = []
        resources: dict[str, Resource] = {}
        page_timings: dict[str, dict[str, float]] = {}
        frames: list[tuple[str, Frame]] = [("site", self.page.main_frame)]
        with self._noting("the Persona Bar's document"):
            frames.append(("bar", _frame(PersonaBar(self.page))))
        for name, frame in frames:
            with self._noting(f"what the {name} page loaded"):
                for url, kind, ms in frame.evaluate(js.RESOURCES):
                    self._resource(resources, str(url), str(kind), float(ms))
                timing = frame.evaluate(js.NAVIGATION)
                if timing:
                    page_timings[name] = {str(k): round(float(v), 1) for k, v in timing.items()}
        with self._noting("the site page's versions"):
            found = self.page.main_frame.evaluate(js.VERSIONS)
            self.versions.update({str(k): str(v) for k, v in found.items() if v})
        if len(frames) > 1:
            with self._noting("the Persona Bar's styles"):
                styles = [str(css) for css in frames[1][1].evaluate(js.STYLES)]
        return ServerCapture(
            label=self.label,
            versions=dict(self.versions),
            snapshots=tuple(self.snapshots),
            styles=tuple(styles),
            shown_styles=dict(self.shown_styles),
            resources=tuple(resources.values()),
            timings=tuple(self.timings),
            page_timings=page_timings,
            notes=tuple(self.notes),
        )

    def _resource(self, found: dict[str, Resource], url: str, kind: str, ms: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return
        build = parse_qs(parts.query).get("cdv")
        if build:
            self.versions.setdefault("cdv", build[0])
        path = parts.path or "/"
        if path not in found:
            found[path] = Resource(path, kind, "/api/" in path.lower(), round(ms, 1))


def _frame(bar: PersonaBar) -> Frame:
    handle = bar.iframe.element_handle(timeout=bar.timeout_ms)
    frame = handle.content_frame()
    if frame is None:
        raise LookupError("the Persona Bar's iframe has no document")
    return frame
