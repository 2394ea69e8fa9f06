"""A capture of each of the sandbox's front ends, end to end: made by ``check --capture``,
scanned for every secret and identifier, replayed by a sandbox, and driven there by the page
objects: reading, adding, removing and Manual Activation all work on the replayed markup.
(``captures/`` holds such captures; every one of them runs the page-object suite.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from dnn_runbook.evidence.redact import scan_paths
from dnn_runbook.sandbox import Sandbox
from pages import LicenseType, LoginPage, OutcomeKind
from tests.pages import capturing
from tests.support import in_worker_thread, writes

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

PASSWORD = "Replay-Pw-7001"
EMAIL = "replay.owner@example.org"
INVOICE = "INV7001-1"


@pytest.mark.parametrize("ui", capturing.FRONT_ENDS)
def test_capture_scan_and_replay(
    ui: str, page: Page, sandbox_factory: Callable[..., Sandbox], tmp_path: Path
) -> None:
    """The capture holds no secret; on its replay the page objects read the sandbox's truth and
    act through the captured markup."""
    captured = sandbox_factory(
        ui=ui, host_password=PASSWORD, license_email=EMAIL, license_invoice=INVOICE
    )
    path = tmp_path / f"{ui}.json"
    result, printed = in_worker_thread(
        capturing.capture_front_end, captured, path, tmp_path / "evidence"
    )
    assert result.exit_code == 0, printed
    assert writes(captured.state()) == []
    secrets = {
        "password": PASSWORD,
        "email": EMAIL,
        "invoice": INVOICE,
        "old server id": captured.old.server_id,
        "new server id": captured.new.server_id,
        "old web server": captured.old.server_name,
        "new web server": captured.new.server_name,
        "host": "127.0.0.1",
    }
    assert scan_paths([path], secrets) == []

    replayed = sandbox_factory(replay=path)
    assert replayed.ui == "replay"
    old = (
        LoginPage(page, replayed.old.url)
        .open()
        .log_in(replayed.old.username, replayed.old.password)
    )
    rows = old.open_about().licenses()
    assert [(r.license_type, r.invoice_number, r.web_server) for r in rows] == [
        ("Production", replayed.license_invoice, replayed.old.server_name)
    ]
    new = (
        LoginPage(page, replayed.new.url)
        .open()
        .log_in(replayed.new.username, replayed.new.password)
    )
    about = new.open_about()
    assert about.licenses() == []
    outcome = (
        about.add_license()
        .fill(
            license_type=LicenseType.DEVELOPMENT,
            account_email=replayed.license_email,
            invoice_number=replayed.license_invoice,
        )
        .activate_automatically()
    )
    assert outcome.kind is OutcomeKind.ACTIVATED
    development = about.find_license(license_type="Development")
    assert development is not None
    assert about.remove_license(development).kind is OutcomeKind.DELETED
    manual = about.add_license().start_manual_activation()
    assert manual.server_id() == replayed.new.server_id
    manual.cancel()


class TestTheCommittedCaptures:
    def test_each_front_end_has_one_and_none_holds_the_sandboxs_identifiers(self) -> None:
        """captures/ holds a capture of each front end, free of the sandbox's own identifiers
        (its default invoice and email, its web servers, its address)."""
        files = sorted(capturing.CAPTURES.glob("*.json"))
        assert {path.stem for path in files} >= set(capturing.FRONT_ENDS)
        defaults = {
            "invoice": "INV001-1",
            "email": "licensing@example.com",
            "old web server": "WEB-OLD",
            "new web server": "WEB-NEW",
            "host": "127.0.0.1",
        }
        assert scan_paths(files, defaults) == []
