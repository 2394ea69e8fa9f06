"""``pages.skip_animations`` on the sandbox's shell: the Persona Bar's jQuery animations are
off in every document of the bar, the site page is left alone, and the page objects do
everything a run does with them off (a run's sessions always turn them off).

The same is checked on DNN's own shell by ``test_real_shell.py``, which runs each of its
tests with and without animations when given a copy of the shell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pages import LicenseType, LoginPage, OutcomeKind, PersonaBar, skip_animations

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from dnn_runbook.sandbox import Sandbox, ServerInfo

pytestmark = pytest.mark.e2e

_FX_OFF = "() => Boolean(window.jQuery && window.jQuery.fx && window.jQuery.fx.off)"
#: Records, in the bar's document, every ``left`` the About panel is given from now on.
_WATCH_POSITIONS = """() => {
  window.__positions = [];
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.target.id === 'Licensing-panel' && change.target.style.left) {
        window.__positions.push(change.target.style.left);
      }
    }
  }).observe(document.querySelector('#personabar-panels'),
             { attributes: true, attributeFilter: ['style'], subtree: true });
}"""


def _bar_fx_off(page: Page) -> bool:
    return bool(page.frame_locator("iframe#personaBar-iframe").locator("body").evaluate(_FX_OFF))


def _log_in(page: Page, sandbox: Sandbox, server: ServerInfo | None = None) -> PersonaBar:
    server = server or sandbox.old
    site = LoginPage(page, server.url).open().log_in(server.username, server.password)
    return site.persona_bar.wait_until_ready()


class TestTheSwitch:
    def test_the_bar_animates_unless_told_not_to(self, page: Page, sandbox: Sandbox) -> None:
        """Without skip_animations the bar's jQuery animates: the check below can fail."""
        _log_in(page, sandbox)
        assert not _bar_fx_off(page)

    def test_off_in_the_bar_and_only_there(self, page: Page, sandbox: Sandbox) -> None:
        """The bar's jQuery animates nothing; the site page's own jQuery is untouched."""
        skip_animations(page.context)
        _log_in(page, sandbox)
        assert _bar_fx_off(page)
        assert page.evaluate("() => typeof window.jQuery") == "function"
        assert not page.evaluate(_FX_OFF)

    def test_off_again_in_a_reloaded_bar(self, page: Page, sandbox: Sandbox) -> None:
        """A reloaded bar is a new document with a new jQuery: off there too."""
        skip_animations(page)
        bar = _log_in(page, sandbox)
        bar.open_about()
        assert bar.reload()
        assert _bar_fx_off(page)
        bar.open_about(just_loaded=True)
        assert _bar_fx_off(page)

    def test_the_panel_jumps_into_place(self, browser: Browser, sandbox: Sandbox) -> None:
        """Every position the About panel takes while it opens, as the page sets them: with
        animations the slide passes through the positions between off-screen and its place;
        without, it goes from one to the other in one step."""
        seen = {}
        for skipped in (False, True):
            context = browser.new_context()
            if skipped:
                skip_animations(context)
            page = context.new_page()
            # One server each: the other's bar would reopen the panel its last login left open.
            bar = _log_in(page, sandbox, sandbox.new if skipped else sandbox.old)
            frame = page.frame_locator("iframe#personaBar-iframe")
            frame.locator("body").evaluate(_WATCH_POSITIONS)
            bar.open_about()
            seen[skipped] = frame.locator("body").evaluate("() => window.__positions")
            context.close()
        assert seen[False][-1] == seen[True][-1] == "80px"
        assert len(set(seen[False])) > 3, seen[False]
        assert set(seen[True]) <= {"-860px", "80px"}, seen[True]


class TestPageObjectsWithoutAnimations:
    def test_add_then_remove_with_fresh_reads(self, page: Page, sandbox: Sandbox) -> None:
        """Development added, the table read again through a reload of the bar, Production
        removed after a second reload: what a run does, animations off."""
        skip_animations(page.context)
        new = sandbox.new
        site = LoginPage(page, new.url).open().log_in(new.username, new.password)
        about = site.open_about()
        outcome = (
            about.add_license()
            .fill(
                license_type=LicenseType.DEVELOPMENT,
                account_email=sandbox.license_email,
                invoice_number=sandbox.license_invoice,
            )
            .activate_automatically()
        )
        assert outcome.kind is OutcomeKind.ACTIVATED, outcome.message
        assert site.persona_bar.reload()
        about = site.open_about(just_loaded=True)
        assert [row.license_type for row in about.licenses()] == ["Development"]

        old_page = page.context.new_page()
        old = sandbox.old
        old_site = LoginPage(old_page, old.url).open().log_in(old.username, old.password)
        old_about = old_site.open_about()
        production = old_about.find_license(license_type=LicenseType.PRODUCTION)
        assert production is not None
        assert old_about.remove_license(production).kind is OutcomeKind.DELETED
        assert old_site.persona_bar.reload()
        assert old_site.open_about(just_loaded=True).licenses() == []

    def test_close_and_reopen(self, page: Page, sandbox: Sandbox) -> None:
        """Closing About and opening it again at once, several times, animations off."""
        skip_animations(page.context)
        bar = _log_in(page, sandbox)
        for _ in range(3):
            assert bar.open_about().licenses()[0].license_type == "Production"
            bar.close_panel()
            assert not bar.is_about_open()
