"""The floor: the seed migration's clicks in plain Playwright, with no runner, no evidence and
no checks.

It does what an administrator does by hand (KB-MIG, ``docs/dnn-ui.md``) and nothing more: log in
to both servers, open Persona Bar > Settings > About on each, add Development on the new
server, remove Production on the old one, add Production on the new one, remove Development
on the new one. Between two actions it waits only for what the next click needs: the table
row that the action adds or removes. No screenshot, no journal, no table read, no interlock.

It knows the sandbox's default front end (DNN's Persona Bar shell and the About panel built
from DNN's React components) as a script written for one site would: the grid's row class, the
order of the form's fields. The browser starts through :mod:`dnn_runbook.browser`, exactly as a
run's does (same binary, same flags), and each server gets its own browser context, as in a
run, so the comparison with ``dnn-runbook run`` measures what the runner adds and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from dnn_runbook.browser import started_browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FrameLocator, Locator, Page

__all__ = ["migrate"]

_LOGIN = "dnn_ctr_Login_Login_DNN"


def _log_in(browser: Browser, url: str, username: str, password: str, timeout_ms: float) -> Page:
    """A new tab logged in to ``url`` with Settings > About open and its content shown."""
    page = browser.new_context().new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(f"{url}/Login")
    page.fill(f"#{_LOGIN}_txtUsername", username)
    page.fill(f"#{_LOGIN}_txtPassword", password)
    with page.expect_navigation():
        page.click(f"#{_LOGIN}_cmdLogin")
    bar = _bar(page)
    # The shell draws its menu once its resource strings have arrived: hover waits for it.
    bar.locator("#topLevelMenu li#Settings").hover()
    bar.locator('li[id="Dnn.Licensing"]').click()
    bar.locator("#Licensing-panel").locator(".license-grid, .licensing-empty").first.wait_for()
    return page


def _bar(page: Page) -> FrameLocator:
    return page.frame_locator("iframe#personaBar-iframe")


def _row(page: Page, license_type: str, invoice: str) -> Locator:
    bar = _bar(page)
    cells = ".dnn-grid-cell"
    return (
        bar.locator("#Licensing-panel .license-grid-row")
        .filter(has=bar.locator(f"{cells}:nth-child(1)", has_text=license_type))
        .filter(has=bar.locator(f"{cells}:nth-child(2)", has_text=invoice))
    )


def _add(page: Page, license_type: str, email: str, invoice: str) -> None:
    panel = _bar(page).locator("#Licensing-panel")
    panel.get_by_role("button", name="Add License").click()
    form = panel.locator(".add-license-box")
    form.locator(".dnn-dropdown .collapsible-label").first.click()
    form.locator("ul.dnn-dropdown-options > li", has_text=license_type).click()
    fields = form.locator("input.dnn-ui-common-single-line-input")
    fields.nth(0).fill(email)
    fields.nth(1).fill(invoice)
    panel.get_by_role("button", name="Automatic Activation").click()
    _row(page, license_type, invoice).wait_for()


def _remove(page: Page, license_type: str, invoice: str) -> None:
    row = _row(page, license_type, invoice)
    row.locator(".license-action").click()
    _bar(page).locator("#confirmation-dialog #confirmbtn").click()
    row.wait_for(state="detached")


def migrate(
    env: Mapping[str, str], *, browser_path: str | None = None, timeout_ms: float = 30_000
) -> None:
    """Move the production license from the old server to the new one.

    ``env`` holds the variables ``runbook.yaml`` reads (``DNN_OLD_URL`` ... ``DNN_LICENSE_INVOICE``),
    as ``Sandbox.env()`` gives them. A click whose effect never shows ends in Playwright's
    ``TimeoutError``; nothing else is checked.
    """
    email, invoice = env["DNN_LICENSE_EMAIL"], env["DNN_LICENSE_INVOICE"]
    with started_browser(browser_path) as (browser, _choice):
        old = _log_in(
            browser,
            env["DNN_OLD_URL"],
            env["DNN_OLD_USERNAME"],
            env["DNN_OLD_PASSWORD"],
            timeout_ms,
        )
        new = _log_in(
            browser,
            env["DNN_NEW_URL"],
            env["DNN_NEW_USERNAME"],
            env["DNN_NEW_PASSWORD"],
            timeout_ms,
        )
        _add(new, "Development", email, invoice)
        _remove(old, "Production", invoice)
        _add(new, "Production", email, invoice)
        _remove(new, "Development", invoice)
