"""The read-only guard: its allow-list, and in real Chromium against the sandbox, that it lets
a login through and aborts an activation, a removal, a renewal and a manual key submission
before they reach the server (the sandbox's history shows no change)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest

from dnn_runbook.browser.guard import BlockedRequest, RequestGuard, is_allowed, is_login_post
from pages import LoginPage, OutcomeKind
from tests.support import writes

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from dnn_runbook.sandbox import Sandbox

LOGIN_FORM = urlencode(
    {
        "__EVENTTARGET": "dnn$ctr$Login$Login_DNN$cmdLogin",
        "__EVENTARGUMENT": "",
        "dnn$ctr$Login$Login_DNN$txtUsername": "host",
        "dnn$ctr$Login$Login_DNN$txtPassword": "pw",
    }
)


class TestAllowList:
    def test_reads_pass(self) -> None:
        """GET and HEAD always pass, whatever the address."""
        for method in ("GET", "get", "HEAD"):
            assert is_allowed(
                method, "https://x/API/Licensing/Delete", post_data=None, top_navigation=False
            )

    def test_the_login_post_passes_only_as_a_top_navigation(self) -> None:
        """DNN's login fields posted by its Login button pass as the top page's navigation."""
        assert is_login_post(LOGIN_FORM)
        assert is_allowed("POST", "https://x/Login", post_data=LOGIN_FORM, top_navigation=True)
        assert not is_allowed("POST", "https://x/Login", post_data=LOGIN_FORM, top_navigation=False)

    def test_a_custom_login_page_module_id_passes(self) -> None:
        """A login module with id 412 (dnn$ctr412$...) is the login form too."""
        form = LOGIN_FORM.replace("ctr%24", "ctr412%24")
        assert is_login_post(form)

    def test_other_posts_from_the_login_page_are_refused(self) -> None:
        """Another button of the login page (a postback without the Login target) is refused."""
        form = LOGIN_FORM.replace("cmdLogin", "cmdRegister")
        assert not is_login_post(form)
        assert not is_login_post("licenseType=Production&invoice=INV001-1")
        assert not is_login_post(None)

    def test_the_user_settings_call_passes_and_nothing_else(self) -> None:
        """UpdateUserSettings passes in any letter case; licensing calls and PUT/DELETE do not."""
        settings = "https://x/dnn/API/personaBar/UserSettings/UpdateUserSettings"
        assert is_allowed("POST", settings, post_data="{}", top_navigation=False)
        for url in (
            "https://x/API/PersonaBar/Licensing/AddLicense",
            "https://x/API/PersonaBar/Licensing/DeleteLicense?x=/updateusersettings",
        ):
            assert not is_allowed("POST", url, post_data="{}", top_navigation=False)
        for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
            assert not is_allowed(method, settings, post_data=None, top_navigation=False)

    def test_a_blocked_request_says_what_it_was(self) -> None:
        """describe() names the method, the path, the kind and the server."""
        blocked = BlockedRequest("old", "POST", "/API/X", "fetch")
        assert blocked.describe() == "POST /API/X (fetch) on old"


@pytest.mark.e2e
class TestInTheBrowser:
    def test_activation_removal_renewal_and_manual_key_are_caught(
        self, browser: Browser, sandbox: Sandbox
    ) -> None:
        """Each action is aborted and recorded; the login and the bar's reads went through."""
        context = browser.new_context()
        seen: list[BlockedRequest] = []
        guard = RequestGuard("old", on_block=seen.append).install(context)
        try:
            page = context.new_page()
            server = sandbox.old
            about = LoginPage(page, server.url, timeout_ms=30_000).open()
            about_page = about.log_in(server.username, server.password).open_about()
            row = about_page.licenses()[0]

            activation = (
                about_page.add_license()
                .fill(
                    license_type="Development",
                    account_email=sandbox.license_email,
                    invoice_number=sandbox.license_invoice,
                )
                .activate_automatically()
            )
            assert activation.kind is not OutcomeKind.ACTIVATED
            about_page.dismiss_notification()
            form = about_page.add_license()
            manual = form.start_manual_activation()
            assert manual.submit_activation_key("00FF" * 16).kind is not OutcomeKind.ACTIVATED
            about_page.dismiss_notification()
            manual.cancel()
            assert about_page.remove_license(row).kind is not OutcomeKind.DELETED
            about_page.dismiss_notification()
            assert about_page.renew_license(row).kind is not OutcomeKind.RENEWED
        finally:
            context.close()
        paths = [blocked.path.rsplit("/", 1)[-1] for blocked in guard.blocked]
        assert paths == ["AddLicense", "ActivateManual", "DeleteLicense", "RenewLicense"]
        assert seen == guard.blocked
        assert {blocked.method for blocked in seen} == {"POST"}
        state = sandbox.state()
        assert writes(state) == []
        assert [event["kind"] for event in state["history"]].count("login") == 1
