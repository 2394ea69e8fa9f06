"""pages.persona_bar on the sandbox's default front end, DNN's own shell: a menu drawn late,
hover menus that fade in, panels that animate and drop clicks meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from dnn_runbook.exceptions import AboutNotAvailableError, PageTimeoutError
from pages import LoginPage, SitePage

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from dnn_runbook.sandbox import Sandbox

pytestmark = pytest.mark.e2e


def _host(page: Page, sandbox: Sandbox) -> SitePage:
    return (
        LoginPage(page, sandbox.old.url).open().log_in(sandbox.old.username, sandbox.old.password)
    )


class TestSlowShell:
    """DNN's shell draws its menu late, animates its panels and drops clicks meanwhile."""

    @pytest.mark.slow
    def test_fresh_loads_in_a_row_with_slow_apis(
        self, page: Page, sandbox_factory: Callable[..., Sandbox]
    ) -> None:
        """With every API call 0.4 s late, 8 page loads in a row each open Settings > About
        through the menu (View Site forgets the panel, so none is reopened for us)."""
        sandbox = sandbox_factory(faults=["api-slow=0.4"])
        _host(page, sandbox)
        for _ in range(8):
            site = SitePage.open(page, sandbox.old.url)
            about = site.open_about()
            assert about.title() == "About"
            assert [row.license_type for row in about.licenses()] == ["Production"]
            site.persona_bar.close_panel()
            assert not site.persona_bar.is_about_open()

    @pytest.mark.slow
    def test_close_then_reopen_in_a_row(self, page: Page, sandbox: Sandbox) -> None:
        """Closing About and opening it again right away works 10 times in a row."""
        bar = _host(page, sandbox).persona_bar
        for _ in range(10):
            about = bar.open_about()
            assert bar.is_about_open()
            assert about.licenses()[0].license_type == "Production"
            bar.close_panel()
            assert not bar.is_about_open()

    def test_a_menu_never_drawn_is_not_called_a_non_host(
        self, page: Page, sandbox_factory: Callable[..., Sandbox]
    ) -> None:
        """When the menu does not come in time the error says so, and blames no account."""
        sandbox = sandbox_factory(faults=["api-slow=5"])
        # The login keeps the default timeout: only the wait for the menu is short, so that a
        # loaded machine slowing the login down does not time out the wrong wait.
        LoginPage(page, sandbox.old.url).open().log_in(sandbox.old.username, sandbox.old.password)
        site = SitePage(page, sandbox.old.url, timeout_ms=1500)
        with pytest.raises(PageTimeoutError, match="drew no menu") as caught:
            site.open_about()
        assert "host" not in str(caught.value)

    def test_a_late_menu_without_about_names_the_missing_item(
        self, page: Page, sandbox_factory: Callable[..., Sandbox]
    ) -> None:
        """A non-host admin, with the menu drawn late: 'no About item', once it has been drawn."""
        sandbox = sandbox_factory(faults=["api-slow=0.4"])
        site = (
            LoginPage(page, sandbox.old.url)
            .open()
            .log_in(sandbox.old.admin_username, sandbox.old.admin_password)
        )
        with pytest.raises(AboutNotAvailableError, match="has no About item"):
            site.open_about()
