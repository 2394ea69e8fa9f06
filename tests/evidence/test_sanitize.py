"""A capture made safe to send: known values and secret-looking ones replaced by numbered
placeholders, and the secret scan refusing to write anything that still holds one."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from dnn_runbook.captures import Capture, ServerCapture, Snapshot
from dnn_runbook.evidence.sanitize import KnownValues, Sanitizer, known_values, write_capture
from dnn_runbook.exceptions import EvidenceError

PASSWORD = "Pw-sanitize-83!"
EMAIL = "owner.sanitize@example.org"
INVOICE = "INV4242-1"
SERVER_ID = "9F3A" * 12


def known() -> KnownValues:
    return known_values(
        [("password", PASSWORD), ("email", EMAIL), ("invoice", INVOICE), ("server-id", SERVER_ID)],
        ["WEB01", "PROD-WEB-02"],
        ["https://old.example.com", "http://127.0.0.1:8041"],
    )


def capture(html: str) -> Capture:
    server = ServerCapture("server-1", snapshots=(Snapshot("about", html, "- text: " + html),))
    return Capture("check", "0.1", "2026-01-01T00:00:00Z", "chromium 1", (server,))


class TestKnownValues:
    def test_each_form_of_a_secret_becomes_its_placeholder(self) -> None:
        """Plain, URL-encoded and HTML-escaped, in any case: the same placeholder each time."""
        sanitizer = Sanitizer(known())
        text = sanitizer.text(
            f"{EMAIL} owner.sanitize%40example.org {EMAIL.upper()} "
            f"{INVOICE.lower()} Pw-sanitize-83&#33; {SERVER_ID}"
        )
        assert text == "{email-1} {email-1} {email-1} {invoice-1} {password-1} {server-id-1}"
        assert sanitizer.placeholders == {
            "email": 1,
            "invoice": 1,
            "password": 1,
            "server-id": 1,
        }

    def test_addresses_keep_the_runbooks_order(self) -> None:
        """The runbook's servers are site-1, site-2 wherever they show; other hosts other-N;
        DNN's public sites and the SVG namespace stay."""
        text = Sanitizer(known()).text(
            "http://127.0.0.1:8041/API/x https://old.example.com/Login old.example.com "
            "https://cdn.internal.corp/a.js https://www.dnnsoftware.com/x "
            'xmlns="http://www.w3.org/2000/svg"'
        )
        assert text == (
            "http://site-2.invalid/API/x https://site-1.invalid/Login site-1.invalid "
            "https://other-1.invalid/a.js https://www.dnnsoftware.com/x "
            'xmlns="http://www.w3.org/2000/svg"'
        )

    def test_web_server_names_only_as_whole_words(self) -> None:
        """A Web Server name is replaced where it stands alone, not inside another word."""
        text = Sanitizer(known()).text("WEB01 <b>PROD-WEB-02</b> web01-icon xWEB01")
        assert text == "{web-server-2} <b>{web-server-1}</b> web01-icon xWEB01"

    def test_account_names_but_not_the_common_ones(self) -> None:
        """A named account is replaced as a whole word; host and admin stay (paths, CSS)."""
        known = known_values([], [], [], ["jsmith.ops", "host", "admin"])
        text = Sanitizer(known).text("jsmith.ops /DesktopModules/admin/x :host(.a) host")
        assert text == "{username-1} /DesktopModules/admin/x :host(.a) host"


class TestLooksSecret:
    def test_emails_invoices_hex_and_tokens_of_anyone(self) -> None:
        """Values nobody named are caught by their look."""
        token = "CfDJ8Kx2ZqA9mVd3Lw7rTn5yP0sB"
        text = Sanitizer(KnownValues()).text(
            f"a.b@corp.example INV007-3 {'ab' * 20} {token} {token}"
        )
        assert text == "{email-1} {invoice-1} {hex-1} {token-1} {token-1}"

    def test_markup_and_data_uris_stay(self) -> None:
        """Class names, long words without digits, and data: URIs are left as they are."""
        uri = "data:image/png;base64," + base64.b64encode(b"\x89PNG" * 30).decode()
        text = f'<div class="dnn-persona-bar-page-header licensing-body">{uri}</div>'
        assert Sanitizer(KnownValues()).text(text) == text


class TestWriting:
    def test_a_clean_capture_is_written(self, tmp_path: Path) -> None:
        """write_capture writes the sanitized JSON, owner-only, and returns it."""
        path = tmp_path / "capture.json"
        written = write_capture(path, capture(f"<td>{INVOICE}</td><td>WEB01</td>"), known())
        text = path.read_text(encoding="utf-8")
        assert INVOICE not in text
        assert "WEB01" not in text
        assert written.placeholders == {"invoice": 1, "web-server": 1}
        assert Capture.loads(text) == written
        assert path.stat().st_mode & 0o777 == 0o600

    def test_what_the_scan_still_finds_is_not_written(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The scan has the last word: were a sanitizer to miss the password (here it is made
        to miss everything), nothing is written and the message never holds the value."""
        monkeypatch.setattr(Sanitizer, "capture", lambda self, capture: capture)
        path = tmp_path / "capture.json"
        with pytest.raises(EvidenceError, match="not written") as info:
            write_capture(path, capture(f"<i>{PASSWORD}</i>"), known())
        assert "password" in str(info.value)
        assert PASSWORD not in str(info.value)
        assert not path.exists()

    def test_a_secret_hidden_in_base64_is_replaced_as_a_token(self) -> None:
        """A long base64 text holding the password looks like a token and is replaced whole."""
        hidden = base64.b64encode(f"user:{PASSWORD}".encode()).decode().rstrip("=")
        assert Sanitizer(known()).text(hidden) == "{token-1}"
