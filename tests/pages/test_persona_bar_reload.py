"""PersonaBar.reload against the sandbox: a fresh read of About without loading the site page.

The runner reads a server's table again before every change by reloading only the Persona
Bar's document (issue 8): these tests show that such a read sees what the server holds now,
not what the page showed before, and that a page whose session has ended says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pages import LicenseType, LoginPage, OutcomeKind, PersonaBar

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from dnn_runbook.sandbox import Sandbox

pytestmark = pytest.mark.e2e


def _logged_in(page: Page, sandbox: Sandbox) -> PersonaBar:
    old = sandbox.old
    site = LoginPage(page, old.url).open().log_in(old.username, old.password)
    site.open_about()
    return site.persona_bar


class TestReload:
    def test_the_table_is_read_from_the_server_again(
        self, browser: Browser, page: Page, sandbox: Sandbox
    ) -> None:
        """A license removed in another tab is gone from this tab's table after the reload."""
        bar = _logged_in(page, sandbox)
        other = _logged_in(browser.new_page(), sandbox).open_about()
        production = other.find_license(license_type=LicenseType.PRODUCTION)
        assert production is not None
        assert other.remove_license(production).kind is OutcomeKind.DELETED
        assert bar.open_about().licenses() == [production], "this tab still shows the old table"

        assert bar.reload()
        assert bar.open_about().licenses() == []

    def test_the_page_load_notice_is_read_again(self, page: Page, sandbox: Sandbox) -> None:
        """The "Connection to license server failed" notice appears once the bar is reloaded."""
        bar = _logged_in(page, sandbox)
        assert bar.open_about().licensing_notice() is None
        sandbox.set_faults(["licensing-down:old"])
        assert bar.reload()
        notice = bar.open_about().licensing_notice()
        assert notice is not None
        assert notice.kind is OutcomeKind.LICENSING_UNREACHABLE

    def test_an_ended_session_is_reported_not_waited_for(
        self, page: Page, sandbox: Sandbox
    ) -> None:
        """With the session gone the bar sends the page to the login page: reload says False."""
        bar = _logged_in(page, sandbox)
        sandbox.set_faults(["session-expiry=0"])
        assert bar.reload() is False

    def test_a_page_without_the_bar_is_left_alone(self, page: Page, sandbox: Sandbox) -> None:
        """On the login page there is no bar to reload: False, and the page stays where it is."""
        LoginPage(page, sandbox.old.url).open()
        before = page.url
        assert PersonaBar(page).reload() is False
        assert page.url == before
