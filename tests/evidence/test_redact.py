"""Secrets: redacted from text and log events, and found by the scan in any form and archive."""

from __future__ import annotations

import base64
import html
import io
import json
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import structlog
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dnn_runbook.evidence.redact import (
    REDACTED,
    Finding,
    Redactor,
    SecretScanner,
    redacting_processor,
    scan_paths,
)
from dnn_runbook.exceptions import SecretScanError

PASSWORD = "S3cret pa$$/wörd&<\"'"
EMAIL = "ops.lead@example.com"
INVOICE = "INV0042-7"
KEY = "QUJDMTIzLWFjdGl2YXRpb24ta2V5"
SECRETS = {"password": PASSWORD, "email": EMAIL, "invoice": INVOICE, "activation key": KEY}

Encoder = Callable[[str], str]

#: Text forms a secret takes in real artifacts, with the form a finding should name.
TEXT_FORMS: dict[str, tuple[Encoder, str]] = {
    "as typed": (lambda s: s, "UTF-8"),
    "upper case": (str.upper, "UTF-8"),
    "form body (quote_plus)": (quote_plus, "URL-encoded"),
    "query string (quote, lowercase hex)": (
        lambda s: quote(s, safe="").replace("%C3", "%c3").replace("%B6", "%b6"),
        "URL-encoded",
    ),
    "HTML attribute": (html.escape, "HTML-escaped"),
    "HTML numeric entities": (
        lambda s: "".join(f"&#{ord(c)};" if not c.isalnum() else c for c in s),
        "HTML-escaped",
    ),
    "JSON, ASCII only": (lambda s: json.dumps(s)[1:-1], "JSON-escaped"),
    "JSON, slash escaped": (lambda s: json.dumps(s)[1:-1].replace("/", "\\/"), "JSON-escaped"),
}


def _noise(seed: int, size: int) -> bytes:
    """Repeatable bytes that look like compressed image data."""
    return random.Random(seed).randbytes(size)  # noqa: S311 - test data, not cryptography


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _forms(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.secret, f.encoding) for f in findings}


class TestRedactor:
    @pytest.mark.parametrize("form", TEXT_FORMS, ids=list(TEXT_FORMS))
    def test_every_form_of_a_secret_is_redacted(self, form: str) -> None:
        """The password disappears from text whether typed, URL-, HTML- or JSON-escaped."""
        encode, _ = TEXT_FORMS[form]
        encoded = encode(PASSWORD)
        redacted = Redactor(SECRETS.values()).redact(f"before {encoded} after")
        assert redacted == f"before {REDACTED} after"

    def test_every_secret_and_every_occurrence(self) -> None:
        """All secrets, each as often as it appears, are replaced; the rest of the text stays."""
        text = f"{EMAIL} paid {INVOICE}; again {INVOICE} for {quote_plus(EMAIL)}"
        assert Redactor(SECRETS.values()).redact(text) == (
            f"{REDACTED} paid {REDACTED}; again {REDACTED} for {REDACTED}"
        )

    def test_longer_secret_is_redacted_whole(self) -> None:
        """When one secret contains another, the longer one is replaced in one piece."""
        redactor = Redactor(["INV0042", "INV0042-7"])
        assert redactor.redact("invoice INV0042-7") == f"invoice {REDACTED}"

    def test_text_without_secrets_is_unchanged(self) -> None:
        """Redaction touches nothing else, escapes included."""
        text = "Production License has been activated successfully &amp; %40 \\u0041"
        assert Redactor(SECRETS.values()).redact(text) == text

    def test_empty_secrets_are_ignored(self) -> None:
        """An empty value (an unset variable) would match everywhere: it is skipped."""
        redactor = Redactor(["", INVOICE])
        assert len(redactor) == 1
        assert redactor.redact("abc") == "abc"
        assert Redactor([]).redact("abc") == "abc"

    def test_repr_never_shows_the_values(self) -> None:
        """A redactor that ends up in a log or a traceback shows only how many secrets it has."""
        shown = repr(Redactor(SECRETS.values()))
        assert shown == "Redactor(<4 secrets>)"

    @settings(max_examples=60, deadline=None)
    @given(
        secret=st.text(
            st.characters(blacklist_categories=["Cs", "Cc"]), min_size=6, max_size=24
        ).filter(lambda s: s.strip() == s),
        form=st.sampled_from(sorted(TEXT_FORMS)),
    )
    def test_any_secret_in_any_form(self, secret: str, form: str) -> None:
        """For any secret text, each encoded form is recognised and redacted."""
        assume(form != "upper case" or secret.isascii())  # "ß".upper() is "SS"
        encoded = TEXT_FORMS[form][0](secret)
        redactor = Redactor([secret])
        assert redactor.contains(encoded)
        assert REDACTED in redactor.redact(encoded)
        assert encoded not in redactor.redact(f"<{encoded}>")


class TestRedactingProcessor:
    def test_nested_values_and_keys_are_redacted(self) -> None:
        """Strings anywhere in the event (dicts, lists, tuples, keys) are redacted; types stay."""
        processor = redacting_processor(Redactor(SECRETS.values()))
        event = {
            "event": "license_table_read",
            "rows": [{"invoice": INVOICE, "type": "Production", "activated": True}],
            "pair": (EMAIL, 3),
            INVOICE: "as a key",
            "count": 2,
            "none": None,
        }
        assert processor(None, "info", event) == {
            "event": "license_table_read",
            "rows": [{"invoice": REDACTED, "type": "Production", "activated": True}],
            "pair": (REDACTED, 3),
            REDACTED: "as a key",
            "count": 2,
            "none": None,
        }

    def test_other_objects_holding_a_secret_become_redacted_text(self) -> None:
        """An object whose str() would print a secret is replaced by that text, redacted."""
        processor = redacting_processor(Redactor([INVOICE]))
        clean = Path("/tmp/clean")
        out = processor(None, "info", {"path": Path(f"/tmp/{INVOICE}"), "clean": clean})
        assert out == {"path": f"/tmp/{REDACTED}", "clean": clean}

    def test_rendered_log_lines_carry_no_secret(self) -> None:
        """Through a real structlog chain, last before the JSON renderer, nothing leaks."""
        stream = io.StringIO()
        logger = structlog.wrap_logger(
            structlog.PrintLogger(stream),
            processors=[
                structlog.processors.add_log_level,
                redacting_processor(Redactor(SECRETS.values())),
                structlog.processors.JSONRenderer(),
            ],
        )
        logger.info("login", username="host", password=PASSWORD, url=f"/?u={quote(EMAIL)}")
        logger.warning("notification_seen", text=f"Production activation for {INVOICE} is in use.")
        output = stream.getvalue()
        # JSON escapes the mask's dots (\u2022); count it as it is written.
        assert output.count(json.dumps(REDACTED)[1:-1]) == 3
        assert SecretScanner(SECRETS).scan_text(output, source="<log>") == []


class TestScan:
    @pytest.mark.parametrize("form", TEXT_FORMS, ids=list(TEXT_FORMS))
    def test_text_forms_are_found(self, tmp_path: Path, form: str) -> None:
        """The password is found in a file in each text form, and the finding names the form."""
        encode, expected = TEXT_FORMS[form]
        (tmp_path / "page.html").write_text(f"<p>{encode(PASSWORD)}</p>", encoding="utf-8")
        findings = scan_paths([tmp_path], SECRETS)
        assert _forms(findings) == {("password", expected)}
        assert findings[0].source == str(tmp_path / "page.html")

    @pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
    def test_utf16_is_found(self, tmp_path: Path, encoding: str) -> None:
        """A secret written as UTF-16 (either byte order) is found, in any letter case."""
        data = "\ufeffuser: ".encode(encoding) + EMAIL.upper().encode(encoding)
        (tmp_path / "dump.bin").write_bytes(b"\x00\x01" + data)
        label = encoding.upper()
        assert _forms(scan_paths([tmp_path / "dump.bin"], SECRETS)) == {("email", label)}

    @pytest.mark.parametrize("lead", [0, 1, 2])
    @pytest.mark.parametrize("alphabet", ["standard", "urlsafe"])
    def test_base64_is_found_at_every_alignment(self, lead: int, alphabet: str) -> None:
        """A secret inside base64 text is found whatever its offset in the 3-byte groups."""
        raw = b"x" * lead + PASSWORD.encode() + b"tail"
        encoded = base64.b64encode(raw) if alphabet == "standard" else base64.urlsafe_b64encode(raw)
        findings = SecretScanner(SECRETS).scan_bytes(b'{"postData": "' + encoded + b'"}')
        assert _forms(findings) == {("password", "base64")}

    def test_found_inside_a_compressed_zip(self, tmp_path: Path) -> None:
        """A Playwright-like trace.zip is opened: typed values and POST bodies are found."""
        trace = json.dumps({"type": "action", "method": "fill", "params": {"value": PASSWORD}})
        archive = _zip(
            {
                "trace.trace": (trace + "\n").encode() * 50,
                "resources/req-body.dat": f"email={quote_plus(EMAIL)}&x=1".encode() * 50,
                "resources/page@1.jpeg": _noise(1, 4000),
            }
        )
        assert PASSWORD.encode() not in archive  # deflated: only opening the archive shows it
        (tmp_path / "trace.zip").write_bytes(archive)
        findings = scan_paths([tmp_path], SECRETS)
        where = {(f.member, f.secret, f.encoding) for f in findings}
        assert where == {
            ("trace.trace", "password", "JSON-escaped"),
            ("resources/req-body.dat", "email", "URL-encoded"),
        }
        assert all(f.source == str(tmp_path / "trace.zip") for f in findings)

    def test_found_inside_a_nested_zip(self) -> None:
        """A zip inside a zip is opened too, and the member path shows the nesting."""
        inner = _zip({"notes.txt": f"invoice {INVOICE}".encode()})
        outer = _zip({"bundle/inner.zip": inner})
        findings = SecretScanner(SECRETS).scan_bytes(outer, source="outer.zip")
        assert [(f.member, f.secret) for f in findings] == [
            ("bundle/inner.zip!notes.txt", "invoice")
        ]
        assert str(findings[0]).startswith("outer.zip!bundle/inner.zip!notes.txt: invoice found")

    def test_walks_folders_including_hidden_and_nested_files(self, tmp_path: Path) -> None:
        """Every file under a folder is read, hidden files and subfolders included."""
        (tmp_path / "sub" / "deeper").mkdir(parents=True)
        (tmp_path / ".hidden").write_text(INVOICE)
        (tmp_path / "sub" / "deeper" / "events.jsonl").write_text(json.dumps({"k": KEY}))
        (tmp_path / "clean.txt").write_text("nothing here")
        sources = sorted(Path(f.source).name for f in scan_paths([tmp_path], SECRETS))
        assert sources == [".hidden", "events.jsonl"]

    def test_counts_occurrences_and_reports_the_first(self) -> None:
        """A finding says how many times the secret appears in that form and where first."""
        data = f"aaa {INVOICE} bbb {INVOICE.lower()} ccc".encode()
        (finding,) = SecretScanner({"invoice": INVOICE}).scan_bytes(data)
        assert (finding.offset, finding.count) == (4, 2)

    def test_clean_files_give_no_finding(self, tmp_path: Path) -> None:
        """Random binary data, escapes and lookalikes of the secrets are not findings."""
        (tmp_path / "shot.png").write_bytes(_noise(7, 300_000))
        (tmp_path / "events.jsonl").write_text(
            '{"invoice": "…-7", "email": "[redacted]", "text": "%40 &amp; \\u0041 INV0042"}\n'
        )
        assert scan_paths([tmp_path], SECRETS) == []

    def test_finding_never_shows_the_value(self, tmp_path: Path) -> None:
        """A finding names the secret by label; neither str() nor repr() holds its value."""
        (tmp_path / "log.txt").write_text(f"key={KEY}")
        (finding,) = scan_paths([tmp_path], SECRETS)
        assert KEY not in str(finding)
        assert KEY not in repr(finding)
        assert (
            str(finding)
            == f"{tmp_path / 'log.txt'}: activation key found once (UTF-8), first at byte 4"
        )

    def test_plain_list_of_secrets_gets_numbered_labels(self) -> None:
        """Without labels, secrets are named by their position."""
        findings = SecretScanner([EMAIL, INVOICE]).scan_text(f"x {INVOICE}")
        assert [f.secret for f in findings] == ["secret 2"]

    def test_damaged_archive_is_an_error(self, tmp_path: Path) -> None:
        """An archive that cannot be opened cannot be shown clean: the scan stops naming it."""
        (tmp_path / "trace.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
        with pytest.raises(SecretScanError, match=r"trace\.zip looks like a zip archive"):
            scan_paths([tmp_path], SECRETS)

    def test_unreadable_path_is_an_error(self, tmp_path: Path) -> None:
        """A path that does not exist is not silently skipped."""
        with pytest.raises(SecretScanError, match="could not be read"):
            scan_paths([tmp_path / "missing.png"], SECRETS)

    @settings(max_examples=60, deadline=None)
    @given(
        secret=st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=6, max_size=24),
        form=st.sampled_from(sorted(TEXT_FORMS)),
        # Bytes that start like a zip but are not one are refused on purpose (tested above).
        before=st.binary(max_size=64).filter(lambda b: not b.startswith(b"PK")),
        after=st.binary(max_size=64),
    )
    def test_any_secret_in_any_form_between_any_bytes(
        self, secret: str, form: str, before: bytes, after: bytes
    ) -> None:
        """Whatever the secret and the bytes around it, every encoded form is found."""
        assume(form != "upper case" or secret.isascii())  # bytes match ASCII case only
        encoded = TEXT_FORMS[form][0](secret).encode("utf-8")
        findings = SecretScanner({"s": secret}).scan_bytes(before + encoded + after)
        assert findings
