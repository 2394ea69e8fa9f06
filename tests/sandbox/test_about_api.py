"""The classic front end's Settings > About in real Chromium: the table, Add License, Remove,
renew, Manual Activation.

Each message of the license page (``docs/dnn-ui.md``, "Messages") is produced here the way an
admin would meet it. The default front end, built from DNN's components, is driven through
the page objects in ``tests/pages/``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import FrameLocator, Locator, Page, expect

from dnn_runbook.sandbox import Sandbox, ServerInfo
from dnn_runbook.sandbox import messages as texts

pytestmark = pytest.mark.e2e

OpenAbout = Callable[[Page, ServerInfo], FrameLocator]
Factory = Callable[..., Sandbox]


@pytest.fixture
def sandbox_factory(sandbox_factory: Factory) -> Factory:
    """This module tests the classic front end: every sandbox here starts with ``ui="classic"``."""
    return functools.partial(sandbox_factory, ui="classic")


@pytest.fixture
def sandbox(sandbox_factory: Factory) -> Sandbox:
    """A fresh sandbox with the classic front end."""
    return sandbox_factory()


def notification(bar: FrameLocator) -> Locator:
    return bar.locator("#notification-message")


def add_license(
    bar: FrameLocator, license_type: str, email: str, invoice: str, *, button: str = "Automatic"
) -> None:
    """Open the form (if closed), fill it and press an activation button."""
    panel = bar.locator("#Licensing-panel")
    if not panel.get_by_label(re.compile("^Account Email")).is_visible():
        panel.locator("button", has_text="Add License").click()
    panel.get_by_label("License Type").select_option(license_type)
    panel.get_by_label(re.compile("^Account Email")).fill(email)
    panel.get_by_label(re.compile("^Invoice Number")).fill(invoice)
    panel.get_by_role("button", name=f"{button} Activation").click()


def rows(bar: FrameLocator) -> Locator:
    return bar.locator("#Licensing-panel table tbody tr")


def expect_error(bar: FrameLocator, text: str) -> None:
    """The notification is an error with ``text`` that stays until OK is pressed."""
    expect(notification(bar)).to_have_text(text)
    expect(bar.locator("#notification-dialog")).to_have_class(re.compile(r"\berrorMessage\b"))
    bar.locator("button#close-notification").click()
    expect(bar.locator("#notification-dialog")).to_be_hidden()


class TestTable:
    def test_columns_row_and_check_mark(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """Five titled columns and two empty ones; the row reads like the screenshot."""
        bar = open_about(page, sandbox.old)
        panel = bar.locator("#Licensing-panel")
        expect(
            panel.locator(
                "div.dnn-persona-bar-page > div.dnn-persona-bar-page-header > span.title > h3"
            )
        ).to_have_text("About")
        expect(panel.locator("thead th")).to_have_text(
            ["LICENSE TYPE", "INVOICE NUMBER", "WEB SERVER", "ACTIVATED", "EXPIRES", "", ""]
        )
        expires = date.fromisoformat(sandbox.state()["servers"]["old"]["licenses"][0]["expires"])
        cells = rows(bar).first.locator("td")
        expect(cells).to_have_text(
            ["Production", "INV001-1", "WEB-OLD", "✓", texts.format_date(expires), "[ renew ]", ""]
        )
        expect(cells.nth(3).get_by_label("Activated")).to_have_attribute("title", "Activated")
        remove = rows(bar).first.get_by_role("button", name="Remove")
        expect(remove).to_have_attribute("title", "Remove")
        expect(remove.locator("svg")).to_have_count(1)
        add = panel.locator(".dnn-persona-bar-page-header button", has_text="Add License")
        expect(add).to_have_class("dnn-ui-common-button")
        expect(add).to_have_attribute("role", "primary")

    def test_empty_state(self, sandbox: Sandbox, page: Page, open_about: OpenAbout) -> None:
        """The new server has no license: the empty-state texts, no table, no notice."""
        bar = open_about(page, sandbox.new)
        expect(bar.get_by_text(texts.EMPTY_STATE)).to_be_visible()
        expect(bar.get_by_text(texts.EMPTY_STATE_HINT)).to_be_visible()
        expect(bar.locator("#Licensing-panel table")).to_have_count(0)
        expect(bar.get_by_text("Connection to license server failed")).to_have_count(0)

    def test_a_long_table(
        self, sandbox_factory: Factory, page: Page, open_about: OpenAbout
    ) -> None:
        """Two hundred seeded licenses all show, expired ones with past dates."""
        sb = sandbox_factory(seed_licenses=200)
        bar = open_about(page, sb.old)
        expect(rows(bar)).to_have_count(201)


class TestAddLicense:
    def test_the_form(self, sandbox: Sandbox, page: Page, open_about: OpenAbout) -> None:
        """Inline form: four labelled fields, Web Server prefilled, three buttons."""
        bar = open_about(page, sandbox.new)
        panel = bar.locator("#Licensing-panel")
        panel.locator("button", has_text="Add License").click()
        license_type = panel.get_by_label("License Type")
        expect(license_type.locator("option")).to_have_text(
            ["Production", "Staging", "Failover", "Test", "Development"]
        )
        expect(license_type).to_have_value("Production")
        expect(panel.get_by_label("Web Server")).to_have_value("WEB-NEW")
        expect(panel.get_by_label(re.compile("^Account Email"))).to_be_empty()
        expect(panel.get_by_label(re.compile("^Invoice Number"))).to_be_empty()
        for name in ("Cancel", "Manual Activation", "Automatic Activation"):
            expect(panel.get_by_role("button", name=name, exact=True)).to_be_visible()
        panel.get_by_role("button", name="Cancel", exact=True).click()
        expect(panel.get_by_label("License Type")).to_have_count(0)

    def test_required_fields(self, sandbox: Sandbox, page: Page, open_about: OpenAbout) -> None:
        """Empty email and invoice are pointed out at the fields; nothing is sent."""
        bar = open_about(page, sandbox.new)
        add_license(bar, "Development", "", "")
        expect(bar.get_by_text("Account Email is required.")).to_be_visible()
        expect(bar.get_by_text("Invoice Number is required.")).to_be_visible()
        assert not any(e["kind"].startswith("activation") for e in sandbox.state()["history"])

    def test_development_on_the_production_invoice(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """KB-MIG step 1: success text, the form closes, the row appears, the truth records it."""
        # The page's clock is Playwright's, so the 2 s auto-hide is checked without waiting.
        start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
        page.clock.install(time=start)
        bar = open_about(page, sandbox.new)
        page.clock.pause_at(start + timedelta(hours=1))
        add_license(bar, "Development", sandbox.license_email, sandbox.license_invoice)
        expect(notification(bar)).to_have_text(
            "Development License has been activated successfully."
        )
        expect(bar.locator("#notification-dialog")).not_to_have_class(re.compile("errorMessage"))
        expect(rows(bar).first.locator("td").nth(0)).to_have_text("Development")
        expect(bar.locator("#Licensing-panel").get_by_label("License Type")).to_have_count(0)
        # A success has no OK button and hides itself after 2 s, not before.
        expect(bar.locator("button#close-notification")).to_be_hidden()
        page.clock.run_for(1999)
        expect(bar.locator("#notification-dialog")).to_be_visible()
        page.clock.run_for(2)
        expect(bar.locator("#notification-dialog")).to_be_hidden()
        added = [e for e in sandbox.state()["history"] if e["kind"] == "license_added"]
        assert (added[-1]["server"], added[-1]["type"], added[-1]["via"]) == (
            "new",
            "Development",
            "automatic",
        )

    def test_production_in_use(self, sandbox: Sandbox, page: Page, open_about: OpenAbout) -> None:
        """ACT2: Production is refused while the old server holds it; the form stays open."""
        bar = open_about(page, sandbox.new)
        add_license(bar, "Production", sandbox.license_email, sandbox.license_invoice)
        expect_error(bar, f"Production activation for {sandbox.license_invoice} is in use.")
        expect(bar.get_by_label(re.compile("^Invoice Number"))).to_have_value(
            sandbox.license_invoice
        )
        expect(bar.get_by_text(texts.EMPTY_STATE)).to_be_visible()

    @pytest.mark.parametrize(
        ("license_type", "invoice", "email", "expected"),
        [
            ("Production", "INV001-1", "someone.else@example.com", texts.ACT1),
            ("Staging", "INV001-1", None, texts.ACT1),
            ("Production", "INV007-1", None, "License activation failed. Your service period"),
            ("Production", "INV006-1", None, "License activation failed. Your license expired on"),
        ],
        ids=["act1-email", "act1-type", "act6", "expired"],
    )
    def test_refusals(
        self,
        sandbox: Sandbox,
        page: Page,
        open_about: OpenAbout,
        license_type: str,
        invoice: str,
        email: str | None,
        expected: str,
    ) -> None:
        """ACT1 for wrong details, ACT6 and "expired" with their dates."""
        bar = open_about(page, sandbox.new)
        add_license(bar, license_type, email or sandbox.license_email, invoice)
        expect(notification(bar)).to_contain_text(expected)
        expect(bar.locator("#notification-dialog")).to_have_class(re.compile("errorMessage"))

    def test_already_has_one(self, sandbox: Sandbox, page: Page, open_about: OpenAbout) -> None:
        """A server holds one license of a type: a second Production is refused locally."""
        bar = open_about(page, sandbox.old)
        add_license(bar, "Production", sandbox.license_email, sandbox.license_invoice)
        expect_error(
            bar,
            "License Activation failed. The host server WEB-OLD already has a Production license.",
        )
        assert not any(e["kind"] == "activation_refused" for e in sandbox.state()["history"])

    def test_cannot_reach_the_service(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """licensing-down:new: the page-load notice, then the activation message."""
        sandbox.set_faults(["licensing-down:new"])
        bar = open_about(page, sandbox.new)
        # The notice is the panel's only alert, also with the Add License form open.
        notice = bar.locator("#Licensing-panel").get_by_role("alert")
        expect(notice).to_have_text(texts.CANNOT_REACH_ON_LOAD)
        add_license(bar, "Development", sandbox.license_email, sandbox.license_invoice)
        expect(notice).to_have_count(1)
        expect_error(bar, texts.CANNOT_REACH_ON_ACTIVATE)

    def test_only_the_blocked_server_shows_the_notice(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """licensing-down:new leaves the old server's About page without the notice."""
        sandbox.set_faults(["licensing-down:new"])
        bar = open_about(page, sandbox.old)
        expect(rows(bar)).to_have_count(1)
        expect(bar.get_by_text("Connection to license server failed")).to_have_count(0)

    def test_service_errors_are_unknown(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """licensing-flaky=1: every call fails; the activation says "Unable to process request"."""
        bar = open_about(page, sandbox.new)
        sandbox.set_faults(["licensing-flaky=1"])
        add_license(bar, "Development", sandbox.license_email, sandbox.license_invoice)
        expect_error(bar, texts.UNKNOWN)

    def test_faults_switched_at_run_time(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """A fault switched on and off while the page is open takes effect at the next call."""
        bar = open_about(page, sandbox.new)
        sandbox.set_faults(["licensing-down"])
        add_license(bar, "Development", sandbox.license_email, sandbox.license_invoice)
        expect_error(bar, texts.CANNOT_REACH_ON_ACTIVATE)
        sandbox.clear_faults()
        bar.locator("#Licensing-panel").get_by_role("button", name="Automatic Activation").click()
        expect(notification(bar)).to_have_text(
            "Development License has been activated successfully."
        )


class TestRemove:
    def test_cancel_keeps_the_license(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """No in the confirmation dialog changes nothing."""
        bar = open_about(page, sandbox.old)
        rows(bar).first.get_by_role("button", name="Remove").click()
        dialog = bar.locator("#confirmation-dialog")
        expect(dialog).to_have_attribute("role", "dialog")
        expect(dialog).to_have_attribute("aria-modal", "true")
        expect(dialog.locator("p")).to_have_text("Are you sure you want to delete this license?")
        dialog.locator("a#cancelbtn").click()
        expect(dialog).to_be_hidden()
        expect(rows(bar)).to_have_count(1)
        assert len(sandbox.state()["servers"]["old"]["licenses"]) == 1

    def test_confirm_deletes_and_returns_the_activation(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """Yes deletes the license and gives the activation back to the invoice."""
        bar = open_about(page, sandbox.old)
        rows(bar).first.get_by_role("button", name="Remove").click()
        bar.locator("a#confirmbtn").click()
        expect(notification(bar)).to_have_text(texts.DELETED)
        expect(bar.get_by_text(texts.EMPTY_STATE)).to_be_visible()
        state = sandbox.state()
        assert state["activations"] == []
        removed = [e for e in state["history"] if e["kind"] == "license_removed"]
        assert removed[-1]["activation_returned"] is True

    def test_unreachable_service_loses_the_activation(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """The trap: removed locally, activation not returned, and the new server is stuck."""
        sandbox.set_faults(["licensing-down:old"])
        bar = open_about(page, sandbox.old)
        rows(bar).first.get_by_role("button", name="Remove").click()
        bar.locator("a#confirmbtn").click()
        message = notification(bar)
        expect(message).to_contain_text("Unable to add activation back to your invoice")
        assert message.inner_text().startswith("Your license was deleted.\n\nUnable to add")
        expect(message.locator("br")).to_have_count(2)
        expect_error(bar, texts.DELETED_SERVICE_UNREACHABLE.replace("<br /><br />", ""))
        expect(bar.get_by_text(texts.EMPTY_STATE)).to_be_visible()
        state = sandbox.state()
        assert state["servers"]["old"]["licenses"] == []
        assert [(a["invoice"], a["server"]) for a in state["activations"]] == [
            (sandbox.license_invoice, "old")
        ]
        new_page = page.context.new_page()
        new_bar = open_about(new_page, sandbox.new)
        add_license(new_bar, "Production", sandbox.license_email, sandbox.license_invoice)
        expect(notification(new_bar)).to_have_text(
            f"Production activation for {sandbox.license_invoice} is in use."
        )

    def test_service_error_does_not_return_the_activation(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """A failing service call deletes locally with "Unable to add activation back"."""
        bar = open_about(page, sandbox.old)
        sandbox.set_faults(["licensing-flaky=1"])
        rows(bar).first.get_by_role("button", name="Remove").click()
        bar.locator("a#confirmbtn").click()
        expect_error(bar, texts.DELETED_NOT_RETURNED.replace("<br /><br />", ""))

    def test_a_license_already_removed_is_dea1(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """Removing from a stale table (removed in another tab) fails with DEA1."""
        bar = open_about(page, sandbox.old)
        other = page.context.new_page()
        other_bar = open_about(other, sandbox.old)
        rows(other_bar).first.get_by_role("button", name="Remove").click()
        other_bar.locator("a#confirmbtn").click()
        expect(notification(other_bar)).to_have_text(texts.DELETED)
        rows(bar).first.get_by_role("button", name="Remove").click()
        bar.locator("a#confirmbtn").click()
        expect_error(bar, texts.DEA1)

    def test_renew(self, sandbox: Sandbox, page: Page, open_about: OpenAbout) -> None:
        """[ renew ] renews the license on its invoice."""
        bar = open_about(page, sandbox.old)
        rows(bar).first.get_by_role("button", name="[ renew ]").click()
        expect(notification(bar)).to_have_text(texts.RENEWED)
        assert sandbox.state()["history"][-1]["kind"] == "license_renewed"


class TestManualActivation:
    def test_end_to_end_through_the_request_page(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout
    ) -> None:
        """Server ID out, key from the request page in: the license is active, even offline."""
        sandbox.set_faults(["licensing-down:new"])
        bar = open_about(page, sandbox.new)
        add_license(
            bar, "Development", sandbox.license_email, sandbox.license_invoice, button="Manual"
        )
        panel = bar.locator("#Licensing-panel")
        expect(panel.locator(".dnn-persona-bar-page-header h3")).to_have_text("Manual Activation")
        expect(panel.get_by_role("link", name="< BACK TO LICENSING")).to_be_visible()
        server_id = panel.get_by_label("Server ID")
        expect(server_id).to_have_attribute("readonly", "")
        expect(server_id).to_have_value(sandbox.new.server_id)
        link = panel.get_by_role("link", name="Request an activation key on dnnsoftware.com")
        expect(link).to_have_attribute("href", f"{sandbox.licensing.url}/activation/request")
        expect(link).to_have_attribute("target", "_blank")
        with page.context.expect_page() as opened:
            link.click()
        vendor = opened.value
        vendor.get_by_label("Server ID").fill(server_id.input_value())
        vendor.get_by_label("Invoice Number").fill(sandbox.license_invoice)
        vendor.get_by_label("Account Email").fill(sandbox.license_email)
        vendor.get_by_label("License Type").select_option("Development")
        vendor.get_by_role("button", name="Generate Activation Key").click()
        key = vendor.get_by_label("Activation Key")
        expect(key).not_to_be_empty()
        panel.get_by_label(re.compile("^Activation Key")).fill(key.input_value())
        panel.get_by_role("button", name="Submit Activation Key").click()
        expect(notification(bar)).to_have_text(
            "Development License has been activated successfully."
        )
        expect(panel.locator(".dnn-persona-bar-page-header h3")).to_have_text("About")
        expect(rows(bar).first.locator("td").nth(0)).to_have_text("Development")
        added = [e for e in sandbox.state()["history"] if e["kind"] == "license_added"]
        assert (added[-1]["server"], added[-1]["via"]) == ("new", "manual")

    @pytest.mark.parametrize("key", ["not a key", "ABCDEF" * 40], ids=["text", "hex"])
    def test_a_wrong_key_is_an_error(
        self, sandbox: Sandbox, page: Page, open_about: OpenAbout, key: str
    ) -> None:
        """A key that is not valid for this server is refused; the page stays."""
        bar = open_about(page, sandbox.new)
        add_license(bar, "Development", "", "", button="Manual")
        panel = bar.locator("#Licensing-panel")
        panel.get_by_label(re.compile("^Activation Key")).fill(key)
        panel.get_by_role("button", name="Submit Activation Key").click()
        expect_error(bar, texts.MANUAL_KEY_INVALID)
        expect(panel.locator(".dnn-persona-bar-page-header h3")).to_have_text("Manual Activation")

    def test_back_and_cancel(self, sandbox: Sandbox, page: Page, open_about: OpenAbout) -> None:
        """BACK TO LICENSING returns to the form as it was; Cancel returns with it closed."""
        bar = open_about(page, sandbox.new)
        add_license(bar, "Staging", sandbox.license_email, "INV003-1", button="Manual")
        panel = bar.locator("#Licensing-panel")
        panel.get_by_role("link", name="< BACK TO LICENSING").click()
        expect(panel.get_by_label("License Type")).to_have_value("Staging")
        panel.get_by_role("button", name="Manual Activation").click()
        panel.get_by_role("button", name="Cancel").click()
        expect(panel.locator(".dnn-persona-bar-page-header h3")).to_have_text("About")
        expect(panel.get_by_label("License Type")).to_have_count(0)
