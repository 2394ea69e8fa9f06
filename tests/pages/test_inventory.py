"""pages.inventory and AboutPage.renew_control against the sandbox: what the panel shows, read
without acting, and the parts of a license row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pages import AboutPage, LoginPage, inventory, row_cells
from pages.license_table import Column

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from dnn_runbook.sandbox import Sandbox

pytestmark = pytest.mark.e2e

FRONT_ENDS = ("dnn", "classic")


class TestInventory:
    def test_the_list_the_form_and_a_row(self, page: Page, sandbox: Sandbox) -> None:
        """The title, buttons, labels and headers read; a row's cells and [ renew ] found."""
        server = sandbox.old
        about = LoginPage(page, server.url).open().log_in(server.username, server.password)
        about_page = about.open_about()
        seen = inventory(about_page)
        assert seen.headings[0] == "About"
        assert "Add License" in seen.buttons
        assert [h.casefold() for h in seen.headers[:2]] == ["license type", "invoice number"]
        cells = row_cells(about_page, about_page.rows.first)
        assert cells[Column.LICENSE_TYPE].inner_text().strip() == "Production"
        assert cells[Column.INVOICE_NUMBER].inner_text().strip() == sandbox.license_invoice
        assert "renew" in about_page.renew_control(about_page.rows.first).inner_text()
        about_page.add_license()
        labels = " ".join(inventory(about_page).labels)
        for label in ("License Type", "Web Server", "Account Email", "Invoice Number"):
            assert label in labels
        assert "Automatic Activation" in inventory(about_page).buttons
        assert sandbox.license_invoice not in seen.describe()

    def test_no_panel(self, page: Page, sandbox: Sandbox) -> None:
        """Without the About panel, the inventory says so."""
        page.goto(sandbox.old.url + "/Login")
        assert inventory(AboutPage(page)).describe() == "no Settings > About panel at all"
