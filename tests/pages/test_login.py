"""pages.login and pages.site against the sandbox's DNN servers, in real Chromium."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from dnn_runbook.exceptions import LoginFailedError
from pages import LoginPage, SitePage

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from dnn_runbook.sandbox import Sandbox

pytestmark = pytest.mark.e2e


class TestLoginPage:
    def test_host_logs_in_and_lands_on_the_site(self, page: Page, sandbox: Sandbox) -> None:
        """open() shows /Login; log_in() returns the site page, which carries the Persona Bar."""
        login = LoginPage(page, sandbox.old.url).open()
        assert page.url.endswith("/Login")
        (password,) = login.sensitive_locators()
        assert password.get_attribute("type") == "password"
        site = login.log_in(sandbox.old.username, sandbox.old.password)
        assert isinstance(site, SitePage)
        assert site.is_logged_in()

    def test_enter_in_the_password_box_logs_in(self, page: Page, sandbox: Sandbox) -> None:
        """press_enter=True logs in with Enter instead of the Login link."""
        site = (
            LoginPage(page, sandbox.new.url)
            .open()
            .log_in(sandbox.new.username, sandbox.new.password, press_enter=True)
        )
        assert site.is_logged_in()

    def test_wrong_password_raises_with_the_page_message(
        self, page: Page, sandbox: Sandbox
    ) -> None:
        """A rejected login raises LoginFailedError with the page's "Login Failed" text."""
        login = LoginPage(page, sandbox.old.url).open()
        with pytest.raises(LoginFailedError) as info:
            login.log_in(sandbox.old.username, "wrong-" + sandbox.old.password)
        assert "Login Failed" in info.value.page_message
        assert sandbox.old.password not in str(info.value)
        # A second try on the same page, now showing the failure, still logs in.
        assert login.log_in(sandbox.old.username, sandbox.old.password).is_logged_in()


class TestSitePage:
    def test_open_reuses_the_session(self, page: Page, sandbox: Sandbox) -> None:
        """SitePage.open() on a logged-in context is logged in; a fresh context is not."""
        assert not SitePage.open(page, sandbox.old.url).is_logged_in()
        LoginPage(page, sandbox.old.url).open().log_in(sandbox.old.username, sandbox.old.password)
        assert SitePage.open(page, sandbox.old.url).is_logged_in()
