"""One logged-in browser session per DNN server, opened lazily and kept for the whole run.

Each server gets its own browser context (cookies, storage) in the run's single browser, so
logging in to one never logs out of the other. A session that expired on the server is
noticed when the site no longer shows the Persona Bar, and the session logs in again.
This module and ``pages/`` are the runner's only contact with Playwright objects.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from dnn_runbook.runbook import ServerSpec
from pages import AboutPage, LoginPage, ManualActivationPage, SitePage

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

#: The size of every evidence screenshot: wide enough for the whole license table.
VIEWPORT = {"width": 1280, "height": 860}
#: The colour masked regions are painted in: dark, so a mask is obvious in the evidence.
MASK_COLOR = "#1b2a38"


class ServerSession:
    """A browser tab logged in to one DNN server, with its About page at hand."""

    def __init__(
        self,
        browser: Browser,
        spec: ServerSpec,
        *,
        timeout_ms: float,
        mask_license_ids: bool = True,
        activity: Callable[[str], None] = lambda _text: None,
        trace: bool = False,
        license_ids: Sequence[str] = (),
    ) -> None:
        self.spec = spec
        #: The account email and invoice: a notification quoting one ("Production activation
        #: for INV001-1 is in use.") is painted over too, unless license ids may be shown.
        self.license_ids = tuple(value for value in license_ids if value)
        self.timeout_ms = timeout_ms
        self.mask_license_ids = mask_license_ids
        self._activity = activity
        self.context: BrowserContext = browser.new_context(
            viewport=VIEWPORT,  # type: ignore[arg-type]
            base_url=spec.url,
        )
        self.context.set_default_timeout(timeout_ms)
        self.tracing = trace
        if trace:
            # No screenshots: pixels cannot be scrubbed of secrets; the DOM snapshots can.
            self.context.tracing.start(screenshots=False, snapshots=True, sources=False)
        self.page: Page = self.context.new_page()
        self._about: AboutPage | None = None
        self.logins = 0

    @property
    def name(self) -> str:
        """The server's name in the runbook."""
        return self.spec.name

    def about(self, *, reload: bool = False) -> AboutPage:
        """Settings > About on this server, logged in and open.

        ``reload`` loads the Persona Bar again first (the whole site page when the bar is not
        there or shows no session), so that the table and the page-load notice ("Connection
        to license server failed") are read fresh from the server.
        """
        if reload and self._about is not None:
            refreshed = self._reload_about()
            if refreshed is not None:
                self._about = refreshed
                return refreshed
        if reload or self._about is None or not self._about.is_open():
            self._about = self._open_about()
        return self._about

    def _reload_about(self) -> AboutPage | None:
        """Reload the Persona Bar only (its iframe), About reopening in it; ``None`` when the
        page no longer carries a working bar (the session ended), to go the long way."""
        self._activity(f"reloading the Persona Bar on {self.name}")
        site = SitePage(self.page, self.spec.url, timeout_ms=self.timeout_ms)
        # The About panel's table and its page-load notice are fetched from the server again
        # whenever the bar's document loads: as fresh as reloading the whole site page, at
        # about half the cost (the site page around the bar is not loaded again).
        if not site.persona_bar.reload():
            return None
        return site.open_about()

    def _open_about(self) -> AboutPage:
        if self._about is None and self.logins == 0:
            # A new context has no session cookie: the site's home page would only say so.
            site = self._log_in()
        else:
            self._activity(f"opening {self.name}")
            site = SitePage.open(self.page, self.spec.url, timeout_ms=self.timeout_ms)
            if not site.is_logged_in():
                site = self._log_in()
        self._activity(f"opening Settings > About on {self.name}")
        return site.open_about()

    def _log_in(self) -> SitePage:
        self._activity(f"logging in to {self.name}")
        login = LoginPage(self.page, self.spec.url, timeout_ms=self.timeout_ms).open()
        site = login.log_in(self.spec.username, self.spec.password.reveal())
        self.logins += 1
        return site

    def sensitive_locators(self) -> list[Locator]:
        """What must be painted over in a screenshot of this tab, as of now.

        The password always; the account email, the invoice numbers and the activation key
        unless the run was told to show license ids (the activation key never is shown).
        """
        login = LoginPage(self.page, self.spec.url, timeout_ms=self.timeout_ms)
        found = list(login.sensitive_locators())
        about = AboutPage(self.page, timeout_ms=self.timeout_ms)
        if self.mask_license_ids:
            # The invoice cells as one locator (the form's fields and the activation key
            # included): a locator per row made a 200-license table's screenshot time out.
            found.extend(about.screenshot_masks())
            notification = about.notification()
            # Compared here, in Python: a secret in a selector would reach traces and errors.
            if notification is not None and any(v in notification.text for v in self.license_ids):
                found.append(about.notifications.message)
        else:
            found.extend(ManualActivationPage(about).sensitive_locators())
        return found

    def screenshot(self, path: Path) -> None:
        """Save what the tab shows now to ``path``, with every sensitive field painted over."""
        self.page.screenshot(
            path=path,
            type="png",
            mask=self.sensitive_locators(),
            mask_color=MASK_COLOR,
            animations="disabled",
            caret="hide",
        )

    def stop_tracing(self, path: Path) -> None:
        """Stop this context's trace and save it to ``path``: a RAW trace that holds every typed
        secret, for ``dnn_runbook.evidence.trace`` to scrub. Does nothing when not tracing."""
        if self.tracing:
            self.tracing = False
            self.context.tracing.stop(path=path)

    def close(self) -> None:
        """Close the tab and its context."""
        self.context.close()


class SessionPool:
    """The sessions of a run, one per server, opened on first use."""

    def __init__(self, factory: Callable[[ServerSpec], ServerSession]) -> None:
        self._factory = factory
        self._sessions: dict[str, ServerSession] = {}

    def get(self, spec: ServerSpec) -> ServerSession:
        """The session of ``spec``'s server, opening it if needed."""
        session = self._sessions.get(spec.name)
        if session is None:
            session = self._sessions[spec.name] = self._factory(spec)
        return session

    def opened(self) -> Iterator[ServerSession]:
        """The sessions opened so far."""
        return iter(list(self._sessions.values()))

    def close(self) -> None:
        """Close every session; a browser that already died is no reason to fail."""
        for session in self._sessions.values():
            # Closing the context of a browser that already died fails harmlessly.
            with contextlib.suppress(Exception):
                session.close()
        self._sessions.clear()


@contextmanager
def session_pool(
    browser: Browser,
    *,
    timeout_ms: float,
    mask_license_ids: bool,
    activity: Callable[[str], None],
    trace: bool = False,
    license_ids: Sequence[str] = (),
) -> Iterator[SessionPool]:
    """A :class:`SessionPool` over ``browser``, closed on exit."""
    pool = SessionPool(
        lambda spec: ServerSession(
            browser,
            spec,
            timeout_ms=timeout_ms,
            mask_license_ids=mask_license_ids,
            activity=activity,
            trace=trace,
            license_ids=license_ids,
        )
    )
    try:
        yield pool
    finally:
        pool.close()
