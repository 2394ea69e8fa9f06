"""Issue 4's "done when": the whole seed procedure (KB-MIG) as a short script using only ``pages``.

Two browser contexts, one per server, as an administrator would have two tabs logged in to two
sites. The script does exactly the clicks of the procedure (``docs/dnn-ui.md`` section 1) and reads back EXPIRES at the end;
the sandbox's own record of the truth then confirms what the pages reported.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from pages import LicenseType, LoginPage, OutcomeKind

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from dnn_runbook.sandbox import Sandbox

pytestmark = pytest.mark.e2e

#: Each test runs on both of the sandbox's front ends (see conftest.py).
FRONT_ENDS = ("dnn", "classic")


def test_move_the_production_license_to_the_new_server(browser: Browser, sandbox: Sandbox) -> None:
    """Log in to both, read both tables, move the license as KB-MIG says, read the expiry."""
    email, invoice = sandbox.license_email, sandbox.license_invoice

    # Log in to both servers and open Settings > About on each.
    old = LoginPage(browser.new_page(), sandbox.old.url).open()
    old_about = old.log_in(sandbox.old.username, sandbox.old.password).open_about()
    new = LoginPage(browser.new_page(), sandbox.new.url).open()
    new_about = new.log_in(sandbox.new.username, sandbox.new.password).open_about()

    # Read both license tables.
    production = old_about.find_license(license_type=LicenseType.PRODUCTION, invoice_number=invoice)
    assert production is not None
    assert production.activated
    assert new_about.licenses() == []

    # 1. New server: the production invoice as a Development license.
    added = (
        new_about.add_license()
        .fill(license_type=LicenseType.DEVELOPMENT, account_email=email, invoice_number=invoice)
        .activate_automatically()
    )
    assert added.kind is OutcomeKind.ACTIVATED

    # 2. (The DNS cut-over happens here, outside the UI.)
    # 3. Old server: remove the Production license; its activation goes back to the invoice.
    removed = old_about.remove_license(production)
    assert removed.kind is OutcomeKind.DELETED
    assert old_about.licenses() == []

    # 4. New server: activate Production.
    activated = (
        new_about.add_license()
        .fill(license_type=LicenseType.PRODUCTION, account_email=email, invoice_number=invoice)
        .activate_automatically()
    )
    assert activated.kind is OutcomeKind.ACTIVATED

    # 5. New server: remove the Development license.
    development = new_about.find_license(license_type=LicenseType.DEVELOPMENT)
    assert development is not None
    assert new_about.remove_license(development).kind is OutcomeKind.DELETED

    # 6. Check: only the activated Production license is left, expiring in the future.
    (final,) = new_about.licenses()
    assert (final.license_type, final.invoice_number, final.web_server, final.activated) == (
        "Production",
        invoice,
        sandbox.new.server_name,
        True,
    )
    assert final.expires is not None
    assert final.expires > date.today()

    # The sandbox's truth agrees with what the pages read.
    truth = sandbox.state()
    assert truth["servers"]["old"]["licenses"] == []
    (held,) = truth["servers"]["new"]["licenses"]
    assert (held["type"], date.fromisoformat(held["expires"])) == ("Production", final.expires)
