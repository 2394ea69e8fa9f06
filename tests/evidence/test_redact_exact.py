"""Redaction and the secret scan, to the exact value: sets, boundaries, offsets, messages.

``tests/evidence/test_redact.py`` shows secrets are found in every form; these tests pin the
details a small change would break without that file noticing: which secrets a run knows,
the depth to which archives are opened, where a UTF-16 hit is said to be and how often, the
labels and messages a finding or an error shows.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest

from dnn_runbook.evidence.redact import (
    MAX_ZIP_DEPTH,
    REDACTED,
    Finding,
    Redactor,
    SecretScanner,
    SecretSet,
    redacting_processor,
)
from dnn_runbook.exceptions import SecretScanError
from dnn_runbook.runbook.secrets import Secret, SecretKind

INVOICE = "INV0042-7"


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _nested(levels: int) -> bytes:
    """A text file holding the invoice, zipped ``levels`` times (each inside the next)."""
    data = _zip("secret.txt", f"invoice {INVOICE} ".encode() * 20)
    for level in range(2, levels + 1):
        data = _zip(f"level{level - 1}.zip", data)
    return data


class TestRedactor:
    def test_longer_secret_first_whatever_the_letter_case(self) -> None:
        """Secrets are tried longest first, not in alphabetical order: a short secret that
        matches the start of a longer one (letters match in either case) does not cut it."""
        redactor = Redactor(["abc", "ABC-1234"])
        assert redactor.redact("x ABC-1234 y") == f"x {REDACTED} y"

    def test_letter_case_beyond_upper_and_lower(self) -> None:
        """Letters match ignoring case, not only as ``upper()`` and ``lower()`` give them: the
        capital sharp s (ẞ) of a secret written with ß is redacted too."""
        assert Redactor(["Straße-42"]).redact("x STRAẞE-42 y") == f"x {REDACTED} y"

    def test_count_and_repr(self) -> None:
        """Duplicates and empty values are not counted; the repr shows only the count."""
        redactor = Redactor(["a1", "a1", "", "b2"])
        assert len(redactor) == 2
        assert repr(redactor) == "Redactor(<2 secrets>)"
        assert redactor.contains("x a1") is True
        assert redactor.contains("x c3") is False

    def test_no_secret(self) -> None:
        """A redactor without a secret finds nothing and changes nothing."""
        redactor = Redactor([])
        assert redactor.contains("anything") is False
        assert redactor.redact("anything") == "anything"


class TestSecretSet:
    def test_empty_set(self) -> None:
        """A run that knows no secret yet redacts nothing and finds nothing."""
        secrets = SecretSet()
        assert secrets.values() == ()
        assert secrets.redact("abc") == "abc"
        assert secrets.contains("abc") is False
        assert repr(secrets) == "SecretSet(<0 secrets>)"

    def test_values_whole_and_stripped_once_each(self) -> None:
        """A value is kept as given and stripped (the runner compares stripped values), each
        once, in the order learned; an empty value is not kept."""
        secrets = SecretSet([Secret(" pw1 ", SecretKind.PASSWORD), "", "key2"])
        secrets.add("pw1")
        secrets.add(Secret("key2", SecretKind.ACTIVATION_KEY))
        assert secrets.values() == (" pw1 ", "pw1", "key2")
        assert repr(secrets) == "SecretSet(<3 secrets>)"

    def test_added_secret_is_redacted_from_then_on(self) -> None:
        """A secret learned mid-run (an activation key typed) is redacted from then on."""
        secrets = SecretSet(["pw1"])
        assert secrets.redact("pw1 key2") == f"{REDACTED} key2"
        secrets.add("key2")
        assert secrets.redact("pw1 key2") == f"{REDACTED} {REDACTED}"
        assert secrets.contains("a key2") is True

    def test_learned_invoices_from_four_characters(self) -> None:
        """Invoice numbers read from a page are learned stripped, from four characters on;
        shorter ones would mask ordinary text."""
        secrets = SecretSet()
        secrets.learn_invoices(["1234", "123", " 5678 ", " 12 "])
        assert secrets.values() == ("1234", "5678")


class _Pair(NamedTuple):
    label: str
    value: str


class TestProcessor:
    def test_named_tuple_keeps_its_type(self) -> None:
        """A NamedTuple in an event is rebuilt as the same type, each field redacted."""
        processor = redacting_processor(SecretSet([INVOICE]))
        out = processor(None, "info", {"pair": _Pair("invoice", f"n {INVOICE}")})
        assert out == {"pair": _Pair("invoice", f"n {REDACTED}")}
        assert type(out["pair"]) is _Pair

    def test_sets_keep_their_type(self) -> None:
        """Sets and frozensets are walked and keep their type."""
        processor = redacting_processor(Redactor([INVOICE]))
        out = processor(None, "info", {"s": {INVOICE, "a"}, "f": frozenset({INVOICE})})
        assert out == {"s": {REDACTED, "a"}, "f": frozenset({REDACTED})}
        assert type(out["f"]) is frozenset

    def test_numbers_and_none_keep_their_type(self) -> None:
        """Numbers, booleans and None that spell no secret are left as they are, types and
        all: the events keep their shape."""
        processor = redacting_processor(Redactor([INVOICE, "55501"]))
        event = {"n": 3, "f": 1.5, "b": True, "none": None}
        out = processor(None, "info", event)
        assert out == event
        assert [type(v) for v in out.values()] == [int, float, bool, type(None)]

    def test_a_number_that_spells_a_secret_is_masked(self) -> None:
        """An all-digit secret (an invoice number, a PIN-like password) logged as a number is
        masked like text: a log may not hold a secret whatever its type."""
        processor = redacting_processor(Redactor(["55501", "1234.5"]))
        out = processor(None, "info", {"invoice": 55501, "in_id": 9955501, "f": 1234.5})
        assert out == {"invoice": REDACTED, "in_id": f"99{REDACTED}", "f": REDACTED}


class TestFinding:
    def test_sentence(self) -> None:
        """A finding reads as where, which secret, how often, in what form and where first."""
        finding = Finding("trace.zip", "a.txt", "invoice", "UTF-8", 7, 2)
        assert str(finding) == "trace.zip!a.txt: invoice found 2 times (UTF-8), first at byte 7"
        once = Finding("log.txt", None, "email", "base64", 0, 1)
        assert str(once) == "log.txt: email found once (base64), first at byte 0"


class TestScanSources:
    def test_default_labels(self) -> None:
        """Bytes and text scanned without a source are labelled ``<bytes>`` and ``<text>``."""
        scanner = SecretScanner({"invoice": INVOICE})
        assert [f.source for f in scanner.scan_bytes(INVOICE.encode())] == ["<bytes>"]
        assert [f.source for f in scanner.scan_text(INVOICE)] == ["<text>"]

    def test_text_source_and_lone_surrogates(self) -> None:
        """Text is scanned under the source it is given, even text holding a lone surrogate
        (output decoded with ``surrogateescape``), which UTF-8 alone cannot encode."""
        findings = SecretScanner({"invoice": INVOICE}).scan_text(
            f"\udcff {INVOICE}", source="<stdout>"
        )
        assert findings == [Finding("<stdout>", None, "invoice", "UTF-8", 4, 1)]

    def test_missing_file_message(self, tmp_path: Path) -> None:
        """A file that cannot be read is named with the system's reason, in a sentence."""
        missing = tmp_path / "missing.png"
        with pytest.raises(SecretScanError) as caught:
            SecretScanner([INVOICE]).scan_paths([missing])
        assert str(caught.value) == (
            f"{missing} could not be read to scan it for secrets (No such file or directory)."
        )


class TestZipDepth:
    def test_deepest_archive_opened(self, tmp_path: Path) -> None:
        """Archives are opened MAX_ZIP_DEPTH levels deep, from a file as from bytes; the
        member path names every level."""
        assert MAX_ZIP_DEPTH == 4
        data = _nested(MAX_ZIP_DEPTH)
        assert INVOICE.encode() not in data  # deflated: only opening every level shows it
        path = tmp_path / "bundle.zip"
        path.write_bytes(data)
        member = "level3.zip!level2.zip!level1.zip!secret.txt"
        scanner = SecretScanner({"invoice": INVOICE})
        assert [(f.source, f.member) for f in scanner.scan_paths([path])] == [(str(path), member)]
        assert [(f.source, f.member) for f in scanner.scan_bytes(data)] == [("<bytes>", member)]

    def test_one_level_deeper_is_not_opened(self) -> None:
        """An archive nested one level deeper than MAX_ZIP_DEPTH is not opened."""
        data = _nested(MAX_ZIP_DEPTH + 1)
        assert SecretScanner({"invoice": INVOICE}).scan_bytes(data) == []

    def test_damaged_inner_archive_is_named_with_its_path(self) -> None:
        """A damaged archive inside an archive is named by both, so it can be found."""
        outer = _zip("inner.zip", b"PK\x03\x04" + b"\x00" * 40)
        with pytest.raises(SecretScanError, match=r"^outer\.zip!inner\.zip looks like a zip"):
            SecretScanner([INVOICE]).scan_bytes(outer, source="outer.zip")


class TestOffsets:
    def test_every_utf16_occurrence_counted_from_offset_zero(self) -> None:
        """Each UTF-16 occurrence counts, the first at byte 0 too."""
        one = "ab12".encode("utf-16-le")
        data = one + b"--" + one + b"--" + one
        findings = SecretScanner({"s": "ab12"}).scan_bytes(data)
        assert findings == [Finding("<bytes>", None, "s", "UTF-16-LE", 0, 3)]

    def test_overlapping_occurrences_are_each_counted(self) -> None:
        """Occurrences that overlap are each counted (here a base64 run one character long)."""
        findings = SecretScanner({"s": "\x00" * 6}).scan_bytes(b"A" * 9)
        assert findings == [Finding("<bytes>", None, "s", "base64", 0, 2)]

    def test_byte_order_told_apart_by_alignment(self) -> None:
        """Big-endian text followed by more text also reads as little-endian one byte later,
        and little-endian text after a NUL byte as big-endian one byte earlier: the even
        offset decides which it is, and each string is reported once, where it starts."""
        big = "ab12x".encode("utf-16-be")  # the LE needle also matches at byte 1
        little = "ab12".encode("utf-16-le")  # after b"\0\0", the BE needle matches at 11
        data = big + b"\x00\x00" + little
        findings = SecretScanner({"s": "ab12"}).scan_bytes(data)
        assert findings == [
            Finding("<bytes>", None, "s", "UTF-16-LE", 12, 1),
            Finding("<bytes>", None, "s", "UTF-16-BE", 0, 1),
        ]
