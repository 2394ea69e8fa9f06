"""Traces: every secret and credential scrubbed from every member, then kept and chained."""

from __future__ import annotations

import base64
import html
import json
import zipfile
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from structlog.testing import capture_logs

from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.redact import REDACTED, SecretScanner
from dnn_runbook.evidence.trace import (
    TraceMode,
    keep_trace,
    keep_traces,
    scrub_trace,
    trace_file_name,
)
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.exceptions import EvidenceError

PASSWORD = "Pw&<Zq9>\"x'%+ü-old"
EMAIL = "ledger.k7q+audit@example.org"
INVOICE = "INV7Q4Z9-3"
KEY = "7B22657870223A22323032372D31312D3239222C22696E76223A22494E56"
SECRETS = {"password": PASSWORD, "email": EMAIL, "invoice": INVOICE, "activation key": KEY}
COOKIE = "kfJGoB7PwTtmgodeDENCN63fh1SS_ahdAC50cEqcOV0"


def _event(**fields: object) -> str:
    return json.dumps(fields, separators=(",", ":"))


def _raw_trace(path: Path) -> Path:
    """A trace shaped like Playwright's: JSON-line members and resources, secrets everywhere."""
    actions = "\n".join(
        [
            _event(type="context-options", browserName="chromium", options={"viewport": None}),
            _event(type="before", method="fill", params={"selector": "#pw", "value": PASSWORD}),
            _event(type="before", method="fill", params={"value": EMAIL.upper()}),
            _event(type="frame-snapshot", html=["INPUT", {"value": INVOICE}]),
            _event(type="log", message=f'fill("{KEY.lower()}")'),
        ]
    )
    network = _event(
        type="resource-snapshot",
        snapshot={
            "request": {
                "url": f"http://127.0.0.1/x?invoice={quote_plus(INVOICE)}",
                "cookies": [{"name": ".DOTNETNUKE-1", "value": COOKIE}],
                "headers": [
                    {"name": "Cookie", "value": f".DOTNETNUKE-1={COOKIE}"},
                    {"name": "Accept", "value": "text/html"},
                ],
            },
            "response": {
                "headers": [{"name": "set-cookie", "value": f".DOTNETNUKE-1={COOKIE}; path=/"}],
                "cookies": [{"name": ".DOTNETNUKE-1", "value": COOKIE, "httpOnly": True}],
            },
        },
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("trace.trace", actions)
        archive.writestr("trace.network", network + "\n")
        archive.writestr("resources/post.dat", f"user=host&password={quote_plus(PASSWORD)}")
        archive.writestr("resources/page.html", f'<input value="{html.escape(EMAIL)}">')
        archive.writestr("resources/utf16.txt", f"key: {KEY}".encode("utf-16-le"))
        archive.writestr("resources/b64.txt", base64.b64encode(f"invoice={INVOICE}!".encode()))
        archive.writestr("resources/site.css", "body { color: #123; }")
    return path


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


class TestTraceMode:
    @pytest.mark.parametrize(
        ("mode", "failed", "kept"),
        [
            (TraceMode.ON, False, True),
            (TraceMode.ON, True, True),
            (TraceMode.RETAIN_ON_FAILURE, False, False),
            (TraceMode.RETAIN_ON_FAILURE, True, True),
            (TraceMode.OFF, True, False),
        ],
    )
    def test_which_runs_keep_their_traces(self, mode: TraceMode, failed: bool, kept: bool) -> None:
        """on keeps always, retain-on-failure only after a failure, off never."""
        assert mode.keeps(failed=failed) is kept

    def test_only_off_records_nothing(self) -> None:
        """Every mode but off records a trace (retain-on-failure decides at the end)."""
        assert [m for m in TraceMode if m.records] == [TraceMode.ON, TraceMode.RETAIN_ON_FAILURE]


class TestScrubTrace:
    def test_no_secret_is_left_in_any_member_or_form(self, tmp_path: Path) -> None:
        """Typed, upper-case, URL-encoded, HTML-escaped, UTF-16 and base64 secrets all go."""
        raw = _raw_trace(tmp_path / "raw.zip")
        assert len(SecretScanner(SECRETS).scan_paths([raw])) >= 6
        result = scrub_trace(raw, tmp_path / "clean.zip", SECRETS.values())
        assert SecretScanner(SECRETS).scan_paths([tmp_path / "clean.zip"]) == []
        assert result.members == 7
        assert result.secrets_replaced >= 6

    def test_cookies_and_credential_headers_are_blanked(self, tmp_path: Path) -> None:
        """Cookie lists, Cookie and Set-Cookie values go: a trace cannot replay a session."""
        raw = _raw_trace(tmp_path / "raw.zip")
        result = scrub_trace(raw, tmp_path / "clean.zip", SECRETS.values())
        network = json.loads(_members(tmp_path / "clean.zip")["trace.network"])
        request, response = network["snapshot"]["request"], network["snapshot"]["response"]
        assert request["cookies"] == [{"name": ".DOTNETNUKE-1", "value": REDACTED}]
        assert request["headers"][0] == {"name": "Cookie", "value": REDACTED}
        assert request["headers"][1] == {"name": "Accept", "value": "text/html"}
        assert response["headers"][0]["value"] == REDACTED
        assert response["cookies"][0] == {
            "name": ".DOTNETNUKE-1",
            "value": REDACTED,
            "httpOnly": True,
        }
        assert result.credentials_blanked == 4
        assert SecretScanner([COOKIE]).scan_paths([tmp_path / "clean.zip"]) == []

    def test_json_lines_stay_json_and_the_rest_is_untouched(self, tmp_path: Path) -> None:
        """The viewer can still read it: same members, JSON lines parse, other bytes unchanged."""
        raw = _raw_trace(tmp_path / "raw.zip")
        scrub_trace(raw, tmp_path / "clean.zip", SECRETS.values())
        before, after = _members(raw), _members(tmp_path / "clean.zip")
        assert list(after) == list(before)
        lines = after["trace.trace"].decode().splitlines()
        events = [json.loads(line) for line in lines]
        assert events[1] == {
            "type": "before",
            "method": "fill",
            "params": {"selector": "#pw", "value": REDACTED},
        }
        assert events[0] == json.loads(before["trace.trace"].decode().splitlines()[0])
        assert after["resources/site.css"] == before["resources/site.css"]
        assert after["resources/post.dat"] == f"user=host&password={REDACTED}".encode()

    def test_written_owner_only(self, tmp_path: Path) -> None:
        """The scrubbed archive is an evidence file: mode 0600."""
        scrub_trace(_raw_trace(tmp_path / "raw.zip"), tmp_path / "clean.zip", SECRETS.values())
        assert (tmp_path / "clean.zip").stat().st_mode & 0o777 == 0o600

    def test_a_damaged_archive_is_refused_and_nothing_is_written(self, tmp_path: Path) -> None:
        """A raw trace that is not a zip cannot be shown clean: an error, and no file."""
        raw = tmp_path / "raw.zip"
        raw.write_bytes(b"PK\x03\x04 not really a zip" + PASSWORD.encode())
        with pytest.raises(EvidenceError, match=r"could not be read to scrub it") as info:
            scrub_trace(raw, tmp_path / "clean.zip", SECRETS.values())
        assert PASSWORD not in str(info.value)
        assert not (tmp_path / "clean.zip").exists()

    def test_a_secret_left_after_scrubbing_keeps_the_trace_out(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The scan after the scrub is a real gate: a scrub that misses refuses the trace."""
        raw = _raw_trace(tmp_path / "raw.zip")
        monkeypatch.setattr(
            "dnn_runbook.evidence.trace._Scrubber.scrub_bytes", lambda _self, data: data
        )
        with pytest.raises(EvidenceError, match=r"still holds a secret") as info:
            scrub_trace(raw, tmp_path / "clean.zip", SECRETS.values())
        for value in SECRETS.values():
            assert value not in str(info.value)
        assert not (tmp_path / "clean.zip").exists()


class TestKeepTrace:
    def test_the_raw_trace_stays_outside_and_is_deleted(self, manifest: Manifest) -> None:
        """save() gets a private temporary path; afterwards only the scrubbed copy exists."""
        seen: list[Path] = []

        def save(path: Path) -> None:
            seen.append(path)
            assert path.parent.stat().st_mode & 0o777 == 0o700
            _raw_trace(path)

        name, _result = keep_trace(
            save, server="old", manifest=manifest, secrets=list(SECRETS.values())
        )
        assert name == "trace-old.zip"
        assert manifest.run_dir not in seen[0].parents
        assert not seen[0].parent.exists()
        assert manifest.entries[-1].file == "trace-old.zip"
        assert verify_run_dir(manifest.run_dir).ok
        assert SecretScanner(SECRETS).scan_paths([manifest.run_dir]) == []

    def test_a_second_trace_of_a_server_gets_a_new_name(self, manifest: Manifest) -> None:
        """A resumed run never overwrites a trace: trace-old-2.zip."""
        for _ in range(2):
            keep_trace(_raw_trace, server="old", manifest=manifest, secrets=SECRETS.values())
        assert trace_file_name("old", manifest) == "trace-old-3.zip"
        assert {e.file for e in manifest.entries} >= {"trace-old.zip", "trace-old-2.zip"}
        assert verify_run_dir(manifest.run_dir).ok

    def test_server_names_become_safe_file_names(self, manifest: Manifest) -> None:
        """A runbook server name with odd characters cannot escape the run directory."""
        assert trace_file_name("../prod server", manifest) == "trace-prod-server.zip"

    def test_a_trace_that_cannot_be_saved_is_skipped_with_a_warning(
        self, manifest: Manifest
    ) -> None:
        """A dead browser loses its trace, not the run: the others are kept, one event says so."""

        def broken(_path: Path) -> None:
            raise RuntimeError("Target page, context or browser has been closed")

        with capture_logs() as logs:
            kept = keep_traces(
                {"old": broken, "new": _raw_trace},
                manifest=manifest,
                secrets=SECRETS.values(),
            )
        assert kept == ["trace-new.zip"]
        events = {log["event"]: log for log in logs}
        assert events["trace_not_kept"]["server"] == "old"
        assert "closed" in events["trace_not_kept"]["error"]
        assert events["trace_kept"]["file"] == "trace-new.zip"
        assert verify_run_dir(manifest.run_dir).ok


class TestOtherLicensesInvoices:
    def test_invoice_fields_of_an_api_answer_are_cut_to_four_characters(
        self, tmp_path: Path
    ) -> None:
        """An answer listing licenses the run never named: each invoice field keeps its last
        four characters at most, whatever the key's letter case."""
        answer = {
            "licenses": [
                {"type": "Staging", "invoice": "INV1001-1"},
                {"type": "Test", "InvoiceNumber": "INV1002-1"},
            ]
        }
        raw = tmp_path / "raw.zip"
        with zipfile.ZipFile(raw, "w") as archive:
            archive.writestr("resources/0a1b.json", json.dumps(answer))
            archive.writestr("trace.network", _event(type="x", body={"invoice": "INV1003-1"}))
        scrub_trace(raw, tmp_path / "clean.zip", [PASSWORD])
        members = _members(tmp_path / "clean.zip")
        assert json.loads(members["resources/0a1b.json"]) == {
            "licenses": [
                {"type": "Staging", "invoice": f"{REDACTED}01-1"},
                {"type": "Test", "InvoiceNumber": f"{REDACTED}02-1"},
            ]
        }
        assert b"INV1003" not in members["trace.network"]

    def test_invoices_the_run_read_are_scrubbed_from_dom_snapshots(self) -> None:
        """The run learns every invoice a license table showed; a trace's snapshot text is
        scrubbed of them (short values are not learned: they would mask ordinary text)."""
        from dnn_runbook.evidence.redact import SecretSet

        secrets = SecretSet([PASSWORD])
        secrets.learn_invoices(["INV1004-1 ", "12"])
        assert set(secrets.values()) == {PASSWORD, "INV1004-1"}
        assert secrets.redact("cell INV1004-1 and 12") == f"cell {REDACTED} and 12"
