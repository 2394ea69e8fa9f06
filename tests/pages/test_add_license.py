"""pages.add_license against the sandbox: automatic and manual activation, every answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from dnn_runbook.exceptions import PageStructureError
from pages import AboutPage, FailureReason, LicenseType, LoginPage, OutcomeKind
from tests.pages.conftest import REPLAYS

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from dnn_runbook.sandbox import Sandbox, ServerInfo

pytestmark = pytest.mark.e2e

#: Each test runs on both of the sandbox's front ends and on every capture (see conftest.py).
FRONT_ENDS = ("dnn", "classic", *REPLAYS)


def _about(page: Page, server: ServerInfo) -> AboutPage:
    site = LoginPage(page, server.url).open().log_in(server.username, server.password)
    return site.open_about()


class TestForm:
    def test_defaults_and_choices(self, page: Page, sandbox: Sandbox) -> None:
        """Production and this server's name by default; empty fields refused; Cancel closes."""
        about = _about(page, sandbox.new)
        form = about.add_license()
        assert form.is_open()
        assert form.license_type() == "Production"
        assert form.license_types() == [t.value for t in LicenseType]
        assert form.web_server() == sandbox.new.server_name
        assert sandbox.new.server_name in form.web_servers()
        form.choose_license_type("development")
        assert form.license_type() == "Development"
        with pytest.raises(PageStructureError, match="'Trial'"):
            form.choose_license_type("Trial")
        with pytest.raises(PageStructureError, match="no Account Email and no Invoice Number"):
            form.activate_automatically()
        form.cancel()
        assert not form.is_open()

    def test_email_and_invoice_are_the_sensitive_fields(self, page: Page, sandbox: Sandbox) -> None:
        """sensitive_locators() are the Account Email and Invoice Number boxes."""
        form = _about(page, sandbox.new).add_license()
        form.fill_account_email("someone@example.com").fill_invoice_number("INV123-4")
        values = [loc.input_value() for loc in form.sensitive_locators()]
        assert values == ["someone@example.com", "INV123-4"]


class TestAutomaticActivation:
    def test_development_on_the_production_invoice(self, page: Page, sandbox: Sandbox) -> None:
        """ACTIVATED, the form closes, and the table holds the activated Development row."""
        about = _about(page, sandbox.new)
        seen = []
        outcome = (
            about.add_license()
            .fill(
                license_type=LicenseType.DEVELOPMENT,
                account_email=sandbox.license_email,
                invoice_number=sandbox.license_invoice,
            )
            .activate_automatically(on_notification=seen.append)
        )
        assert outcome.kind is OutcomeKind.ACTIVATED
        assert outcome.license_type == "Development"
        assert outcome.message == "Development License has been activated successfully."
        assert len(seen) == 1
        assert not seen[0].is_error
        row = about.find_license(license_type="Development")
        assert row is not None
        assert row.activated
        assert row.invoice_number == sandbox.license_invoice
        assert row.web_server == sandbox.new.server_name

    def test_each_refusal(self, page: Page, sandbox: Sandbox) -> None:
        """Every refusal of the licensing service comes back as FAILED with its reason."""
        about = _about(page, sandbox.new)
        form = about.add_license()
        cases = [
            (
                LicenseType.PRODUCTION,
                "nobody@example.com",
                "INV001-1",
                FailureReason.DETAILS_MISMATCH,
            ),
            (
                LicenseType.PRODUCTION,
                sandbox.license_email,
                "INV001-1",
                FailureReason.ACTIVATION_IN_USE,
            ),
            (
                LicenseType.PRODUCTION,
                sandbox.license_email,
                "INV006-1",
                FailureReason.LICENSE_EXPIRED,
            ),
            (
                LicenseType.PRODUCTION,
                sandbox.license_email,
                "INV007-1",
                FailureReason.SERVICE_PERIOD_EXPIRED,
            ),
        ]
        for license_type, email, invoice, reason in cases:
            outcome = form.fill(
                license_type=license_type, account_email=email, invoice_number=invoice
            ).activate_automatically()
            assert (outcome.kind, outcome.reason) == (OutcomeKind.FAILED, reason), outcome.message
            assert outcome.is_error
            assert form.is_open()
            # The "in use" message names the invoice; the outcome's repr does not.
            assert invoice not in repr(outcome)
            assert invoice not in outcome.redacted_message([invoice])
        assert about.licenses() == []

    def test_a_second_license_of_a_type(self, page: Page, sandbox: Sandbox) -> None:
        """The old server already has Production: "already has a Production license"."""
        form = _about(page, sandbox.old).add_license()
        outcome = form.fill(
            license_type="Production",
            account_email=sandbox.license_email,
            invoice_number=sandbox.license_invoice,
        ).activate_automatically()
        assert outcome.reason is FailureReason.SERVER_ALREADY_LICENSED
        assert sandbox.old.server_name in outcome.message

    @pytest.mark.parametrize(
        ("fault", "kind", "reason"),
        [
            ("licensing-down:new", OutcomeKind.LICENSING_UNREACHABLE, None),
            ("licensing-flaky=1", OutcomeKind.FAILED, FailureReason.TRY_AGAIN_LATER),
        ],
    )
    def test_service_trouble(
        self,
        page: Page,
        sandbox: Sandbox,
        fault: str,
        kind: OutcomeKind,
        reason: FailureReason | None,
    ) -> None:
        """An unreachable or failing service: a temporary outcome, the form still open."""
        form = _about(page, sandbox.new).add_license()
        sandbox.set_faults([fault])
        outcome = form.fill(
            license_type="Development",
            account_email=sandbox.license_email,
            invoice_number=sandbox.license_invoice,
        ).activate_automatically()
        assert (outcome.kind, outcome.reason) == (kind, reason)
        assert outcome.temporary
        assert form.is_open()


class TestManualActivation:
    def test_the_whole_manual_round(
        self, page: Page, sandbox_factory: Callable[..., Sandbox]
    ) -> None:
        """Server ID, the vendor's request page, the key, ACTIVATED, back to the table."""
        sandbox = sandbox_factory(faults=["licensing-down:new"])
        about = _about(page, sandbox.new)
        manual = (
            about.add_license()
            .fill(
                license_type="Development",
                account_email=sandbox.license_email,
                invoice_number=sandbox.license_invoice,
            )
            .start_manual_activation()
        )
        assert manual.title() == "Manual Activation"
        server_id = manual.server_id()
        assert server_id == sandbox.new.server_id
        assert manual.request_url() == sandbox.licensing.request_url
        assert manual.submit_activation_key("not-a-key").kind is OutcomeKind.FAILED
        request = manual.open_request_page()
        key = request.generate_key(
            server_id,
            invoice_number=sandbox.license_invoice,
            account_email=sandbox.license_email,
            license_type="Development",
        )
        request.page.close()
        assert len(manual.sensitive_locators()) == 1
        outcome = manual.submit_activation_key(key)
        assert outcome.kind is OutcomeKind.ACTIVATED
        about = manual.back_to_licensing()
        row = about.find_license(license_type="Development")
        assert row is not None
        assert row.activated

    def test_cancel_returns_to_the_table(self, page: Page, sandbox: Sandbox) -> None:
        """Cancel on the Manual Activation page goes back to the About page."""
        about = _about(page, sandbox.new)
        manual = about.add_license().start_manual_activation()
        assert manual.is_open()
        back = manual.cancel()
        assert not manual.is_open()
        assert back.title() == "About"
