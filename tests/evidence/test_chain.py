"""The manifest format's rules: canonical JSON, entry parsing, file names, rendering."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest

from dnn_runbook.evidence._chain import (
    ManifestEntry,
    abbreviate,
    audit_chain,
    canonical_json,
    genesis_hash,
    parse_entry,
    render_manifest,
    validate_file_name,
)
from dnn_runbook.exceptions import ManifestError

SHA = hashlib.sha256(b"runbook").hexdigest()
BINDING = {"runbook": {"name": "m", "sha256": SHA}}


def _entry(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seq": 1,
        "file": "01-a.png",
        "size": 3,
        "sha256": hashlib.sha256(b"abc").hexdigest(),
        "step_id": None,
        "time": "2026-11-29T21:24:06.000000Z",
        "prev": genesis_hash("run", BINDING),
    }
    fields["hash"] = hashlib.sha256(canonical_json(fields)).hexdigest()
    return {**fields, **changes}


class TestCanonicalJson:
    def test_sorted_compact_utf8(self) -> None:
        """Keys sorted, no whitespace, non-ASCII kept as UTF-8 (not \\u escapes)."""
        assert canonical_json({"b": 1, "a": "Zürich"}) == '{"a":"Zürich","b":1}'.encode()

    def test_abbreviate(self) -> None:
        """A hash is shown as its first and last four digits."""
        assert abbreviate("3fa1" + "0" * 56 + "c9d2") == "3fa1…c9d2"


class TestFileNames:
    @pytest.mark.parametrize("name", ["a.png", "traces/trace.zip", ".hidden", "é.txt"])
    def test_accepted(self, name: str) -> None:
        """Plain relative POSIX names, in subfolders too, are evidence file names."""
        assert validate_file_name(name) is None

    @pytest.mark.parametrize(
        "name", ["", "/abs", "../up", "a/../b", "./a", "a//b", "a/", "a\\b", "manifest.json"]
    )
    def test_refused(self, name: str) -> None:
        """Absolute, escaping, non-normal or backslashed names, and the manifest, are refused."""
        assert validate_file_name(name) is not None


class TestParseEntry:
    def test_round_trip(self) -> None:
        """A well-formed entry parses to the same fields it was written from."""
        raw = _entry()
        assert parse_entry(raw).to_json() == raw

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"seq": True}, "'seq' must be an integer >= 1 (got True)"),
            ({"seq": 0}, "'seq' must be an integer >= 1"),
            ({"size": -1}, "'size' must be an integer >= 0"),
            ({"sha256": "AB" * 32}, "'sha256' must be 64 lowercase hex digits"),
            ({"step_id": 3}, "'step_id' must be a string or null"),
            ({"time": "2026-11-29 21:24:06"}, "'time' must be a UTC ISO 8601 time ending in Z"),
            ({"extra": 1}, "unexpected: extra"),
        ],
    )
    def test_names_the_field_and_what_was_found(
        self, changes: dict[str, Any], message: str
    ) -> None:
        """A wrong field is refused with its name, the expectation and the value found."""
        with pytest.raises(ManifestError, match=re.escape(message)):
            parse_entry(_entry(**changes))

    def test_missing_field(self) -> None:
        """A missing field is named."""
        raw = _entry()
        del raw["prev"]
        with pytest.raises(ManifestError, match="missing: prev"):
            parse_entry(raw)


class TestRenderAndAudit:
    def test_rendered_document_audits_clean(self) -> None:
        """What render_manifest writes, audit_chain accepts, and its head is the last hash."""
        entry = ManifestEntry(**_entry())
        document = json.loads(render_manifest("run", BINDING, [entry]))
        audit = audit_chain(document)
        assert audit.problems == ()
        assert audit.head == entry.hash
        assert audit.entries == (entry,)

    def test_empty_chain_head_is_the_genesis_value(self) -> None:
        """A manifest with no entries has the genesis value as head."""
        document = json.loads(render_manifest("run", BINDING, []))
        assert document["head"] == genesis_hash("run", BINDING)
        assert audit_chain(document).problems == ()
