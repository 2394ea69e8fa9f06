"""A DNN server: login, session, the site page and the classic Persona Bar, over HTTP and in
Chromium. The default front end's Persona Bar is tested in ``test_frontend_dnn.py``."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from dnn_runbook.sandbox import Sandbox
from dnn_runbook.sandbox.paths import BUILD_NUMBER
from tests.sandbox.menu import hover_settings, open_about_by_hand

Login = Callable[..., None]
Factory = Callable[..., Sandbox]


@pytest.fixture
def sandbox_factory(sandbox_factory: Factory) -> Factory:
    """This module tests the classic front end: every sandbox here starts with ``ui="classic"``."""
    return functools.partial(sandbox_factory, ui="classic")


@pytest.fixture
def sandbox(sandbox_factory: Factory) -> Sandbox:
    """A fresh sandbox with the classic front end."""
    return sandbox_factory()


LOGIN_TARGET = "dnn$ctr$Login$Login_DNN$cmdLogin"


def post_login(http: httpx.Client, url: str, username: str, password: str) -> httpx.Response:
    return http.post(
        f"{url}/Login?returnurl=%2f",
        data={
            "__EVENTTARGET": LOGIN_TARGET,
            "dnn$ctr$Login$Login_DNN$txtUsername": username,
            "dnn$ctr$Login$Login_DNN$txtPassword": password,
        },
    )


class TestLoginOverHttp:
    def test_success_redirects_home_with_a_session_cookie(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """A right password answers 302 to / and sets an HttpOnly session cookie."""
        response = post_login(http, sandbox.old.url, "host", sandbox.old.password)
        assert response.status_code == 302
        assert response.headers["location"] == "/"
        assert "httponly" in response.headers["set-cookie"].lower()

    def test_usernames_ignore_case(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """DNN usernames are case-insensitive; passwords are not."""
        assert post_login(http, sandbox.old.url, "HOST", sandbox.old.password).status_code == 302
        wrong = post_login(http, sandbox.old.url, "host", sandbox.old.password.swapcase())
        assert "Login Failed" in wrong.text

    def test_failure_never_echoes_the_password(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """The failed-login page shows the message and the username, not the password."""
        response = post_login(http, sandbox.old.url, "host", "Secret-Guess-123")
        assert response.status_code == 200
        assert "Login Failed" in response.text
        assert "Secret-Guess-123" not in response.text

    def test_passwords_belong_to_one_server(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """The old server's password does not open the new server."""
        response = post_login(http, sandbox.new.url, "host", sandbox.old.password)
        assert "Login Failed" in response.text

    def test_return_url_must_be_local(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """An absolute return URL is ignored (no open redirect)."""
        response = http.post(
            f"{sandbox.old.url}/Login?returnurl=https%3A%2F%2Fevil.example",
            data={
                "__EVENTTARGET": LOGIN_TARGET,
                "dnn$ctr$Login$Login_DNN$txtUsername": "host",
                "dnn$ctr$Login$Login_DNN$txtPassword": sandbox.old.password,
            },
        )
        assert response.headers["location"] == "/"

    def test_api_needs_a_host_session(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """The About API answers 401 without a session and 403 to a non-host admin."""
        api = f"{sandbox.old.url}/API/PersonaBar/Licensing/GetLicenses"
        assert http.get(api).status_code == 401
        post_login(http, sandbox.old.url, "admin", sandbox.old.admin_password)
        assert http.get(api).status_code == 403

    def test_anonymous_home_has_no_persona_bar(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """Without a session the site page is public and has no Persona Bar."""
        response = http.get(sandbox.old.url)
        assert response.status_code == 200
        assert "window.personaBarSettings = null" in response.text

    def test_expired_session_redirects_to_login(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """session-expiry=0 ends every session: the site page sends the browser to /Login."""
        post_login(http, sandbox.old.url, "host", sandbox.old.password)
        assert http.get(sandbox.old.url).status_code == 200
        sandbox.set_faults(["session-expiry=0"])
        response = http.get(sandbox.old.url)
        assert response.status_code == 302
        assert response.headers["location"] == "/Login?returnurl=%2F"

    def test_end_sessions_ends_the_sessions_of_that_moment(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """end_sessions() ends every session started before it (recorded); a login after it
        starts a session that lives on."""
        post_login(http, sandbox.old.url, "host", sandbox.old.password)
        sandbox.end_sessions()
        assert http.get(sandbox.old.url).status_code == 302
        assert [e["kind"] for e in sandbox.state()["history"]].count("sessions_ended") == 1
        post_login(http, sandbox.old.url, "host", sandbox.old.password)
        assert http.get(sandbox.old.url).status_code == 200
        assert http.get(sandbox.old.url).status_code == 200

    def test_pages_slow_delays_pages(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """pages-slow delays each page by at least its value; the page still answers."""
        sandbox.set_faults(["pages-slow=0.3"])
        response = http.get(f"{sandbox.old.url}/Login")
        assert response.status_code == 200
        assert response.elapsed.total_seconds() >= 0.3

    def test_logins_are_in_the_history(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """Logins and failed logins are recorded with the username only."""
        post_login(http, sandbox.old.url, "host", "nope")
        post_login(http, sandbox.old.url, "host", sandbox.old.password)
        events = [(e["kind"], e["server"], e.get("username")) for e in sandbox.state()["history"]]
        assert events[-2:] == [("login_failed", "old", "host"), ("login", "old", "host")]
        assert sandbox.old.password not in str(sandbox.state())


class TestCustomLoginPage:
    def test_served_at_its_path_with_its_module_id_and_the_standard_page_is_gone(
        self, sandbox_factory: Factory, http: httpx.Client
    ) -> None:
        """custom-login=/sign-in:412: the form at /sign-in carries dnn_ctr412_ ids and takes
        dnn$ctr412$ fields; /Login and /?ctl=Login answer 404; the login is recorded with
        the path it was made at."""
        sandbox = sandbox_factory(faults=["custom-login=/sign-in:412"])
        page = http.get(f"{sandbox.old.url}/sign-in").text
        assert 'id="dnn_ctr412_Login_Login_DNN_txtUsername"' in page
        assert "dnn_ctr_Login" not in page
        assert http.get(f"{sandbox.old.url}/Login").status_code == 404
        assert http.get(f"{sandbox.old.url}/?ctl=Login").status_code == 404
        standard = post_login(http, sandbox.old.url, "host", sandbox.old.password)
        assert standard.status_code == 404
        response = http.post(
            f"{sandbox.old.url}/sign-in?returnurl=%2f",
            data={
                "__EVENTTARGET": "dnn$ctr412$Login$Login_DNN$cmdLogin",
                "dnn$ctr412$Login$Login_DNN$txtUsername": "host",
                "dnn$ctr412$Login$Login_DNN$txtPassword": sandbox.old.password,
            },
        )
        assert response.status_code == 302
        last = sandbox.state()["history"][-1]
        assert (last["kind"], last["server"], last["path"]) == ("login", "old", "/sign-in")


@pytest.mark.e2e
class TestLoginPage:
    def test_markup_of_the_dnn_login_module(self, sandbox: Sandbox, page: Page) -> None:
        """The real DNN ids, names, labels, classes and links are there."""
        page.goto(f"{sandbox.old.url}/Login")
        username = page.get_by_label("Username:")
        expect(username).to_have_attribute("id", "dnn_ctr_Login_Login_DNN_txtUsername")
        expect(username).to_have_attribute("name", "dnn$ctr$Login$Login_DNN$txtUsername")
        expect(page.get_by_label("Password:")).to_have_attribute("type", "password")
        link = page.locator("a#dnn_ctr_Login_Login_DNN_cmdLogin")
        expect(link).to_have_text("Login")
        expect(link).to_have_attribute("href", re.compile(r"^javascript:__doPostBack\("))
        expect(link).to_have_class("dnnPrimaryAction dnnLoginPrimaryAction dnnLoginActionLogin")
        expect(page.get_by_label("Remember Login")).to_be_visible()
        expect(page.get_by_role("link", name="Register")).to_be_visible()
        expect(page.get_by_role("link", name="Reset Password")).to_be_visible()

    def test_login_link_logs_in_and_goes_home(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """The login link posts the form; the browser lands on / with the Persona Bar."""
        login(page, sandbox.old)
        frame = page.locator("iframe#personaBar-iframe")
        expect(frame).to_have_attribute(
            "src", f"/DesktopModules/admin/Dnn.PersonaBar/index.html?cdv={BUILD_NUMBER}"
        )
        assert page.evaluate("window.personaBarSettings.isHost") is True

    def test_enter_in_the_password_box_logs_in(self, sandbox: Sandbox, page: Page) -> None:
        """Enter in a text box presses the login link, as in DNN."""
        page.goto(f"{sandbox.new.url}/?ctl=Login&returnurl=%2f")
        page.locator("#dnn_ctr_Login_Login_DNN_txtUsername").fill(sandbox.new.username)
        page.locator("#dnn_ctr_Login_Login_DNN_txtPassword").fill(sandbox.new.password)
        page.locator("#dnn_ctr_Login_Login_DNN_txtPassword").press("Enter")
        page.wait_for_url(f"{sandbox.new.url}/")
        expect(page.locator("iframe#personaBar-iframe")).to_be_attached()

    def test_wrong_password_says_login_failed(self, sandbox: Sandbox, page: Page) -> None:
        """A wrong password stays on the login page with "Login Failed"."""
        page.goto(f"{sandbox.old.url}/Login")
        page.locator("#dnn_ctr_Login_Login_DNN_txtUsername").fill("host")
        page.locator("#dnn_ctr_Login_Login_DNN_txtPassword").fill("wrong")
        page.locator("#dnn_ctr_Login_Login_DNN_cmdLogin").click()
        expect(page.get_by_role("alert")).to_contain_text("Login Failed")
        expect(page.locator("#dnn_ctr_Login_Login_DNN_txtUsername")).to_have_value("host")
        expect(page.locator("#dnn_ctr_Login_Login_DNN_txtPassword")).to_have_value("")


@pytest.mark.e2e
class TestPersonaBar:
    def test_structure_and_the_full_settings_menu(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """The real structure, and the whole Evoq 9.1 Settings list in two columns."""
        login(page, sandbox.old)
        bar = page.frame_locator("#personaBar-iframe")
        expect(
            bar.locator(
                "#personabar-wrap > #personabar.personabar > #topLevelMenu ul.personabarnav"
            )
        ).to_have_count(2)
        for name in ("Content", "Manage", "Settings", "Edit"):
            expect(bar.locator(f"li#{name}.btn_panel")).to_have_attribute(
                "data-hovermenu-id", f"{name}hovermenu"
            )
        columns = bar.locator("#Settingshovermenu ul")
        expect(columns.nth(0).locator("li")).to_have_text(
            [
                "Site Settings",
                "Security",
                "Workflow",
                "S E O",
                "Community",
                "Gamification",
                "Vocabularies",
                "Connectors",
                "Extensions",
            ]
        )
        expect(columns.nth(1).locator("li")).to_have_text(
            [
                "Servers",
                "Import / Export",
                "Scheduler",
                "Custom CSS",
                "SQL Console",
                "Config Manager",
                "About",
                "OnDemand",
            ]
        )
        about = bar.locator('li[id="Dnn.Licensing"]')
        expect(about).to_have_attribute("data-path", "Licensing")
        expect(about).to_have_attribute("data-module-name", "Licensing")
        expect(bar.locator("#Settingshovermenu > label")).to_have_text("Settings")

    def test_hover_menu_hidden_until_hover(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """The Settings menu shows on hover only, and the collapsed bar is 80 px wide."""
        login(page, sandbox.old)
        frame = page.locator("#personaBar-iframe")
        bar = page.frame_locator("#personaBar-iframe")
        expect(bar.locator("#Settings")).to_be_visible()
        expect(bar.locator("#Settingshovermenu")).to_be_hidden()
        box = frame.bounding_box()
        assert box is not None
        assert box["width"] == 80
        hover_settings(page)
        expect(bar.locator("#Settingshovermenu")).to_be_visible()
        expect(bar.locator("#Contenthovermenu")).to_be_hidden()
        bar.locator("#Content").hover()
        expect(bar.locator("#Settingshovermenu")).to_be_hidden()

    def test_clicking_a_top_level_item_opens_its_first_child(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """Clicking Settings itself opens Site Settings, not About."""
        login(page, sandbox.old)
        bar = page.frame_locator("#personaBar-iframe")
        bar.locator("#Settings").click()
        expect(bar.locator("#SiteSettings-panel h3")).to_have_text("Site Settings")
        expect(bar.locator('li[id="Dnn.SiteSettings"]')).to_have_class("selected")
        expect(bar.locator("#Licensing-panel")).to_have_count(0)

    def test_non_host_admin_has_no_about(self, sandbox: Sandbox, page: Page, login: Login) -> None:
        """Only a superuser sees About; an admin still has the rest of Settings."""
        login(page, sandbox.old, username="admin", password=sandbox.old.admin_password)
        bar = page.frame_locator("#personaBar-iframe")
        hover_settings(page)
        expect(bar.get_by_text("Site Settings", exact=True)).to_be_visible()
        expect(bar.locator('li[id="Dnn.Licensing"]')).to_have_count(0)
        expect(bar.get_by_text("About", exact=True)).to_have_count(0)
        assert page.evaluate("window.personaBarSettings.isHost") is False

    def test_panel_width_esc_close_and_reopen(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """An open panel widens the bar; it reopens after a reload; Esc and the Close button close it."""
        login(page, sandbox.old)
        frame = page.locator("#personaBar-iframe")
        bar = page.frame_locator("#personaBar-iframe")
        open_about_by_hand(page)
        expect(bar.locator("#personabar-panels > div.socialpanel#Licensing-panel")).to_be_visible()
        expect(bar.locator('li[id="Dnn.Licensing"]')).to_have_class("selected")
        expect(frame).to_have_css("width", f"{page.viewport_size['width']}px")  # type: ignore[index]
        page.reload()
        expect(bar.locator("#Licensing-panel h3")).to_have_text("About")
        page.keyboard.press("Escape")
        expect(bar.locator("#Licensing-panel")).to_have_count(0)
        expect(frame).to_have_css("width", "80px")
        open_about_by_hand(page)
        bar.get_by_role("button", name="Close").click()
        expect(bar.locator("#Licensing-panel")).to_have_count(0)
        page.reload()
        expect(bar.locator("#Settings")).to_be_visible()
        expect(bar.locator("#Licensing-panel")).to_have_count(0)

    def test_evoq_90_says_licensing(
        self, sandbox_factory: Factory, page: Page, login: Login
    ) -> None:
        """On Evoq 9.0 the item and the page title read "Licensing"."""
        sb = sandbox_factory(evoq_version="9.0")
        login(page, sb.old)
        bar = page.frame_locator("#personaBar-iframe")
        open_about_by_hand(page)
        expect(bar.locator("#Licensing-panel .dnn-persona-bar-page-header h3")).to_have_text(
            "Licensing"
        )

    def test_session_expiry_sends_the_panel_to_login(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """An action after the session ended takes the whole page to /Login."""
        login(page, sandbox.old)
        bar = page.frame_locator("#personaBar-iframe")
        open_about_by_hand(page)
        expect(bar.locator("#Licensing-panel table")).to_be_visible()
        sandbox.set_faults(["session-expiry=0"])
        bar.get_by_role("button", name="[ renew ]").click()
        page.wait_for_url(re.compile(r"/Login\?returnurl="))
        expect(page.locator("#dnn_ctr_Login_Login_DNN_txtUsername")).to_be_visible()
