"""The page objects against a second, differently built site (``alt_site``), in real Chromium.

Same texts, labels and roles as Evoq; other markup: a custom login page (module id 412, no
``/Login``), an ARIA div grid with reordered, mixed-case columns and an extra one, an SVG check
mark, the About item under another id, Evoq 9.0's "Licensing" title.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from dnn_runbook.exceptions import LoginFailedError, PageStructureError
from pages import (
    AboutPage,
    FailureReason,
    LicenseRow,
    LicenseType,
    LoginPage,
    OutcomeKind,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.pages.conftest import AltSite

pytestmark = pytest.mark.e2e


def _about(page: Page, site: AltSite) -> AboutPage:
    return LoginPage(page, site.url).open().log_in(site.username, site.password).open_about()


class TestLogin:
    def test_falls_back_to_ctl_login_and_accepts_module_ids(
        self, page: Page, alt_site: AltSite
    ) -> None:
        """With no /Login page, open() uses /?ctl=Login, whose ids carry a module id (ctr412)."""
        login = LoginPage(page, alt_site.url).open()
        assert "ctl=Login" in page.url
        site = login.log_in(alt_site.username, alt_site.password)
        assert site.is_logged_in()

    def test_enter_logs_in_too(self, page: Page, alt_site: AltSite) -> None:
        """press_enter=True submits with Enter in the password box."""
        site = (
            LoginPage(page, alt_site.url)
            .open()
            .log_in(alt_site.username, alt_site.password, press_enter=True)
        )
        assert site.is_logged_in()

    def test_wrong_password_raises_with_the_page_message(
        self, page: Page, alt_site: AltSite
    ) -> None:
        """A rejected login raises LoginFailedError carrying the page's text, not the password."""
        login = LoginPage(page, alt_site.url).open()
        with pytest.raises(LoginFailedError) as info:
            login.log_in(alt_site.username, "not-the-password")
        assert info.value.page_message.startswith("Login Failed")
        assert "not-the-password" not in str(info.value)


class TestReading:
    def test_title_and_table_from_a_div_grid(self, page: Page, alt_site: AltSite) -> None:
        """Reordered, mixed-case headers, an extra column and an SVG check mark read correctly."""
        about = _about(page, alt_site)
        assert about.title() == "Licensing"
        assert about.licenses() == [
            LicenseRow("Production", alt_site.invoice, "ALT-WEB-7", True, date(2020, 1, 1))
        ]
        assert about.find_license(license_type="production") is not None
        assert about.find_license(license_type="Development") is None
        assert about.licensing_notice() is None
        assert about.empty_state_text() is None

    def test_empty_state_and_notice(self, page: Page, alt_site: AltSite) -> None:
        """No rows: an empty list and the empty-state text; the page-load notice is read."""
        alt_site.rows.clear()
        alt_site.licensing_down = True
        about = _about(page, alt_site)
        assert about.licenses() == []
        text = about.empty_state_text()
        assert text is not None
        assert text.startswith("You have no EVOQ licenses")
        assert "Upgrade to EVOQ below" in text
        notice = about.licensing_notice()
        assert notice is not None
        assert notice.kind is OutcomeKind.LICENSING_UNREACHABLE

    def test_sensitive_locators_cover_every_invoice_cell(
        self, page: Page, alt_site: AltSite
    ) -> None:
        """sensitive_locators() includes the INVOICE NUMBER cell of each row, wherever it sits."""
        alt_site.rows.append(
            alt_site.rows[0].__class__("Staging", "INV901-1", "ALT-WEB-7", False, "")
        )
        about = _about(page, alt_site)
        texts = {loc.inner_text() for loc in about.sensitive_locators() if loc.count()}
        # The hidden manual-activation key box is there too, empty.
        assert texts - {""} == {alt_site.invoice, "INV901-1"}


class TestActions:
    def test_add_development_automatically(self, page: Page, alt_site: AltSite) -> None:
        """Automatic activation returns ACTIVATED and the table then holds the new row."""
        about = _about(page, alt_site)
        form = about.add_license()
        assert form.license_type() == "Production"
        assert form.web_server() == "ALT-WEB-7"
        assert form.web_servers() == ["ALT-WEB-7", "ALT-WEB-8"]
        assert form.choose_web_server("alt-web-8").web_server() == "ALT-WEB-8"
        assert form.license_types() == [t.value for t in LicenseType]
        outcome = form.fill(
            license_type=LicenseType.DEVELOPMENT,
            account_email=alt_site.email,
            invoice_number=alt_site.invoice,
        ).activate_automatically()
        assert outcome.kind is OutcomeKind.ACTIVATED
        assert outcome.license_type == "Development"
        assert not form.is_open()
        row = about.find_license(license_type="Development")
        assert row is not None
        assert row.web_server == "ALT-WEB-8"

    def test_wrong_details_keep_the_form_open(self, page: Page, alt_site: AltSite) -> None:
        """ACT1 is FAILED with DETAILS_MISMATCH and the form stays open."""
        form = _about(page, alt_site).add_license()
        outcome = form.fill(
            license_type="development", account_email="x@example.com", invoice_number="INV0"
        ).activate_automatically()
        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.reason is FailureReason.DETAILS_MISMATCH
        assert form.is_open()
        form.cancel()
        assert not form.is_open()

    def test_removal_with_the_service_down_is_activation_lost(
        self, page: Page, alt_site: AltSite
    ) -> None:
        """Removing while the service is unreachable: DELETED_ACTIVATION_LOST, row gone."""
        alt_site.licensing_down = True
        about = _about(page, alt_site)
        row = about.licenses()[0]
        outcome = about.remove_license(row)
        assert outcome.kind is OutcomeKind.DELETED_ACTIVATION_LOST
        assert "\n" in outcome.message  # the <br /> tags were rendered as line breaks
        assert about.licenses() == []
        about.dismiss_notification()
        assert about.notification() is None

    def test_remove_then_renew(self, page: Page, alt_site: AltSite) -> None:
        """Renew returns RENEWED; removal returns DELETED and the table loses the row."""
        alt_site.rows.append(alt_site.rows[0].__class__("Test", "INV902-1", "ALT-WEB-7", True, ""))
        about = _about(page, alt_site)
        production = about.find_license(license_type="Production")
        assert production is not None
        assert about.renew_license(production).kind is OutcomeKind.RENEWED
        outcome = about.remove_license(production)
        assert outcome.kind is OutcomeKind.DELETED
        assert [row.license_type for row in about.licenses()] == ["Test"]

    def test_cancelled_removal_changes_nothing(self, page: Page, alt_site: AltSite) -> None:
        """start_removal() shows the question; No leaves the table as it was; close() closes."""
        about = _about(page, alt_site)
        row = about.licenses()[0]
        dialog = about.start_removal(row)
        assert dialog.question() == "Are you sure you want to delete this license?"
        dialog.cancel()
        assert about.licenses() == [row]
        about.close()
        assert not about.is_open()

    def test_manual_activation(self, page: Page, alt_site: AltSite) -> None:
        """Manual activation: Server ID, the request page in a new tab, the key, ACTIVATED."""
        alt_site.rows.clear()
        about = _about(page, alt_site)
        form = about.add_license().fill(
            license_type="Production", account_email=alt_site.email, invoice_number="INV900-1"
        )
        manual = form.start_manual_activation()
        assert manual.title() == "Manual Activation"
        # The license list is hidden behind this page: reading it says so.
        with pytest.raises(PageStructureError, match="neither a license list"):
            AboutPage(page, timeout_ms=300).licenses()
        assert manual.server_id() == alt_site.server_id
        assert manual.request_url() == f"{alt_site.url}/request"
        request_page = manual.open_request_page()
        assert "License Request" in request_page.page.title()
        request_page.page.close()
        outcome = manual.submit_activation_key(alt_site.activation_key)
        assert outcome.kind is OutcomeKind.ACTIVATED
        about = manual.back_to_licensing()
        assert [row.license_type for row in about.licenses()] == ["Production"]
