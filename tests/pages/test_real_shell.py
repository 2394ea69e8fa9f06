"""The page objects on DNN's own Persona Bar shell, served from a folder the user supplies.

Opt-in: set ``DNN_RUNBOOK_PERSONA_BAR_DIR`` to a copy of ``DesktopModules/admin/Dnn.PersonaBar/``
from a DNN install (``index.html``, ``scripts/``, ``css/``, ...) and the sandbox serves that
shell instead of its own (``Sandbox.start(persona_bar_dir=...)``), with the sandbox's About
panel loaded into it as a module. Every test runs twice: with the shell's animations, as a
person sees them, and with them turned off (``pages.skip_animations``), as a run sees them. Nothing of DNN's is in this repository, so CI, which has no
such folder, skips this module; see the README's "Your own Persona Bar shell".
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dnn_runbook.exceptions import AboutNotAvailableError
from pages import LicenseType, LoginPage, OutcomeKind, SitePage, skip_animations

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from dnn_runbook.sandbox import Sandbox, ServerInfo
    from pages import AboutPage

ENV = "DNN_RUNBOOK_PERSONA_BAR_DIR"
_DIR = os.environ.get(ENV, "")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not _DIR,
        reason=(
            f"{ENV} is not set: set it to a copy of DesktopModules/admin/Dnn.PersonaBar from a "
            "DNN install to run the page objects on DNN's own Persona Bar shell (README, "
            "'Your own Persona Bar shell')"
        ),
    ),
]

#: The Settings menu of Evoq 9.1 (scr-pbar-host-Settings-E91.png), both columns in order.
EVOQ_91_SETTINGS = [
    "Site Settings",
    "Security",
    "Workflow",
    "S E O",
    "Community",
    "Gamification",
    "Vocabularies",
    "Connectors",
    "Extensions",
    "Servers",
    "Import / Export",
    "Scheduler",
    "Custom CSS",
    "SQL Console",
    "Config Manager",
    "About",
    "OnDemand",
]


@pytest.fixture(autouse=True, params=["animated", "no-animations"])
def animations(request: pytest.FixtureRequest, page: Page) -> str:
    """Each test with the shell's jQuery animations, then without them, in ``page``'s
    context (tabs the test opens there too)."""
    if request.param == "no-animations":
        skip_animations(page.context)
    return str(request.param)


@pytest.fixture
def real_shell(sandbox_factory: Callable[..., Sandbox]) -> Callable[..., Sandbox]:
    """Sandboxes that serve the Persona Bar folder named by the environment."""
    return functools.partial(sandbox_factory, persona_bar_dir=Path(_DIR))


def _log_in(page: Page, server: ServerInfo) -> SitePage:
    return LoginPage(page, server.url).open().log_in(server.username, server.password)


def _about(page: Page, server: ServerInfo) -> AboutPage:
    return _log_in(page, server).open_about()


class TestPersonaBar:
    def test_the_shell_is_the_folders(self, page: Page, real_shell: Callable[..., Sandbox]) -> None:
        """The bar's document is the folder's index.html, not the sandbox's own shell."""
        sandbox = real_shell()
        _log_in(page, sandbox.old).persona_bar.wait_until_ready()
        frame = page.frame_locator("iframe#personaBar-iframe")
        scripts = frame.locator("script[src]").evaluate_all("(s) => s.map((e) => e.src)")
        assert not any("scripts/shell.js" in src for src in scripts), scripts
        assert any("require.js" in src for src in scripts), scripts

    def test_the_shells_own_jquery_is_the_one_turned_off(
        self, page: Page, real_shell: Callable[..., Sandbox], animations: str
    ) -> None:
        """DNN's shell loads jQuery through RequireJS, which sets window.jQuery in the bar's
        document: skip_animations turns that jQuery's animations off, and nothing else."""
        sandbox = real_shell()
        _log_in(page, sandbox.old).persona_bar.wait_until_ready()
        bar = page.frame_locator("iframe#personaBar-iframe").locator("body")
        fx_off = "() => Boolean(window.jQuery && window.jQuery.fx.off)"
        assert bar.evaluate("() => typeof window.jQuery") == "function"
        assert bar.evaluate(fx_off) is (animations == "no-animations")
        assert page.evaluate(fx_off) is False, "the site page around the bar is left alone"

    def test_settings_menu_then_about_then_close(
        self, page: Page, real_shell: Callable[..., Sandbox]
    ) -> None:
        """The Settings hover menu lists Evoq 9.1's items; About opens and reads; it closes."""
        sandbox = real_shell()
        bar = _log_in(page, sandbox.old).persona_bar
        assert bar.open_settings_menu() == EVOQ_91_SETTINGS
        about = bar.open_about()
        assert bar.open_panel_path() == "Licensing"
        assert about.title() == "About"
        assert [(row.license_type, row.web_server, row.activated) for row in about.licenses()] == [
            ("Production", sandbox.old.server_name, True)
        ]
        bar.close_panel()
        assert not bar.is_about_open()

    def test_fresh_loads_with_slow_apis(
        self, page: Page, real_shell: Callable[..., Sandbox]
    ) -> None:
        """With every API call 0.4 s late, each of several page loads opens About through the
        menu (View Site forgets the panel, so none is reopened by the bar)."""
        sandbox = real_shell(faults=["api-slow=0.4"])
        _log_in(page, sandbox.old)
        for _ in range(5):
            site = SitePage.open(page, sandbox.old.url)
            about = site.open_about()
            assert [row.license_type for row in about.licenses()] == ["Production"]
            site.persona_bar.close_panel()
            assert not site.persona_bar.is_about_open()

    def test_close_then_reopen(self, page: Page, real_shell: Callable[..., Sandbox]) -> None:
        """Closing About and opening it again at once works several times in a row."""
        sandbox = real_shell()
        bar = _log_in(page, sandbox.old).persona_bar
        for _ in range(5):
            about = bar.open_about()
            assert about.licenses()[0].license_type == "Production"
            bar.close_panel()
            assert not bar.is_about_open()

    def test_the_open_panel_comes_back_after_a_reload(
        self, page: Page, real_shell: Callable[..., Sandbox]
    ) -> None:
        """About left open reopens on the next page load, and on a reload of the bar alone."""
        sandbox = real_shell(faults=["api-slow=0.4"])
        _about(page, sandbox.old)
        site = SitePage.open(page, sandbox.old.url)
        assert [row.license_type for row in site.open_about().licenses()] == ["Production"]
        assert site.persona_bar.reload()
        assert [row.license_type for row in site.open_about().licenses()] == ["Production"]

    def test_a_non_host_admin_has_no_about(
        self, page: Page, real_shell: Callable[..., Sandbox]
    ) -> None:
        """An administrator who is not a host: 'no About item', once the late menu is drawn."""
        sandbox = real_shell(faults=["api-slow=0.4"])
        old = sandbox.old
        site = LoginPage(page, old.url).open().log_in(old.admin_username, old.admin_password)
        with pytest.raises(AboutNotAvailableError, match="has no About item"):
            site.open_about()


class TestLicenses:
    def test_add_development_then_remove_production(
        self, page: Page, real_shell: Callable[..., Sandbox]
    ) -> None:
        """Development on the new server, then Production removed from the old one."""
        sandbox = real_shell()
        new = _about(page, sandbox.new)
        outcome = (
            new.add_license()
            .fill(
                license_type=LicenseType.DEVELOPMENT,
                account_email=sandbox.license_email,
                invoice_number=sandbox.license_invoice,
            )
            .activate_automatically()
        )
        assert outcome.kind is OutcomeKind.ACTIVATED, outcome.message
        row = new.find_license(license_type="Development")
        assert row is not None
        assert row.activated

        old = _about(page.context.new_page(), sandbox.old)
        production = old.find_license(license_type="Production")
        assert production is not None
        removal = old.remove_license(production)
        assert removal.kind is OutcomeKind.DELETED, removal.message
        assert old.licenses() == []
        assert old.empty_state_text() is not None

    def test_cancelled_removal_keeps_the_license(
        self, page: Page, real_shell: Callable[..., Sandbox]
    ) -> None:
        """No in the confirmation dialog: nothing removed."""
        sandbox = real_shell()
        about = _about(page, sandbox.old)
        production = about.find_license(license_type="Production")
        assert production is not None
        about.start_removal(production).cancel()
        assert about.licenses() == [production]

    def test_removal_without_the_licensing_service(
        self, page: Page, real_shell: Callable[..., Sandbox]
    ) -> None:
        """The page-load notice shows, and a removal reports the activation lost."""
        sandbox = real_shell(faults=["licensing-down:old"])
        about = _about(page, sandbox.old)
        notice = about.licensing_notice()
        assert notice is not None
        assert notice.kind is OutcomeKind.LICENSING_UNREACHABLE
        production = about.find_license(license_type="Production")
        assert production is not None
        assert about.remove_license(production).kind is OutcomeKind.DELETED_ACTIVATION_LOST

    def test_manual_activation(self, page: Page, real_shell: Callable[..., Sandbox]) -> None:
        """Server ID, the request page's key, ACTIVATED, back to the table."""
        sandbox = real_shell(faults=["licensing-down:new"])
        manual = (
            _about(page, sandbox.new)
            .add_license()
            .fill(
                license_type="Development",
                account_email=sandbox.license_email,
                invoice_number=sandbox.license_invoice,
            )
            .start_manual_activation()
        )
        server_id = manual.server_id()
        assert server_id == sandbox.new.server_id
        request = manual.open_request_page()
        key = request.generate_key(
            server_id,
            invoice_number=sandbox.license_invoice,
            account_email=sandbox.license_email,
            license_type="Development",
        )
        request.page.close()
        assert manual.submit_activation_key(key).kind is OutcomeKind.ACTIVATED
        row = manual.back_to_licensing().find_license(license_type="Development")
        assert row is not None
        assert row.activated
