"""One logged-in browser session per DNN server, opened lazily and kept for the whole run.

Each server gets its own browser context (cookies, storage) in the run's single browser, so
logging in to one never logs out of the other. A session that expired on the server is
noticed when the site no longer shows the Persona Bar, and the session logs in again.

A session is given the runbook's secrets as :class:`~dnn_runbook.runbook.Secret` objects and
reveals them only to type them or to compare them with what the page shows, never into a
selector (selectors reach traces and error messages).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from dnn_runbook.browser import tls
from dnn_runbook.clock import iso, utc_now
from dnn_runbook.exceptions import DnnRunbookError, LoginFailedError, PageError
from dnn_runbook.licenses import MASK_COLOR
from dnn_runbook.runbook import Secret, ServerSpec
from pages import (
    AboutPage,
    LoginPage,
    ManualActivationPage,
    PendingLogin,
    PendingReload,
    SitePage,
    skip_animations,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

#: The size of every evidence screenshot: wide enough for the whole license table.
VIEWPORT = {"width": 1280, "height": 860}

#: The run id and time drawn into the bottom right corner of every screenshot, small, above
#: the page (masks are painted above it in turn), so no two runs' screenshots are the same
#: and each says which run took it. Only the screenshot sees it: the page is not changed.
_STAMP_CSS = (
    "body::after{{content:'{text}';position:fixed;right:0;bottom:0;z-index:2147483646;"
    "font:10px/12px monospace;color:#000;background:#fff;padding:1px 4px;"
    "pointer-events:none;opacity:1;white-space:pre}}"
)
_STAMP_SAFE = re.compile(r"[^0-9A-Za-z:. _-]")


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
        license_ids: Sequence[Secret] = (),
        stamp: str | None = None,
        proxy: str | None = None,
    ) -> None:
        self.spec = spec
        #: The proxy the browser goes through (``--proxy``), for the ``tls_ca`` check too.
        self.proxy = proxy
        self._certificate_checked = spec.tls_ca is None
        #: The run id drawn into each screenshot's corner with the time (``None``: nothing).
        self.stamp = stamp
        #: Every account email and invoice the runbook names (a step's own included): a
        #: notification quoting one ("Production activation for INV001-1 is in use.") is
        #: painted over too, unless license ids may be shown.
        self.license_ids = tuple(secret for secret in license_ids if secret.reveal())
        self.timeout_ms = timeout_ms
        self.mask_license_ids = mask_license_ids
        self._activity = activity
        self.context: BrowserContext = browser.new_context(
            viewport=VIEWPORT,  # type: ignore[arg-type]
            base_url=spec.url,
            # tls_verify: false, or tls_ca (checked in Python before the first page, since
            # Chromium takes no CA bundle per context): see dnn_runbook.browser.tls.
            ignore_https_errors=not spec.tls_verify or spec.tls_ca is not None,
        )
        self.context.set_default_timeout(timeout_ms)
        # The Persona Bar's panel animations only delay each fresh read by about 0.4 s; the
        # waits are for the same signals with or without them (pages/animations.py).
        skip_animations(self.context)
        self.tracing = trace
        if trace:
            # No screenshots: pixels cannot be scrubbed of secrets; the DOM snapshots can.
            self.context.tracing.start(screenshots=False, snapshots=True, sources=False)
        self.page: Page = self.context.new_page()
        self._about: AboutPage | None = None
        #: A fresh read started by :meth:`start_fresh_read` and not finished yet.
        self._pending: PendingReload | None = None
        #: A login pressed by :meth:`start_fresh_read` and not answered yet, or what stopped
        #: it from being pressed (raised by the read that follows, as if it had pressed it).
        self._pending_login: PendingLogin | DnnRunbookError | None = None
        #: The site page logged in to by :meth:`start_fresh_read`, Settings > About pressed
        #: there and its panel not awaited yet.
        self._opening: SitePage | None = None
        #: When About was last loaded afresh here (``time.monotonic()``), or ``None`` once the
        #: page has been handed out to act on since (see :meth:`fresh_age`).
        self._fresh_at: float | None = None
        self.logins = 0
        #: The login page's address and its message once it refused the credentials.
        self.refused: tuple[str, str] | None = None

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
        # Whoever asks without reloading may act on the page: it is no longer as loaded.
        self._fresh_at = None
        about = self._about_page(reload=reload)
        if reload:
            self._fresh_at = time.monotonic()
        return about

    def fresh_age(self) -> float | None:
        """Seconds since About was last loaded afresh here (``about(reload=True)``), or
        ``None`` when it has been asked for since without a reload, to act on (clicks go
        through ``about(reload=False)``), or was never loaded."""
        return None if self._fresh_at is None else time.monotonic() - self._fresh_at

    def shown_about(self) -> AboutPage | None:
        """About as this tab shows it now, not reloaded and not handed out to act on (so
        :meth:`fresh_age` keeps counting); ``None`` before the first :meth:`about`."""
        return self._about

    def _about_page(self, *, reload: bool) -> AboutPage:
        pending, self._pending = self._pending, None
        if (reload or pending is not None) and self._about is not None:
            refreshed = self._reload_about(pending)
            if refreshed is not None:
                self._about = refreshed
                return refreshed
        if reload or self._about is None or not self._about.is_open():
            self._about = self._open_about()
        return self._about

    def start_fresh_read(self) -> None:
        """Start what the next :meth:`about` waits for, and return as soon as the server has
        answered: the Persona Bar loading again, or before the first login the login itself
        (pressed, its answer not awaited). Meanwhile the run reads another server, so that
        two servers load at the same time. A failure here is left to the read that follows,
        which retries."""
        if self._about is None:
            if isinstance(self._pending_login, PendingLogin):
                self._start_opening_about()
            else:
                self._start_log_in()
            return
        if self._pending is not None:
            return
        site = SitePage(self.page, self.spec.url, timeout_ms=self.timeout_ms)
        with contextlib.suppress(PageError):
            self._pending = site.persona_bar.start_reload()

    def _start_log_in(self) -> None:
        if self.logins or self.refused is not None or self._pending_login is not None:
            return
        try:
            self._pending_login = self._submit_login()
        except DnnRunbookError as exc:
            # Raised by the read that follows, exactly as if that read had tried: whether it
            # is retried is decided there, as for a login it presses itself.
            self._pending_login = exc

    def _start_opening_about(self) -> None:
        """Await the login pressed before, then press Settings > About without awaiting it."""
        try:
            site = self._log_in()
        except DnnRunbookError as exc:
            self._pending_login = exc  # raised by the read that follows, as above
            return
        self._opening = site
        self._activity(f"opening Settings > About on {self.name}")
        with contextlib.suppress(PageError):
            site.persona_bar.start_opening_about()

    def _reload_about(self, pending: PendingReload | None) -> AboutPage | None:
        """Reload the Persona Bar only (its iframe), About reopening in it; ``None`` when the
        page no longer carries a working bar (the session ended), to go the long way."""
        self._activity(f"reloading the Persona Bar on {self.name}")
        site = SitePage(self.page, self.spec.url, timeout_ms=self.timeout_ms)
        # The About panel's table and its page-load notice are fetched from the server again
        # whenever the bar's document loads: as fresh as reloading the whole site page, at
        # about half the cost (the site page around the bar is not loaded again).
        loaded = pending.finish() if pending is not None else site.persona_bar.reload()
        if not loaded:
            return None
        return site.open_about(just_loaded=True)

    def _open_about(self) -> AboutPage:
        opening, self._opening = self._opening, None
        if opening is not None:
            return opening.open_about()
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
        pending, self._pending_login = self._pending_login, None
        if isinstance(pending, DnnRunbookError):
            raise pending
        if pending is None:
            pending = self._submit_login()
        try:
            site = pending.finish()
        except LoginFailedError as exc:
            self.refused = (exc.url, exc.page_message)
            raise
        self.logins += 1
        return site

    def _submit_login(self) -> PendingLogin:
        if self.refused is not None:
            # One attempt per server per run: DNN locks an account after a few failures,
            # so a refused password is never sent again, whoever asks.
            raise LoginFailedError(*self.refused)
        if not self._certificate_checked and self.spec.tls_ca is not None:
            self._activity(f"checking the certificate of {self.name} against its tls_ca")
            tls.check(
                self.spec.url, self.spec.tls_ca, timeout_s=self.timeout_ms / 1000, proxy=self.proxy
            )
            self._certificate_checked = True
        self._activity(f"logging in to {self.name}")
        login = LoginPage(self.page, self.spec.url, timeout_ms=self.timeout_ms)
        login.open(self.spec.login_path)
        return login.submit(self.spec.username, self.spec.password.reveal())

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
            if notification is not None and self._quotes_license_id(notification.text):
                found.append(about.notifications.message)
        else:
            found.extend(ManualActivationPage(about).sensitive_locators())
        return found

    def _quotes_license_id(self, text: str) -> bool:
        folded = text.casefold()
        return any(secret.reveal().strip().casefold() in folded for secret in self.license_ids)

    def screenshot(self, path: Path) -> None:
        """Save what the tab shows now to ``path``, with every sensitive field painted over
        and the run id and time in the bottom right corner."""
        self.page.screenshot(
            path=path,
            type="png",
            mask=self.sensitive_locators(),
            mask_color=MASK_COLOR,
            animations="disabled",
            caret="hide",
            style=self._stamp_css(),
        )

    def _stamp_css(self) -> str | None:
        if self.stamp is None:
            return None
        text = _STAMP_SAFE.sub("-", f"{self.stamp} {iso(utc_now())}")
        return _STAMP_CSS.format(text=text)

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
    license_ids: Sequence[Secret] = (),
    stamp: str | None = None,
    proxy: str | None = None,
) -> Iterator[SessionPool]:
    """A :class:`SessionPool` over ``browser``, closed on exit; ``stamp`` (the run id) goes
    into every screenshot's corner."""
    pool = SessionPool(
        lambda spec: ServerSession(
            browser,
            spec,
            timeout_ms=timeout_ms,
            mask_license_ids=mask_license_ids,
            activity=activity,
            trace=trace,
            license_ids=license_ids,
            stamp=stamp,
            proxy=proxy,
        )
    )
    try:
        yield pool
    finally:
        pool.close()
