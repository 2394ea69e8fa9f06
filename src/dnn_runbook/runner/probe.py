"""What ``check`` looks at on one server: every control a run of the runbook will use, found
and left unpressed.

On each server, with one login: Settings > About, its license table and the licensing
service's page-load notice. Where the runbook adds a license: Add License opened, License Type
offering every type the runbook adds there, Web Server prefilled, Account Email and Invoice
Number taking what is typed (a harmless probe value, typed and cleared: nothing is ever
submitted), then Cancel; for a manual activation, the Manual Activation page showing a Server
ID, then back. Where the runbook removes a license: the row and its remove control, never
pressed. A control that is not there becomes a :class:`MissingControl` naming it and what the
panel showed instead; a server that cannot be used at all, an
:class:`~dnn_runbook.runner.access.AccessFailure`.

The browser context runs behind the read-only guard (``dnn_runbook.browser.guard``), so even
a mistake here could send nothing that changes a license.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from dnn_runbook.browser.sessions import ServerSession
from dnn_runbook.exceptions import AboutNotAvailableError, DnnRunbookError, PageError
from dnn_runbook.runbook import Activation, AddLicenseStep, RemoveLicenseStep, Runbook
from dnn_runbook.runner.access import AccessFailure, classify
from dnn_runbook.runner.views import ServerView, rows_for
from pages import AboutPage, AddLicenseForm, ManualActivationPage, PersonaBar, inventory

__all__ = ["MissingControl", "Observer", "ServerProbe", "probe_server"]

#: What is typed into Account Email and Invoice Number to see that they take input, then
#: cleared: never a real value, never submitted.
PROBE_EMAIL = "check@example.invalid"
PROBE_INVOICE = "CHECK-0000"


class Observer(Protocol):
    """Whoever wants to see the pages as the probe meets them (a capture)."""

    def panel(self, state: str, about: AboutPage) -> None:
        """The About panel in ``state``: ``about``, ``add_license`` or ``manual_activation``."""

    def menu(self, bar: PersonaBar) -> None:
        """The Persona Bar with its Settings menu shown."""

    def timing(self, step: str, seconds: float) -> None:
        """How long one part of the probe took."""


@dataclass(frozen=True, slots=True)
class MissingControl:
    """A control the run needs that the page did not show."""

    server: str
    #: Which control, in words ("the Invoice Number field of Add License").
    control: str
    #: The page object's own account of what it looked for.
    detail: str
    #: What the panel showed instead.
    instead: str

    def sentence(self) -> str:
        """The whole story: which control, on which server, and what was there instead."""
        detail = self.detail.rstrip(".")
        return (
            f"{self.server}: {self.control} was not found ({detail}). The panel showed "
            f"{self.instead}."
        )


@dataclass(frozen=True, slots=True)
class ServerProbe:
    """What the probe found on one server."""

    name: str
    #: The license table and reachability, when they could be read.
    view: ServerView | None = None
    #: The server's own Web Server name (the Add License form's prefill, or its rows').
    web_server: str | None = None
    failure: AccessFailure | None = None
    missing: tuple[MissingControl, ...] = ()
    #: What was found and checked, one sentence each.
    seen: tuple[str, ...] = ()
    #: Server IDs shown by Manual Activation (kept only to keep them out of a capture).
    server_ids: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the server could be used and every control was found."""
        return self.failure is None and not self.missing


@dataclass(slots=True)
class _Probe:
    session: ServerSession
    runbook: Runbook
    shot: Callable[[str], object]
    observer: Observer | None
    look_everywhere: bool
    fresh: bool
    seen: list[str] = field(default_factory=list)
    missing: list[MissingControl] = field(default_factory=list)
    server_ids: list[str] = field(default_factory=list)
    web_server: str | None = None

    @property
    def name(self) -> str:
        return self.session.name

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            if self.observer is not None:
                self.observer.timing(step, time.monotonic() - start)

    def lacks(self, about: AboutPage, control: str, detail: str) -> None:
        try:
            instead = inventory(about).describe()
        except PageError:
            instead = "nothing that could be read"
        self.missing.append(MissingControl(self.name, control, detail, instead))

    def run(self) -> ServerProbe:
        with self.timed("log in and open Settings > About"):
            try:
                about = self.session.about(reload=self.fresh)
            except DnnRunbookError as exc:
                return self._unusable(exc)
        self.seen.append(
            f"logged in as {self.session.spec.username}; Settings > About opened "
            f"(titled {about.title()!r})"
        )
        with self.timed("read the license table and the notice"):
            try:
                rows = about.licenses()
                reachable = about.licensing_notice() is None
            except PageError as exc:
                self.lacks(about, "the license list of Settings > About", str(exc))
                return self._result(None)
        view = ServerView(self.name, tuple(rows), licensing_reachable=reachable)
        self.web_server = next((row.web_server for row in rows if row.web_server), None)
        table = ", ".join(f"{row.license_type} {row.masked_invoice}" for row in rows)
        self.seen.append(
            f"the table lists {table or 'no license'}; the licensing service is "
            + (
                "reachable"
                if reachable
                else "NOT reachable ('Connection to license server failed')"
            )
        )
        self.shot("about")
        if self.observer is not None:
            self.observer.panel("about", about)
        adds = [
            step
            for step in self.runbook.steps
            if isinstance(step, AddLicenseStep) and step.server.name == self.name
        ]
        if adds or self.look_everywhere:
            with self.timed("open Add License, check its controls, cancel"):
                self._form(about, adds)
        with self.timed("find the rows to remove and their remove controls"):
            self._removals(about, view)
        if self.observer is not None:
            with self.timed("show the Settings menu"):
                self._menu(about)
        return self._result(view)

    def _unusable(self, exc: DnnRunbookError) -> ServerProbe:
        spec = self.session.spec
        failure = classify(self.name, exc, account=spec.username, url=spec.url)
        logged_in = self.session.logins > 0
        if logged_in and not isinstance(exc, AboutNotAvailableError) and failure.kind.is_markup:
            about = AboutPage(self.session.page, timeout_ms=self.session.timeout_ms)
            self.lacks(about, "Settings > About (its title and its license list)", str(exc))
            return self._result(None)
        return ServerProbe(self.name, failure=failure, seen=tuple(self.seen))

    def _result(self, view: ServerView | None) -> ServerProbe:
        return ServerProbe(
            self.name,
            view=view,
            web_server=self.web_server,
            missing=tuple(self.missing),
            seen=tuple(self.seen),
            server_ids=tuple(self.server_ids),
        )

    def _form(self, about: AboutPage, adds: list[AddLicenseStep]) -> None:
        form = AddLicenseForm(about)
        if not about.add_license_button.is_visible():
            self.lacks(about, "the Add License button", "no visible button named 'Add License'")
            return
        try:
            about.add_license_button.click()
            form.wait_until_shown()
        except PageError as exc:
            self.lacks(about, "the Add License form", str(exc))
            return
        self._types_and_server(about, form, adds)
        self._fields(about, form)
        self.shot("add-license")
        if self.observer is not None:
            self.observer.panel("add_license", about)
        manual = any(step.activation is Activation.MANUAL for step in adds)
        if manual or self.look_everywhere:
            self._manual(about, form, required=manual)
        try:
            if form.is_open():
                form.cancel()
        except PageError as exc:
            self.lacks(about, "the Cancel button of Add License", str(exc))

    def _types_and_server(
        self, about: AboutPage, form: AddLicenseForm[AboutPage], adds: list[AddLicenseStep]
    ) -> None:
        wanted = sorted({str(step.type) for step in adds})
        try:
            offered = form.license_types()
        except PageError as exc:
            self.lacks(about, "the License Type list of Add License", str(exc))
        else:
            folded = {option.casefold() for option in offered}
            absent = [kind for kind in wanted if kind.casefold() not in folded]
            if absent:
                self.lacks(
                    about,
                    f"the License Type choice {', '.join(map(repr, absent))}",
                    f"License Type offers {', '.join(map(repr, offered)) or 'nothing'}",
                )
            else:
                self.seen.append(f"License Type offers {', '.join(offered)}")
        try:
            chosen = form.web_server()
        except PageError as exc:
            self.lacks(about, "the Web Server list of Add License", str(exc))
            return
        if chosen:
            self.web_server = chosen
            self.seen.append(f"Web Server is prefilled with {chosen}")
        else:
            self.lacks(about, "a prefilled Web Server", "the Web Server list shows no choice")

    def _fields(self, about: AboutPage, form: AddLicenseForm[AboutPage]) -> None:
        for label, box, fill, probe in (
            ("Account Email", form.account_email, form.fill_account_email, PROBE_EMAIL),
            ("Invoice Number", form.invoice_number, form.fill_invoice_number, PROBE_INVOICE),
        ):
            control = f"the {label} field of Add License"
            if not box.is_visible():
                self.lacks(about, control, f"no field follows a label starting {label!r}")
                continue
            try:
                fill(probe)
                took = box.input_value() == probe
                fill("")
                cleared = not box.input_value()
            except PageError as exc:
                self.lacks(about, control, str(exc))
                continue
            if took and cleared:
                self.seen.append(f"{label} takes input (typed and cleared, never submitted)")
            else:
                self.lacks(about, control, "what was typed into it did not show")

    def _manual(self, about: AboutPage, form: AddLicenseForm[AboutPage], *, required: bool) -> None:
        control = "the Server ID of the Manual Activation page"
        try:
            manual: ManualActivationPage[AboutPage] = form.start_manual_activation()
            server_id = manual.server_id()
        except PageError as exc:
            if required:
                self.lacks(about, control, str(exc))
            return
        if server_id:
            self.server_ids.append(server_id)
            self.seen.append("Manual Activation shows a Server ID")
        elif required:
            self.lacks(about, control, "the Server ID box is empty")
        self.shot("manual-activation")
        if self.observer is not None:
            self.observer.panel("manual_activation", about)
        try:
            manual.back_to_licensing()
        except PageError as exc:
            self.lacks(
                about, "the way back from Manual Activation ('< BACK TO LICENSING')", str(exc)
            )

    def _removals(self, about: AboutPage, view: ServerView) -> None:
        removes = [
            step
            for step in self.runbook.steps
            if isinstance(step, RemoveLicenseStep) and step.server.name == self.name
        ]
        for step in removes:
            found = rows_for(view.rows, step.invoice.reveal(), step.type)
            what = f"{step.type or 'license'} {step.invoice.masked()}"
            row = found[0] if found else (view.rows[0] if view.rows else None)
            if row is None:
                self.seen.append(
                    f"{step.id}: {self.name} holds no license yet, so no remove control could be "
                    "seen; the run looks for it when it gets there"
                )
                continue
            try:
                control = about.remove_control(about.row_locator(row))
                shown = control.is_visible()
            except PageError as exc:
                self.lacks(about, f"the remove control of the {row.license_type} row", str(exc))
                continue
            if not shown:
                self.lacks(
                    about,
                    f"the remove control of the {row.license_type} row",
                    "it is on the page but not visible",
                )
            elif found:
                self.seen.append(
                    f"{step.id}: the {what} row and its remove control are there (not pressed)"
                )
            else:
                self.seen.append(
                    f"{step.id}: {self.name} holds no {what} now (a step before adds it); the "
                    f"remove control was found on its {row.license_type} row instead (not pressed)"
                )

    def _menu(self, about: AboutPage) -> None:
        bar = PersonaBar(self.session.page, timeout_ms=self.session.timeout_ms)
        try:
            about.close()
            bar.open_settings_menu()
        except PageError:
            return  # only a capture wants it; the panel was checked already
        if self.observer is not None:
            self.observer.menu(bar)


def probe_server(
    session: ServerSession,
    runbook: Runbook,
    *,
    shot: Callable[[str], object] = lambda _label: None,
    observer: Observer | None = None,
    look_everywhere: bool = False,
    fresh: bool = False,
) -> ServerProbe:
    """Look at ``session``'s server as ``check`` does (see the module); never raises for
    what the server shows, only reports it.

    Args:
        session: the server's browser session (not yet logged in: the probe logs in, once).
        runbook: whose steps say which controls to look for.
        shot: takes a masked screenshot labelled with its argument, for the evidence.
        observer: sees each page as it is met (a capture).
        look_everywhere: open Add License and Manual Activation even where the runbook does
            not use them (for a capture of every page).
        fresh: load the Persona Bar again first (a session a run has used).
    """
    return _Probe(session, runbook, shot, observer, look_everywhere, fresh).run()
