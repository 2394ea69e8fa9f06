"""AboutPage.screenshot_masks: the regions of sensitive_locators() as few locators.

A table of many licenses must be masked with one lookup, not one per row (a 200-license
table's per-row masks took longer than a screenshot's timeout, issue 8).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from pages import AboutPage, LoginPage

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from dnn_runbook.sandbox import Sandbox, ServerInfo
    from tests.pages.conftest import AltSite

pytestmark = pytest.mark.e2e


def _about(page: Page, server: ServerInfo) -> AboutPage:
    return LoginPage(page, server.url).open().log_in(server.username, server.password).open_about()


class TestScreenshotMasks:
    def test_one_locator_covers_every_invoice_cell(
        self, page: Page, sandbox_factory: Callable[..., Sandbox]
    ) -> None:
        """On a long table the first mask matches exactly the INVOICE NUMBER cells."""
        sandbox = sandbox_factory(seed_licenses=40)
        about = _about(page, sandbox.old)
        rows = about.licenses()
        invoice_cells = about.screenshot_masks()[0]
        assert invoice_cells.count() == len(rows) == 41
        assert sorted(invoice_cells.all_inner_texts()) == sorted(r.invoice_number for r in rows)

    def test_no_invoice_number_in_the_selector(self, page: Page, sandbox: Sandbox) -> None:
        """The mask names a column position, never a value: selectors reach traces and errors."""
        about = _about(page, sandbox.old)
        assert about.licenses()
        for mask in about.screenshot_masks():
            assert sandbox.license_invoice not in str(mask)
            assert sandbox.license_invoice.replace("-", "\\-") not in str(mask)

    def test_an_aria_grid_with_other_columns(self, page: Page, alt_site: AltSite) -> None:
        """A div grid whose INVOICE NUMBER is the fourth column: that cell of each data row."""
        alt_site.rows.append(
            alt_site.rows[0].__class__("Staging", "INV901-1", "ALT-WEB-7", False, "")
        )
        login = LoginPage(page, alt_site.url).open()
        about = login.log_in(alt_site.username, alt_site.password).open_about()
        invoice_cells = about.screenshot_masks()[0]
        assert sorted(invoice_cells.all_inner_texts()) == [alt_site.invoice, "INV901-1"]

    def test_the_same_regions_as_sensitive_locators(self, page: Page, sandbox: Sandbox) -> None:
        """Invoice cells, then the Add License form's email and invoice, then the key box."""
        about = _about(page, sandbox.old)
        masks = about.screenshot_masks()
        one_by_one = about.sensitive_locators()
        assert len(masks) == len(one_by_one) == 4
        assert masks[0].all_inner_texts() == [one_by_one[0].inner_text()]
        form = about.add_license()
        form.fill(
            license_type="Development",
            account_email=sandbox.license_email,
            invoice_number=sandbox.license_invoice,
        )
        boxes = about.screenshot_masks()[1:3]
        assert [box.input_value() for box in boxes] == [
            sandbox.license_email,
            sandbox.license_invoice,
        ]

    def test_no_table_no_invoice_mask(self, page: Page, sandbox: Sandbox) -> None:
        """The empty new server: only the form's fields and the key box, none of them shown."""
        about = _about(page, sandbox.new)
        masks = about.screenshot_masks()
        assert len(masks) == 3
        assert [mask.count() for mask in masks] == [0, 0, 0]
