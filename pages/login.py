"""DNN's login page (``Login.ascx`` of the DNN authentication provider, ``docs/dnn-ui.md`` section 2).

The ids are DNN's own: ``dnn_ctr_Login_Login_DNN_txtUsername`` on the standard ``/Login``
page, ``dnn_ctr<N>_Login_Login_DNN_txtUsername`` when a custom login page hosts the module
with id N. Both are accepted. The Login button is an ASP.NET LinkButton: an ``<a>`` whose
``href`` runs ``__doPostBack``, so pressing it submits the page and the browser navigates;
that navigation is the signal that the server has answered.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from dnn_runbook.exceptions import LoginFailedError, LoginPageNotFoundError, PageStructureError
from pages._errors import page_errors
from pages.site import SitePage

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

__all__ = ["LoginPage", "PendingLogin"]

_ID_PREFIX = 'id^="dnn_ctr"'

#: DNN's standard login page; a site may move it (a custom login page in Site Settings).
DEFAULT_PATH = "/Login"


def _dnn_control(tag: str, suffix: str) -> str:
    return f'{tag}[{_ID_PREFIX}][id$="_Login_Login_DNN_{suffix}"]'


class LoginPage:
    """The DNN login page of one site.

    Args:
        page: the browser tab to use.
        base_url: the site's address, e.g. ``https://www.example.com`` (no path needed).
        timeout_ms: how long to wait for the server to answer a login.
    """

    def __init__(self, page: Page, base_url: str, *, timeout_ms: float = 30_000) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.timeout_ms = timeout_ms
        self.username: Locator = page.locator(_dnn_control("input", "txtUsername"))
        self.password: Locator = page.locator(_dnn_control("input", "txtPassword"))
        self.login_link: Locator = page.locator(_dnn_control("a", "cmdLogin"))
        self.failure_message: Locator = page.get_by_text(
            re.compile(r"Login Failed", re.IGNORECASE)
        ).filter(visible=True)

    def open(self, path: str = DEFAULT_PATH) -> LoginPage:
        """Go to the login page at ``path`` (the site's own, such as ``/Admin/Login``) and
        return ``self``. With the default ``/Login``, a site that has no such page is tried at
        ``/?ctl=Login`` too; a path of the site's own is the only place looked at, so that a
        wrong path fails instead of logging in somewhere else.

        Raises:
            LoginPageNotFoundError: a path of the site's own shows no DNN login form.
            PageStructureError: neither default address shows DNN's login form.
        """
        paths = (path, "/?ctl=Login&returnurl=%2f") if path == DEFAULT_PATH else (path,)
        status: int | None = None
        with page_errors("opening the login page", self.base_url):
            for candidate in paths:
                response = self.page.goto(self.base_url + candidate, timeout=self.timeout_ms)
                status = response.status if response is not None else None
                # The form is rendered by the server, so once the page has loaded it is there.
                if self.username.count() and self.password.count():
                    return self
        if path != DEFAULT_PATH:
            answered = f"HTTP {status}" if status is not None else "no HTTP answer"
            raise LoginPageNotFoundError(
                f"{self.base_url}{path} (the login_path) shows no DNN login form (it answered "
                f"{answered}, and no input's id ends in '_Login_Login_DNN_txtUsername')."
            )
        raise PageStructureError(
            f"Neither {self.base_url}/Login nor {self.base_url}/?ctl=Login shows DNN's login "
            "form: expected an input whose id ends in '_Login_Login_DNN_txtUsername'. Check "
            "the site address, or whether the site uses a login page of its own (login_path)."
        )

    def sensitive_locators(self) -> list[Locator]:
        """The fields whose contents must be masked in a screenshot: the password."""
        return [self.password]

    def log_in(self, username: str, password: str, *, press_enter: bool = False) -> SitePage:
        """Fill in the credentials, press Login (or Enter) and return the page logged in to.

        Raises:
            LoginFailedError: the page showed its "Login Failed" message; carries its text.
            PageStructureError: the page answered but neither logged in nor said why.
            PageTimeoutError: the server did not answer in time.
        """
        return self.submit(username, password, press_enter=press_enter).finish()

    def submit(self, username: str, password: str, *, press_enter: bool = False) -> PendingLogin:
        """Fill in the credentials and press Login (or Enter), without waiting for the answer:
        :meth:`PendingLogin.finish` waits for it. Meanwhile another tab may be used, so that
        two servers answer their logins at the same time.

        Raises:
            PageTimeoutError: the form could not be filled in or pressed in time.
        """
        url = self.page.url or self.base_url
        with page_errors("logging in", url, [password]):
            self.username.fill(username)
            self.password.fill(password)
            # The wait starts before the press, so that a quick answer is not missed; the
            # press is the last thing done here, and PendingLogin.finish() ends the wait.
            navigation = self.page.expect_navigation(timeout=self.timeout_ms)
            navigation.__enter__()
            try:
                if press_enter:
                    self.password.press("Enter")
                else:
                    self.login_link.click()
            except BaseException as exc:
                navigation.__exit__(type(exc), exc, exc.__traceback__)
                raise
        return PendingLogin(self, url, navigation, password)


class PendingLogin:
    """A login pressed (:meth:`LoginPage.submit`) whose answer has not been awaited yet."""

    def __init__(
        self,
        login: LoginPage,
        url: str,
        navigation: AbstractContextManager[object],
        password: str,
    ) -> None:
        self.login = login
        self._url = url
        self._navigation = navigation
        #: Only to keep it out of error messages.
        self._password = password

    def finish(self) -> SitePage:
        """Wait for the server's answer to the login and return the page logged in to.

        Raises:
            LoginFailedError: the page showed its "Login Failed" message; carries its text.
            PageStructureError: the page answered but neither logged in nor said why.
            PageTimeoutError: the server did not answer in time.
        """
        login, page = self.login, self.login.page
        with page_errors("logging in", self._url, [self._password]):
            self._navigation.__exit__(None, None, None)
            page.wait_for_load_state("load", timeout=login.timeout_ms)
            if login.failure_message.count():
                message = " ".join(login.failure_message.first.inner_text().split())
                raise LoginFailedError(page.url, message)
            if login.password.is_visible():
                raise PageStructureError(
                    f"After pressing Login at {self._url} the browser is still on the login "
                    f"page ({page.url}) and the page shows no 'Login Failed' message."
                )
        return SitePage(page, login.base_url, timeout_ms=login.timeout_ms)
