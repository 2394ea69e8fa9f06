"""pages.about against the sandbox: reading the table, notices, removal and renewal outcomes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pytest

from dnn_runbook.exceptions import LicenseNotFoundError
from pages import AboutPage, FailureReason, LicenseRow, LoginPage, OutcomeKind
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


def _expiry(sandbox: Sandbox, server: str, license_type: str) -> date:
    """The EXPIRES of a license, from the sandbox's own record of the truth."""
    for row in sandbox.state()["servers"][server]["licenses"]:
        if row["type"] == license_type:
            return date.fromisoformat(row["expires"])
    raise AssertionError(f"{server} holds no {license_type} license")


class TestReading:
    def test_the_old_servers_production_license(self, page: Page, sandbox: Sandbox) -> None:
        """One typed row (EXPIRES a date), found by type, invoice or server; invoice masked."""
        about = _about(page, sandbox.old)
        assert about.title() == "About"
        assert about.licenses() == [
            LicenseRow(
                "Production",
                sandbox.license_invoice,
                sandbox.old.server_name,
                True,
                _expiry(sandbox, "old", "Production"),
            )
        ]
        assert about.licensing_notice() is None
        assert about.empty_state_text() is None
        texts = [loc.inner_text() for loc in about.sensitive_locators() if loc.count()]
        assert [text for text in texts if text.strip()] == [sandbox.license_invoice]
        assert about.find_license(license_type="PRODUCTION", invoice_number="inv001-1")
        assert about.find_license(web_server=sandbox.old.server_name)
        assert about.find_license(license_type="Development") is None
        assert about.find_licenses(invoice_number="INV999-9") == []

    def test_the_new_server_is_empty(self, page: Page, sandbox: Sandbox) -> None:
        """With no license: an empty list and the resx empty-state texts."""
        about = _about(page, sandbox.new)
        assert about.licenses() == []
        text = about.empty_state_text()
        assert text is not None
        assert text.startswith("You have no EVOQ licenses")
        assert text.endswith(
            "Upgrade to EVOQ below to gain access to professional features on your sites."
        )

    def test_evoq_90_title(self, page: Page, sandbox_factory: Callable[..., Sandbox]) -> None:
        """On Evoq 9.0 the panel is titled "Licensing" and reads the same."""
        sandbox = sandbox_factory(evoq_version="9.0")
        about = _about(page, sandbox.old)
        assert about.title() == "Licensing"
        assert [row.license_type for row in about.licenses()] == ["Production"]

    def test_a_crowded_table(self, page: Page, sandbox_factory: Callable[..., Sandbox]) -> None:
        """200 seeded licenses read as 201 rows, past dates and all, and rows are found."""
        sandbox = sandbox_factory(seed_licenses=200)
        about = _about(page, sandbox.old)
        rows = about.licenses()
        assert len(rows) == 201
        assert any(row.expires and row.expires < date.today() for row in rows)
        assert about.find_license(invoice_number="INV1199-1") is not None

    def test_unreachable_licensing_service_notice(
        self, page: Page, sandbox_factory: Callable[..., Sandbox]
    ) -> None:
        """licensing-down:old: the About page shows the page-load notice; the new one does not."""
        sandbox = sandbox_factory(faults=["licensing-down:old"])
        notice = _about(page, sandbox.old).licensing_notice()
        assert notice is not None
        assert notice.kind is OutcomeKind.LICENSING_UNREACHABLE
        assert notice.message.startswith("Connection to license server failed.")


class TestRemoval:
    def test_remove_returns_the_activation(self, page: Page, sandbox: Sandbox) -> None:
        """Yes in the dialog: DELETED, the row is gone and the sandbox got the activation back."""
        about = _about(page, sandbox.old)
        seen = []
        outcome = about.remove_license(about.licenses()[0], on_notification=seen.append)
        assert outcome.kind is OutcomeKind.DELETED
        assert outcome.message == "Your license has been deleted successfully."
        assert [n.text for n in seen] == [outcome.message]
        assert about.licenses() == []
        assert about.empty_state_text() is not None
        events = [event["kind"] for event in sandbox.state()["history"]]
        assert "activation_returned" in events

    def test_remove_while_the_service_is_unreachable_loses_the_activation(
        self, page: Page, sandbox: Sandbox
    ) -> None:
        """licensing-down:old: DELETED_ACTIVATION_LOST, and the message stays until OK."""
        about = _about(page, sandbox.old)
        sandbox.set_faults(["licensing-down:old"])
        outcome = about.remove_license(about.licenses()[0])
        assert outcome.kind is OutcomeKind.DELETED_ACTIVATION_LOST
        assert outcome.activation_lost
        assert outcome.is_error
        assert outcome.message.startswith("Your license was deleted.\n")
        assert about.licenses() == []
        current = about.notification()
        assert current is not None
        assert current.text == outcome.message
        about.dismiss_notification()
        assert about.notification() is None

    def test_no_in_the_dialog_changes_nothing(self, page: Page, sandbox: Sandbox) -> None:
        """start_removal() shows the question; No closes the dialog and keeps the row."""
        about = _about(page, sandbox.old)
        row = about.licenses()[0]
        dialog = about.start_removal(row)
        assert dialog.is_open()
        assert "delete" in dialog.question().lower()
        dialog.cancel()
        assert not dialog.is_open()
        assert about.licenses() == [row]

    def test_removing_a_row_no_longer_shown(self, page: Page, sandbox: Sandbox) -> None:
        """A row read earlier but gone since raises LicenseNotFoundError without the invoice."""
        about = _about(page, sandbox.old)
        row = about.licenses()[0]
        about.remove_license(row)
        with pytest.raises(LicenseNotFoundError) as info:
            about.remove_license(row)
        assert sandbox.license_invoice[-4:] not in str(info.value)
        assert "Production license on WEB-OLD" in str(info.value)

    def test_a_license_removed_elsewhere_is_not_found(self, page: Page, sandbox: Sandbox) -> None:
        """Removing a row another tab already removed: FAILED with LICENSE_NOT_FOUND (DEA1)."""
        stale = _about(page, sandbox.old)
        row = stale.licenses()[0]
        other = _about(page.context.new_page(), sandbox.old)
        assert other.remove_license(other.licenses()[0]).kind is OutcomeKind.DELETED
        outcome = stale.remove_license(row)
        assert (outcome.kind, outcome.reason) == (
            OutcomeKind.FAILED,
            FailureReason.LICENSE_NOT_FOUND,
        )


class TestRenewal:
    def test_renew(self, page: Page, sandbox: Sandbox) -> None:
        """[ renew ] answers RENEWED; with the service down the page says to try again later."""
        about = _about(page, sandbox.old)
        row = about.licenses()[0]
        assert about.renew_license(row).kind is OutcomeKind.RENEWED
        sandbox.set_faults(["licensing-down:old"])
        outcome = about.renew_license(row)
        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.reason is FailureReason.TRY_AGAIN_LATER
        assert outcome.temporary
