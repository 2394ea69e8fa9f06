"""The default front end in Chromium and over HTTP: DNN's Persona Bar as a real site serves it.

What is checked here is what a page object meets on a real Evoq site (``docs/dnn-ui.md``): the
site page's ``PersonaBarContainer`` settings, a menu drawn only once the resource strings have
arrived, hover menus, panels that animate, close by View Site, the mask or Escape, and stay in
the page hidden with their old content, the open panel remembered per user on the server, and
the About panel built from DNN's React components (no ``<select>``, labels bound to nothing,
a grid of ``div.dnn-grid-cell`` with icon-only controls).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import FrameLocator, Page, expect

from dnn_runbook.sandbox import Sandbox
from dnn_runbook.sandbox.paths import PERSONA_BAR
from tests.sandbox.menu import hover_settings, open_about_by_hand

Login = Callable[..., None]
Factory = Callable[..., Sandbox]

LOGIN_TARGET = "dnn$ctr$Login$Login_DNN$cmdLogin"


def http_login(http: httpx.Client, url: str, username: str, password: str) -> None:
    response = http.post(
        f"{url}/Login?returnurl=%2f",
        data={
            "__EVENTTARGET": LOGIN_TARGET,
            "dnn$ctr$Login$Login_DNN$txtUsername": username,
            "dnn$ctr$Login$Login_DNN$txtPassword": password,
        },
    )
    assert response.status_code == 302


def bar_of(page: Page) -> FrameLocator:
    return page.frame_locator("#personaBar-iframe")


def open_about(page: Page) -> FrameLocator:
    """Hover Settings and click About as a person does, waiting for the list."""
    bar = bar_of(page)
    bar.locator("#topLevelMenu li.btn_panel").first.wait_for(state="attached")
    open_about_by_hand(page)
    bar.locator(
        "#Licensing-panel .dnn-grid-cell, #Licensing-panel .licensing-empty"
    ).first.wait_for()
    return bar


class TestOverHttp:
    def test_the_site_page_carries_persona_bar_container(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """personaBarSettings has DNN's keys, the page has dnn.getVar and a request token."""
        http_login(http, sandbox.old.url, "host", sandbox.old.password)
        page = http.get(sandbox.old.url).text
        for piece in (
            'iframe id="personaBar-iframe"',
            'name="__RequestVerificationToken"',
            "sf_tabId",
            '"menuStructure"',
            '"userSettings"',
            '"isHost": true',
            '"buildNumber": "207"',
        ):
            assert piece in page

    def test_the_document_is_static_and_the_api_needs_a_session(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """index.html is served without a session (a static file on IIS); GetTable is not."""
        document = http.get(f"{sandbox.old.url}{PERSONA_BAR}/index.html")
        assert document.status_code == 200
        assert 'id="personabar"' in document.text
        assert 'id="showsite"' in document.text
        table = f"{sandbox.old.url}/API/PersonaBar/Localization/GetTable?culture=en-US"
        assert http.get(table).status_code == 401
        http_login(http, sandbox.old.url, "host", sandbox.old.password)
        strings = http.get(table).json()
        assert strings["PersonaBar"]["nav_Site"] == "View Site"
        assert strings["Licensing"]["nav_Licensing"] == "About"

    def test_api_routes_ignore_letter_case(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """DNN's scripts call API/personaBar/...: routes match in any case, as on ASP.NET."""
        http_login(http, sandbox.old.url, "host", sandbox.old.password)
        assert (
            http.get(f"{sandbox.old.url}/api/personabar/localization/gettable").status_code == 200
        )
        assert (
            http.get(f"{sandbox.old.url}/API/PERSONABAR/LICENSING/GETLICENSES").status_code == 200
        )

    def test_user_settings_are_kept_per_user(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """UpdateUserSettings stores the open panel for that user; the next page publishes it."""
        http_login(http, sandbox.old.url, "host", sandbox.old.password)
        url = f"{sandbox.old.url}/API/PersonaBar/UserSettings/UpdateUserSettings"
        saved = http.post(
            url, json={"expandPersonaBar": True, "activeIdentifier": "Dnn.Licensing", "x": 1}
        ).json()
        assert saved == {"expandPersonaBar": True, "activeIdentifier": "Dnn.Licensing"}
        assert '"activeIdentifier": "Dnn.Licensing"' in http.get(sandbox.old.url).text
        with httpx.Client(trust_env=False) as other:
            http_login(other, sandbox.old.url, "admin", sandbox.old.admin_password)
            assert '"activeIdentifier"' not in other.get(sandbox.old.url).text

    def test_placeholder_modules_for_the_other_panels(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """Panels the sandbox does not build are modules that show their title."""
        base = f"{sandbox.old.url}{PERSONA_BAR}/modules/Dnn.SiteSettings"
        assert "Site Settings" in http.get(f"{base}/SiteSettings.html").text
        assert "define(" in http.get(f"{base}/scripts/SiteSettings.js").text
        assert http.get(f"{base}/NoSuchPanel.html").status_code == 404
        licensing = f"{sandbox.old.url}{PERSONA_BAR}/modules/dnn.licensing/scripts/Licensing.js"
        assert "loadBundleScript" in http.get(licensing).text
        escape = f"{sandbox.old.url}{PERSONA_BAR}/modules/Dnn.Licensing/..%2f..%2fsite.css"
        assert http.get(escape).status_code == 404


@pytest.mark.e2e
class TestShell:
    def test_the_menu_is_drawn_only_when_the_strings_arrive(
        self, sandbox_factory: Factory, page: Page, login: Login
    ) -> None:
        """With api-slow, the bar shows while its menu is still empty; then the menu comes."""
        # Strings 6 s late: a loaded machine can take more than a second to show the bar, and
        # the empty menu must still be there when it has.
        sb = sandbox_factory(faults=["api-slow=6"])
        login(page, sb.old)
        bar = bar_of(page)
        expect(bar.locator("#personabar")).to_be_visible()
        assert bar.locator("#topLevelMenu li.btn_panel").count() == 0
        expect(bar.locator("li#Settings.btn_panel")).to_be_attached(timeout=30_000)

    def test_structure_and_the_full_settings_menu(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """DNN's structure, and the whole Evoq 9.1 Settings list in two columns, About second."""
        login(page, sandbox.old)
        bar = bar_of(page)
        settings = bar.locator("#personabar-wrap #topLevelMenu ul.personabarnav > li#Settings")
        expect(settings).to_have_class("btn_panel  two-columns-menu")
        expect(settings).to_have_attribute("data-hovermenu-id", "Settingshovermenu")
        expect(settings).to_have_attribute("aria-haspopup", "true")
        columns = bar.locator("#Settingshovermenu > ul")
        expect(columns).to_have_count(2)
        expect(columns.nth(0).locator("li")).to_have_count(9)
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

    def test_hover_widens_the_iframe_and_shows_the_menu(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """Collapsed the bar is 80 px; hovering Settings widens it and shows its menu."""
        login(page, sandbox.old)
        frame = page.locator("#personaBar-iframe")
        bar = bar_of(page)
        expect(bar.locator("li#Settings")).to_be_attached()
        expect(frame).to_have_css("width", "80px")
        expect(bar.locator("#Settingshovermenu")).to_be_hidden()
        hover_settings(page)
        expect(bar.locator("#Settingshovermenu")).to_be_visible()
        expect(frame).to_have_css("width", f"{page.viewport_size['width']}px")  # type: ignore[index]
        expect(bar.locator("li#Settings")).to_have_attribute("aria-expanded", "true")

    def test_clicking_settings_itself_opens_site_settings(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """A top-level item opens its first child: Settings opens Site Settings, not About."""
        login(page, sandbox.old)
        bar = bar_of(page)
        bar.locator("li#Settings").click()
        expect(bar.locator("#SiteSettings-panel h3")).to_have_text("Site Settings")
        expect(bar.locator("#Licensing-panel")).to_have_count(0)

    def test_non_host_admin_has_no_about(self, sandbox: Sandbox, page: Page, login: Login) -> None:
        """An admin's Settings menu lacks About (and the other host-only items)."""
        login(page, sandbox.old, username="admin", password=sandbox.old.admin_password)
        bar = bar_of(page)
        expect(bar.locator("li#Settings")).to_be_attached()
        expect(bar.locator('li[id="Dnn.Licensing"]')).to_have_count(0)
        expect(bar.locator("#Settingshovermenu li").first).to_be_attached()

    def test_view_site_closes_and_forgets_escape_keeps(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """The open panel reopens after a reload (remembered on the server); Escape keeps that,
        View Site forgets it; a closed panel stays in the page, hidden."""
        login(page, sandbox.old)
        frame = page.locator("#personaBar-iframe")
        bar = open_about(page)
        expect(frame).to_have_css("width", f"{page.viewport_size['width']}px")  # type: ignore[index]
        page.reload()
        expect(bar.locator("#Licensing-panel h3")).to_have_text("About")
        expect(bar.locator("li#showsite")).to_be_visible()
        # Escape is listened for inside the bar's document: a click there gives it the focus.
        bar.locator("#Licensing-panel h3").click()
        page.keyboard.press("Escape")
        expect(bar.locator("#Licensing-panel")).to_be_hidden()
        expect(bar.locator("#Licensing-panel")).to_have_count(1)
        expect(frame).to_have_css("width", "80px")
        page.reload()
        expect(bar.locator("#Licensing-panel h3")).to_have_text("About")
        expect(bar.locator("li#showsite")).to_be_visible()
        bar.locator("li#showsite").click()
        expect(bar.locator("#Licensing-panel")).to_be_hidden()
        expect(bar.locator(".socialmask")).to_be_hidden()
        page.reload()
        expect(bar.locator("li#Settings")).to_be_attached()
        expect(bar.locator("#Licensing-panel")).to_have_count(0)

    def test_the_placeholder_shows_once_the_panel_has_slid_in(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """DNN's .socialpanel-placeholder, a box behind the panel, shows at the end of the
        slide and hides as the panel closes; until it shows, View Site closes nothing."""
        login(page, sandbox.old)
        bar = bar_of(page)
        placeholder = bar.locator(".socialpanel-placeholder")
        bar.locator("#topLevelMenu li.btn_panel").first.wait_for(state="attached")
        expect(placeholder).to_be_hidden()
        open_about(page)
        expect(placeholder).to_be_visible()
        box = placeholder.bounding_box()
        assert box is not None
        assert (box["x"], box["width"]) == (80, 861)
        bar.locator("li#showsite").click()
        expect(bar.locator("#Licensing-panel")).to_be_hidden()
        expect(placeholder).to_be_hidden()

    def test_a_reopened_panel_shows_its_old_content_then_fetches(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """Reopening About shows what it showed before, then the list fetched again."""
        login(page, sandbox.old)
        bar = open_about(page)
        expect(bar.locator("#Licensing-panel .license-grid-row")).to_have_count(1)
        bar.locator("li#showsite").click()
        expect(bar.locator("#Licensing-panel")).to_be_hidden()
        # The mask fades out after the panel has gone; until then no hover menu can show.
        expect(bar.locator(".socialmask")).to_be_hidden()
        with httpx.Client(trust_env=False) as http:
            http_login(http, sandbox.old.url, "host", sandbox.old.password)
            api = f"{sandbox.old.url}/API/PersonaBar/Licensing"
            (row,) = http.get(f"{api}/GetLicenses").json()["licenses"]
            assert http.post(f"{api}/DeleteLicense", json={"id": row["id"]}).json()["success"]
        sandbox.set_faults(["api-slow=6"])
        open_about_by_hand(page)
        expect(bar.locator("#Licensing-panel")).to_be_visible()
        # The row of before, while the list is fetched again (6 s away, room for a loaded
        # machine to show the panel first)...
        assert bar.locator("#Licensing-panel .license-grid-row").count() == 1
        # ...then what the server holds now.
        expect(bar.locator("#Licensing-panel .licensing-empty")).to_be_visible(timeout=30_000)
        expect(bar.locator("#Licensing-panel .license-grid-row")).to_have_count(0)


@pytest.mark.e2e
class TestAboutPanel:
    def test_built_from_dnn_components(self, sandbox: Sandbox, page: Page, login: Login) -> None:
        """Header, grid cells, an icon check mark, an icon trash can, [ renew ] without href."""
        login(page, sandbox.old)
        bar = open_about(page)
        panel = bar.locator("#Licensing-panel")
        expect(panel.locator(".dnn-persona-bar-page-header h3")).to_have_text("About")
        header_button = panel.locator(".dnn-persona-bar-page-header button.dnn-ui-common-button")
        expect(header_button).to_have_attribute("role", "primary")
        expect(panel.locator("table, [role=table], [role=grid]")).to_have_count(0)
        cells = panel.locator(".license-grid-row .dnn-grid-cell")
        expect(cells.nth(0)).to_have_text("Production")
        expect(cells.nth(3).locator("svg")).to_be_visible()
        expect(cells.nth(3)).to_have_text("")
        renew = cells.nth(5).locator("a")
        expect(renew).to_have_text("[ renew ]")
        assert renew.get_attribute("href") is None
        trash = cells.nth(6).locator("svg")
        expect(trash).to_be_visible()
        assert cells.nth(6).inner_text().strip() == ""
        assert panel.locator("[aria-label=Remove], [title=Remove]").count() == 0

    def test_the_form_has_no_select_and_unbound_labels(
        self, sandbox: Sandbox, page: Page, login: Login
    ) -> None:
        """DNN drop-downs instead of <select>; labels bound to nothing; inputs named Content."""
        login(page, sandbox.new)
        bar = open_about(page)
        panel = bar.locator("#Licensing-panel")
        panel.get_by_role("button", name="Add License").click()
        expect(panel.locator(".dnn-dropdown")).to_have_count(2)
        assert panel.locator("select, [role=combobox], [role=listbox]").count() == 0
        labels = panel.locator(".dnn-label > label")
        expect(labels).to_have_text(
            ["License Type", "Account Email*", "Web Server", "Invoice Number*"]
        )
        for index in range(4):
            assert labels.nth(index).get_attribute("for") is None
        inputs = panel.locator("input.dnn-ui-common-single-line-input")
        expect(inputs).to_have_count(2)
        expect(inputs.first).to_have_attribute("aria-label", "Content")
        dropdown = panel.locator(".dnn-dropdown").first
        expect(dropdown.locator(".collapsible-label")).to_have_text("Production")
        dropdown.locator(".collapsible-label").click()
        expect(dropdown.locator("ul.dnn-dropdown-options > li")).to_have_text(
            ["Production", "Staging", "Failover", "Test", "Development"]
        )

    def test_evoq_90_says_licensing(
        self, sandbox_factory: Factory, page: Page, login: Login
    ) -> None:
        """On Evoq 9.0 the menu item and the page title read "Licensing"."""
        sb = sandbox_factory(evoq_version="9.0")
        login(page, sb.old)
        bar = bar_of(page)
        open_about_by_hand(page)
        expect(bar.locator("#Licensing-panel .dnn-persona-bar-page-header h3")).to_have_text(
            "Licensing"
        )


@pytest.mark.e2e
def test_settings_in_the_browser(sandbox: Sandbox, page: Page, login: Login) -> None:
    """window.personaBarSettings in the browser: DNN's keys, the menu in MenuItem's shape."""
    login(page, sandbox.old)
    settings: dict[str, Any] = page.evaluate("window.personaBarSettings")
    assert {"buildNumber", "userSettings", "menuStructure", "isHost", "culture"} <= set(settings)
    top = settings["menuStructure"]["MenuItems"][2]
    assert top["Identifier"] == "Settings"
    assert top["Path"] == ""
    assert {"ModuleName", "FolderName", "DisplayName", "Children"} <= set(top)
    assert page.evaluate("dnn.getVar('sf_siteRoot')") == "/"
    # As on every DNN page: DNN's shell calls the page's own jQuery once it has shown.
    assert page.evaluate("typeof window.jQuery === 'function' && window.$ === window.jQuery")
