"""pages.persona_bar against the sandbox: the Settings hover menu, About, closing, reopening."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from dnn_runbook.exceptions import AboutNotAvailableError
from pages import LoginPage, SitePage
from tests.pages.conftest import REPLAYS

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from dnn_runbook.sandbox import Sandbox

pytestmark = pytest.mark.e2e

#: Each test runs on both of the sandbox's front ends and on every capture (see conftest.py).
FRONT_ENDS = ("dnn", "classic", *REPLAYS)

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


def _host(page: Page, sandbox: Sandbox) -> SitePage:
    return (
        LoginPage(page, sandbox.old.url).open().log_in(sandbox.old.username, sandbox.old.password)
    )


class TestPersonaBar:
    def test_open_about_then_close(self, page: Page, sandbox: Sandbox) -> None:
        """Settings lists the Evoq 9.1 menu; About opens the Licensing panel; close closes it."""
        bar = _host(page, sandbox).persona_bar
        assert bar.open_settings_menu() == EVOQ_91_SETTINGS
        assert not bar.is_about_open()
        about = bar.open_about()
        assert bar.is_about_open()
        assert bar.open_panel_path() == "Licensing"
        assert about.title() == "About"
        bar.close_panel()
        assert not bar.is_about_open()
        assert bar.open_panel_path() is None

    def test_the_open_panel_comes_back_after_a_reload(self, page: Page, sandbox: Sandbox) -> None:
        """A panel left open reopens on the next load, and open_about() uses it as it is."""
        _host(page, sandbox).open_about()
        site = SitePage.open(page, sandbox.old.url)
        about = site.open_about()
        assert site.persona_bar.is_about_open()
        assert [row.license_type for row in about.licenses()] == ["Production"]

    def test_a_non_host_admin_has_no_about(self, page: Page, sandbox: Sandbox) -> None:
        """An administrator who is not a superuser gets AboutNotAvailableError, naming the fix."""
        site = (
            LoginPage(page, sandbox.old.url)
            .open()
            .log_in(sandbox.old.admin_username, sandbox.old.admin_password)
        )
        with pytest.raises(AboutNotAvailableError, match="host"):
            site.open_about()
