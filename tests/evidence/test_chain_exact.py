"""The hash chain's exact rules: every hash's bytes, every boundary, every message in full.

``tests/evidence/test_chain.py`` shows the format works; these tests pin what a changed
character would break. A hash computed over other bytes cannot be checked by another tool
(the format is documented so that it can be), and the messages are what an auditor reads when
a run directory was tampered with, so each is compared whole.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence._chain import (
    FORMAT,
    ChainAudit,
    ManifestEntry,
    abbreviate,
    audit_chain,
    canonical_json,
    file_digest,
    genesis_hash,
    is_sha256_hex,
    load_manifest_document,
    parse_entry,
    render_manifest,
    runbook_of,
    sha256_hex,
    sorted_json,
    validate_file_name,
)
from dnn_runbook.exceptions import ManifestError, RunDirError

SHA = hashlib.sha256(b"runbook").hexdigest()
BINDING: dict[str, Any] = {"runbook": {"name": "m", "sha256": SHA}}
#: The genesis value of run "run" with BINDING, from the canonical bytes the format documents.
GENESIS = hashlib.sha256(
    b'{"binding":{"runbook":{"name":"m","sha256":"' + SHA.encode() + b'"}},'
    b'"format":"dnn-runbook-manifest/2","run_id":"run"}'
).hexdigest()
ABC = hashlib.sha256(b"abc").hexdigest()
TIME = "2026-11-29T21:24:06.000000Z"

NAME_MESSAGE = "it must be a non-empty POSIX path without backslashes or control characters"
PLAIN_MESSAGE = "it must be a plain relative path inside the run directory"
KEYS = "seq, file, size, sha256, step_id, time, prev, hash"


def _hash_of(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _raw(position: int = 1, link: str = GENESIS, **changes: Any) -> dict[str, Any]:
    """Entry ``position`` linked to ``link``, with a correct hash, then ``changes`` applied."""
    fields: dict[str, Any] = {
        "seq": position,
        "file": f"{position:02d}-a.png",
        "size": 3,
        "sha256": ABC,
        "step_id": None,
        "time": TIME,
        "prev": link,
    }
    fields["hash"] = _hash_of(fields)
    return {**fields, **changes}


def _chain(count: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    prev = GENESIS
    for seq in range(1, count + 1):
        entries.append(_raw(seq, prev))
        prev = entries[-1]["hash"]
    return entries


def _document(chain: list[Any], **changes: Any) -> dict[str, Any]:
    """A manifest's top level holding ``chain``, with its right head, then ``changes``."""
    head = chain[-1]["hash"] if chain and isinstance(chain[-1], dict) else GENESIS
    document = {
        "format": FORMAT,
        "run_id": "run",
        "binding": BINDING,
        "entries": chain,
        "head": head,
    }
    return {**document, **changes}


def _short(digest: str) -> str:
    return f"{digest[:4]}…{digest[-4:]}"


class TestHashes:
    def test_canonical_json_bytes(self) -> None:
        """Keys sorted at every level, ',' and ':' with no space, non-ASCII as UTF-8 bytes."""
        value = {"b": [{"y": 1, "x": "é"}], "a": None}
        assert canonical_json(value) == '{"a":null,"b":[{"x":"é","y":1}]}'.encode()

    def test_sha256_hex(self) -> None:
        """The SHA-256 of the bytes, as 64 lowercase hex digits (the FIPS 180-2 vector)."""
        assert sha256_hex(b"abc") == (
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0" * 64, True),
            (ABC, True),
            ("A" * 64, False),
            ("0" * 63, False),
            ("0" * 65, False),
            ("g" * 64, False),
            (None, False),
            (64, False),
        ],
    )
    def test_is_sha256_hex(self, value: object, expected: bool) -> None:
        """Only a string of exactly 64 lowercase hex digits is a SHA-256 as the format writes it;
        another type is a plain no, not an error."""
        assert is_sha256_hex(value) is expected

    def test_sorted_json_sorts_every_level(self) -> None:
        """Objects inside lists inside objects are sorted too, values kept."""
        value = {"b": [{"d": 1, "c": {"f": 2, "e": 3}}, 4], "a": "x"}
        result = sorted_json(value)
        assert result == value
        assert list(result) == ["a", "b"]
        assert list(result["b"][0]) == ["c", "d"]
        assert list(result["b"][0]["c"]) == ["e", "f"]

    def test_genesis_hash(self) -> None:
        """The genesis value is the SHA-256 of the header's canonical JSON, as documented."""
        assert genesis_hash("run", BINDING) == GENESIS

    def test_entry_hash_and_json(self) -> None:
        """An entry hashes its seven other fields, by their documented names; its JSON form
        adds ``hash``."""
        entry = ManifestEntry(1, "01-a.png", 3, ABC, "preflight", TIME, GENESIS, "0" * 64)
        fields = {
            "seq": 1,
            "file": "01-a.png",
            "size": 3,
            "sha256": ABC,
            "step_id": "preflight",
            "time": TIME,
            "prev": GENESIS,
        }
        assert entry.hashed_fields() == fields
        assert entry.compute_hash() == _hash_of(fields)
        assert entry.to_json() == {**fields, "hash": "0" * 64}


class TestFileDigest:
    def test_file_over_one_read(self, tmp_path: Path) -> None:
        """A file longer than one read (1 MiB) is measured and hashed whole."""
        data = bytes(range(256)) * 4096 + b"end"
        path = tmp_path / "big.bin"
        path.write_bytes(data)
        assert file_digest(path) == (len(data), hashlib.sha256(data).hexdigest())

    def test_empty_file(self, tmp_path: Path) -> None:
        """An empty file has size 0 and the SHA-256 of no bytes."""
        path = tmp_path / "empty"
        path.write_bytes(b"")
        assert file_digest(path) == (0, hashlib.sha256(b"").hexdigest())


class TestAbbreviate:
    @pytest.mark.parametrize(
        ("digest", "shown"),
        [
            ("0123456789", "0123…6789"),
            ("012345678", "012345678"),
            ("", ""),
            (ABC, "ba78…15ad"),
        ],
    )
    def test_first_and_last_four(self, digest: str, shown: str) -> None:
        """From 10 characters on, a hash is shown as its first and last four; a shorter string
        (a damaged value) is shown whole."""
        assert abbreviate(digest) == shown


class TestRunbookOf:
    @pytest.mark.parametrize(
        ("binding", "expected"),
        [
            (None, (None, None)),
            ({}, (None, None)),
            ({"runbook": "m"}, (None, None)),
            ({"runbook": {"name": "m", "sha256": SHA}}, ("m", SHA)),
            ({"runbook": {"name": 3, "sha256": SHA}}, (None, SHA)),
            ({"runbook": {"name": "m", "sha256": SHA.upper()}}, ("m", None)),
            ({"runbook": {"name": "m", "sha256": 3}}, ("m", None)),
            ({"runbook": {}}, (None, None)),
        ],
    )
    def test_name_and_sha(self, binding: dict[str, Any] | None, expected: tuple[Any, Any]) -> None:
        """Each of name and SHA-256 is read on its own; one of the wrong type or form is None."""
        assert runbook_of(binding) == expected

    def test_audit_properties(self) -> None:
        """A chain audit reports the runbook its binding records."""
        audit = ChainAudit("run", BINDING, (), (), GENESIS)
        assert (audit.runbook_name, audit.runbook_sha256) == ("m", SHA)


class TestFileNames:
    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("", NAME_MESSAGE),
            ("a\\b", NAME_MESSAGE),
            ("a\nb", NAME_MESSAGE),
            ("a\x00b", NAME_MESSAGE),
            ("a\x1fb", NAME_MESSAGE),
            ("a\x7fb", NAME_MESSAGE),
            ("/abs", PLAIN_MESSAGE),
            (".", PLAIN_MESSAGE),
            ("..", PLAIN_MESSAGE),
            ("../up", PLAIN_MESSAGE),
            ("a b/../c", PLAIN_MESSAGE),
            ("a/..", PLAIN_MESSAGE),
            ("./a", PLAIN_MESSAGE),
            ("a//b", PLAIN_MESSAGE),
            ("manifest.json", "manifest.json cannot list itself"),
            ("a.png", None),
            ("sub dir/..a", None),
            ("traces/manifest.json", None),
        ],
    )
    def test_reason(self, name: str, message: str | None) -> None:
        """Each refused name gets the reason a user can act on; a good one gets None."""
        assert validate_file_name(name) == message


class TestParseEntry:
    def test_every_field_is_kept(self) -> None:
        """Each field lands in its own attribute (a zero size and a step id included)."""
        raw = _raw(size=0, step_id="preflight")
        entry = parse_entry(raw)
        assert entry == ManifestEntry(
            1, "01-a.png", 0, ABC, "preflight", TIME, GENESIS, raw["hash"]
        )

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            ([1], "an entry must be a JSON object (got list)"),
            (None, "an entry must be a JSON object (got NoneType)"),
        ],
    )
    def test_not_an_object(self, raw: object, message: str) -> None:
        """An entry that is not an object is named by its JSON-side type."""
        with pytest.raises(ManifestError) as caught:
            parse_entry(raw)
        assert str(caught.value) == message

    @pytest.mark.parametrize(
        ("drop", "add", "found"),
        [
            (["prev"], {}, "missing: prev; unexpected: none"),
            ([], {"zeta": 1, "alpha": 2}, "missing: none; unexpected: alpha, zeta"),
            (["hash", "seq"], {"x": 1}, "missing: seq, hash; unexpected: x"),
        ],
    )
    def test_wrong_field_set(self, drop: list[str], add: dict[str, Any], found: str) -> None:
        """Missing fields (in the format's order) and unexpected ones (sorted) are all named."""
        raw = {k: v for k, v in _raw().items() if k not in drop} | add
        with pytest.raises(ManifestError) as caught:
            parse_entry(raw)
        assert str(caught.value) == f"an entry must have exactly the fields {KEYS} ({found})"

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"seq": 0}, "'seq' must be an integer >= 1 (got 0)"),
            ({"seq": True}, "'seq' must be an integer >= 1 (got True)"),
            ({"seq": "1"}, "'seq' must be an integer >= 1 (got '1')"),
            ({"file": 5}, "'file' must be a relative POSIX path inside the run directory (got 5)"),
            (
                {"file": "../x"},
                "'file' must be a relative POSIX path inside the run directory (got '../x')",
            ),
            ({"size": -1}, "'size' must be an integer >= 0 (got -1)"),
            ({"size": False}, "'size' must be an integer >= 0 (got False)"),
            (
                {"sha256": "AB" * 32},
                f"'sha256' must be 64 lowercase hex digits (got '{'AB' * 32}')",
            ),
            ({"step_id": 3}, "'step_id' must be a string or null (got 3)"),
            ({"time": 5}, "'time' must be a UTC ISO 8601 time ending in Z (got 5)"),
            (
                {"time": "2026-11-29T21:24:06"},
                "'time' must be a UTC ISO 8601 time ending in Z (got '2026-11-29T21:24:06')",
            ),
            ({"prev": "x"}, "'prev' must be 64 lowercase hex digits (got 'x')"),
            ({"hash": None}, "'hash' must be 64 lowercase hex digits (got None)"),
        ],
    )
    def test_field_message(self, changes: dict[str, Any], message: str) -> None:
        """A wrong field is refused with its name, the expectation and the value found, whole."""
        with pytest.raises(ManifestError) as caught:
            parse_entry(_raw(**changes))
        assert str(caught.value) == message

    def test_first_wrong_field_is_named(self) -> None:
        """With several wrong fields, the first in the format's order is the one named."""
        with pytest.raises(ManifestError) as caught:
            parse_entry(_raw(size=-1, hash="x"))
        assert str(caught.value) == "'size' must be an integer >= 0 (got -1)"

    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            ("x" * 78, "'" + "x" * 78 + "'"),
            ("x" * 79, "'" + "x" * 76 + "..."),
        ],
    )
    def test_long_value_is_cut_at_80(self, value: str, shown: str) -> None:
        """A value is shown whole up to 80 characters of its repr, else its first 77 and
        '...': a crafted manifest cannot flood the report."""
        with pytest.raises(ManifestError) as caught:
            parse_entry(_raw(step_id=None, prev=value))
        assert str(caught.value) == f"'prev' must be 64 lowercase hex digits (got {shown})"

    def test_deeply_nested_value(self) -> None:
        """A value too deep to repr is described, not shown, and the error is still raised."""
        nested: list[Any] = []
        for _ in range(100_000):
            nested = [nested]
        with pytest.raises(ManifestError) as caught:
            parse_entry(_raw(step_id=nested))
        assert str(caught.value) == (
            "'step_id' must be a string or null (got a value nested too deeply to show)"
        )


class TestRender:
    def test_exact_bytes(self) -> None:
        """The manifest's bytes: header, entries and head, indented by two, non-ASCII kept,
        the binding's keys sorted at every level, one newline at the end."""
        binding = {"runbook": {"sha256": SHA, "name": "Zürich"}, "a": 1}
        genesis = genesis_hash("run", {"a": 1, "runbook": {"name": "Zürich", "sha256": SHA}})
        first = ManifestEntry(**_raw(1, genesis))
        second = ManifestEntry(**_raw(2, first.hash))
        rendered = render_manifest("run", binding, [first, second])

        def entry_text(entry: ManifestEntry) -> str:
            return (
                "    {\n"
                f'      "seq": {entry.seq},\n'
                f'      "file": "{entry.file}",\n'
                '      "size": 3,\n'
                f'      "sha256": "{ABC}",\n'
                '      "step_id": null,\n'
                f'      "time": "{TIME}",\n'
                f'      "prev": "{entry.prev}",\n'
                f'      "hash": "{entry.hash}"\n'
                "    }"
            )

        expected = (
            "{\n"
            '  "format": "dnn-runbook-manifest/2",\n'
            '  "run_id": "run",\n'
            '  "binding": {\n'
            '    "a": 1,\n'
            '    "runbook": {\n'
            '      "name": "Zürich",\n'
            f'      "sha256": "{SHA}"\n'
            "    }\n"
            "  },\n"
            '  "entries": [\n'
            f"{entry_text(first)},\n{entry_text(second)}\n"
            "  ],\n"
            f'  "head": "{second.hash}"\n'
            "}\n"
        )
        assert rendered == expected.encode("utf-8")

    @pytest.mark.parametrize("count", [1, 3])
    def test_head_is_the_last_hash(self, count: int) -> None:
        """The head written is the last entry's hash, however long the chain."""
        entries = [ManifestEntry(**raw) for raw in _chain(count)]
        assert json.loads(render_manifest("run", BINDING, entries))["head"] == entries[-1].hash

    def test_empty_chain_head_is_genesis_of_sorted_binding(self) -> None:
        """With no entry the head is the genesis value, computed over the sorted binding."""
        binding = {"runbook": {"sha256": SHA, "name": "m"}}
        document = json.loads(render_manifest("run", binding, []))
        assert document == {
            "format": FORMAT,
            "run_id": "run",
            "binding": BINDING,
            "entries": [],
            "head": GENESIS,
        }


class TestLoad:
    def test_not_a_directory(self, tmp_path: Path) -> None:
        """A path that is not a directory is not a run directory."""
        path = tmp_path / "file"
        path.write_text("x")
        with pytest.raises(RunDirError) as caught:
            load_manifest_document(path)
        assert str(caught.value) == f"{path} is not a run directory: it is not a directory at all."

    def test_no_manifest(self, tmp_path: Path) -> None:
        """A directory without manifest.json is not a run directory; the message says which is."""
        with pytest.raises(RunDirError) as caught:
            load_manifest_document(tmp_path)
        assert str(caught.value) == (
            f"{tmp_path} is not a run directory: it has no manifest.json; give the folder that "
            "a run created (screenshots/<time>-<runbook>/)."
        )

    def test_dangling_symlink(self, tmp_path: Path) -> None:
        """A manifest.json that is a symbolic link (even to nothing) is refused, not followed."""
        (tmp_path / "manifest.json").symlink_to(tmp_path / "elsewhere.json")
        with pytest.raises(ManifestError) as caught:
            load_manifest_document(tmp_path)
        assert str(caught.value) == (
            f"{tmp_path / 'manifest.json'} is a symbolic link, not the manifest a run writes."
        )

    def test_not_a_regular_file(self, tmp_path: Path) -> None:
        """A manifest.json that is a folder cannot be checked; the reason names the manifest."""
        (tmp_path / "manifest.json").mkdir()
        with pytest.raises(ManifestError) as caught:
            load_manifest_document(tmp_path)
        assert str(caught.value) == (
            f"{tmp_path / 'manifest.json'} cannot be checked: this is a folder; give the path "
            "of a manifest file."
        )

    def test_unreadable_json(self, tmp_path: Path) -> None:
        """Bytes that are not JSON are a damaged manifest, said in one sentence."""
        (tmp_path / "manifest.json").write_bytes(b"{")
        with pytest.raises(ManifestError) as caught:
            load_manifest_document(tmp_path)
        assert str(caught.value) == (
            f"{tmp_path / 'manifest.json'} is not valid JSON (Expecting property name enclosed "
            "in double quotes at line 1, column 2): the manifest is damaged, truncated or "
            "tampered with, so the run directory cannot be checked."
        )

    @pytest.mark.parametrize(
        ("document", "found"),
        [
            ({"format": "dnn-runbook-manifest/1"}, "'dnn-runbook-manifest/1'"),
            ({}, "None"),
            ([FORMAT], "'list'"),
        ],
    )
    def test_other_format(self, tmp_path: Path, document: object, found: str) -> None:
        """A document of another format (or none) is named with what its 'format' holds."""
        (tmp_path / "manifest.json").write_text(json.dumps(document))
        with pytest.raises(ManifestError) as caught:
            load_manifest_document(tmp_path)
        assert str(caught.value) == (
            f"{tmp_path / 'manifest.json'} is not a dnn-runbook manifest: its 'format' must be "
            f"'dnn-runbook-manifest/2' (got {found})."
        )

    def test_returns_bytes_and_document(self, tmp_path: Path) -> None:
        """A manifest of this format is returned as its raw bytes and its parsed top level."""
        raw = render_manifest("run", BINDING, [])
        (tmp_path / "manifest.json").write_bytes(raw)
        assert load_manifest_document(tmp_path) == (raw, json.loads(raw))


class TestAuditClean:
    @pytest.mark.parametrize("count", [0, 1, 3])
    def test_good_chain(self, count: int) -> None:
        """A well-formed chain has no problem; the audit returns header, entries and head."""
        entries = _chain(count)
        audit = audit_chain(_document(entries))
        assert audit == ChainAudit(
            "run",
            BINDING,
            tuple(ManifestEntry(**raw) for raw in entries),
            (),
            entries[-1]["hash"] if entries else GENESIS,
        )


class TestAuditProblems:
    """Each tampering gives exactly the problems listed, in full."""

    def test_unexpected_top_level_fields(self) -> None:
        """Fields the format does not have are named, sorted."""
        audit = audit_chain(_document(_chain(1), zeta=1, alpha=2))
        assert audit.problems == ("manifest.json has unexpected top-level fields: alpha, zeta.",)

    @pytest.mark.parametrize(("run_id", "shown"), [("", "''"), (None, "None"), (7, "7")])
    def test_bad_run_id(self, run_id: object, shown: str) -> None:
        """A run id that is not a non-empty string is a problem; without it there is no
        genesis value, so the first entry's link is not checked."""
        audit = audit_chain(_document(_chain(1), run_id=run_id))
        assert audit.problems == (
            f"manifest.json: 'run_id' must be a non-empty string (got {shown}).",
        )
        assert audit.run_id is None
        assert audit.binding == BINDING
        assert len(audit.entries) == 1

    def test_bad_binding(self) -> None:
        """A binding that is not an object is a problem and is reported as None."""
        audit = audit_chain(_document(_chain(1), binding=["m"]))
        assert audit.problems == (
            "manifest.json: 'binding' must be an object naming the runbook and what it "
            "resolved to (got ['m']).",
        )
        assert (audit.run_id, audit.binding) == ("run", None)

    @pytest.mark.parametrize(
        "runbook",
        [{"name": "m"}, {"sha256": SHA}, {"name": "m", "sha256": "x"}, "m"],
    )
    def test_binding_without_runbook(self, runbook: object) -> None:
        """A binding must name the runbook and its SHA-256; lacking either is one problem."""
        audit = audit_chain(_document(_chain(1), binding={"runbook": runbook}))
        assert audit.problems == (
            "manifest.json: 'binding.runbook' must hold the runbook's 'name' (a string) and "
            f"'sha256' (64 lowercase hex digits) (got {runbook!r}).",
        )
        assert (audit.run_id, audit.binding) == ("run", None)

    @pytest.mark.parametrize(("entries", "name"), [(None, "NoneType"), ({}, "dict")])
    def test_entries_not_a_list(self, entries: object, name: str) -> None:
        """Entries that are not a list are one problem; the chain is then read as empty, so
        the head is held to the genesis value."""
        audit = audit_chain(_document([], entries=entries, head="x"))
        assert audit.problems == (
            f"manifest.json: 'entries' must be a list (got {name}).",
            "manifest.json: it has no entries but its head x is not the genesis value "
            f"{_short(GENESIS)}: entries were removed, or the head was edited.",
        )
        assert audit.entries == ()
        assert audit.head == "x"

    def test_malformed_entry(self) -> None:
        """A malformed entry is reported with its position and left out; the next entry is
        still linked to the hash it stored."""
        entries = _chain(3)
        entries[1]["size"] = -1
        audit = audit_chain(_document(entries))
        assert audit.problems == (
            "manifest.json: entry 2 is malformed: 'size' must be an integer >= 0 (got -1).",
        )
        assert [entry.seq for entry in audit.entries] == [1, 3]

    def test_entry_after_a_malformed_one_links_to_its_stored_hash(self) -> None:
        """The entry after a malformed one must still link to the hash that one stored: a
        malformed entry does not open a gap in the chain."""
        entries = _chain(3)
        entries[1]["size"] = -1
        entries[2] = _raw(3, "4" * 64)
        audit = audit_chain(_document(entries))
        assert audit.problems == (
            "manifest.json: entry 2 is malformed: 'size' must be an integer >= 0 (got -1).",
            "manifest.json: entry 3 (file '03-a.png') does not link to the entry before it: its "
            f"'prev' is 4444…4444 but entry 2's hash is {_short(entries[1]['hash'])}; entries "
            "were removed, inserted or reordered.",
        )

    def test_malformed_entry_without_a_hash(self) -> None:
        """When a malformed entry has no usable hash, the next entry's link cannot be checked
        (it is not reported as broken); its own hash still is."""
        entries = _chain(3)
        entries[1] = [1]
        entries[2]["time"] = "2026-11-29T21:24:07Z"
        audit = audit_chain(_document(entries))
        third = entries[2]
        assert audit.problems == (
            "manifest.json: entry 2 is malformed: an entry must be a JSON object (got list).",
            "manifest.json: entry 3 (file '03-a.png') was edited after it was written: its "
            f"'hash' is {_short(third['hash'])} but its fields hash to "
            f"{_short(_hash_of({k: v for k, v in third.items() if k != 'hash'}))}.",
        )

    def test_malformed_entry_with_a_non_string_hash(self) -> None:
        """A malformed entry whose hash is not a string gives the next entry nothing to link
        to: no link problem is invented."""
        entries = _chain(2)
        entries[0]["hash"] = 5
        audit = audit_chain(_document(entries))
        assert audit.problems == (
            "manifest.json: entry 1 is malformed: 'hash' must be 64 lowercase hex digits (got 5).",
        )

    def test_wrong_seq(self) -> None:
        """A sequence number out of place says which was expected."""
        entries = _chain(2)
        entries[1] = _raw(3, entries[0]["hash"])
        audit = audit_chain(_document(entries))
        assert audit.problems == (
            "manifest.json: entry 2 (file '03-a.png') has seq 3 where 2 was expected: entries "
            "were removed, inserted or reordered.",
        )

    def test_first_entry_not_linked_to_genesis(self) -> None:
        """The first entry must link to the genesis value, named as such."""
        other = "1" * 64
        entries = [_raw(1, other)]
        audit = audit_chain(_document(entries))
        assert audit.problems == (
            "manifest.json: entry 1 (file '01-a.png') does not link to the entry before it: its "
            f"'prev' is 1111…1111 but the genesis value is {_short(GENESIS)}; entries were "
            "removed, inserted or reordered.",
        )

    def test_later_entry_not_linked(self) -> None:
        """A later entry must link to the hash of the entry before it, named by position."""
        entries = _chain(3)
        entries[2] = _raw(3, "2" * 64)
        audit = audit_chain(_document(entries))
        assert audit.problems == (
            "manifest.json: entry 3 (file '03-a.png') does not link to the entry before it: its "
            f"'prev' is 2222…2222 but entry 2's hash is {_short(entries[1]['hash'])}; entries "
            "were removed, inserted or reordered.",
        )

    def test_edited_entry(self) -> None:
        """An entry whose fields no longer hash to its hash was edited; the next one, linked
        to the stored hash, is fine."""
        entries = _chain(2)
        entries[0]["size"] = 4
        audit = audit_chain(_document(entries))
        computed = _hash_of({k: v for k, v in entries[0].items() if k != "hash"})
        assert audit.problems == (
            "manifest.json: entry 1 (file '01-a.png') was edited after it was written: its "
            f"'hash' is {_short(entries[0]['hash'])} but its fields hash to {_short(computed)}.",
        )

    @pytest.mark.parametrize(("head", "name"), [(None, "NoneType"), (5, "int")])
    def test_head_not_a_string(self, head: object, name: str) -> None:
        """A head that is not a string is a problem, and the audit reports no head."""
        audit = audit_chain(_document(_chain(1), head=head))
        assert audit.problems == (f"manifest.json: 'head' must be a string (got {name}).",)
        assert audit.head is None

    def test_missing_head(self) -> None:
        """A document without a head has the same problem."""
        document = _document(_chain(1))
        del document["head"]
        assert audit_chain(document).problems == (
            "manifest.json: 'head' must be a string (got NoneType).",
        )

    def test_head_not_the_last_hash(self) -> None:
        """The head must be the last entry's hash (not an earlier one's)."""
        entries = _chain(2)
        audit = audit_chain(_document(entries, head=entries[0]["hash"]))
        assert audit.problems == (
            f"manifest.json: its head {_short(entries[0]['hash'])} is not the last entry's hash "
            f"{_short(entries[1]['hash'])}: entries were removed from the end, or the head was "
            "edited.",
        )
        assert audit.head == entries[0]["hash"]

    def test_head_compared_with_a_malformed_last_entry(self) -> None:
        """The head is compared with what the last entry stores, even when it is malformed."""
        entries = _chain(2)
        entries[1]["size"] = -1
        audit = audit_chain(_document(entries, head="abc"))
        assert audit.problems == (
            "manifest.json: entry 2 is malformed: 'size' must be an integer >= 0 (got -1).",
            f"manifest.json: its head abc is not the last entry's hash {_short(entries[1]['hash'])}"
            ": entries were removed from the end, or the head was edited.",
        )

    def test_head_with_a_last_entry_that_is_not_an_object(self) -> None:
        """A last entry that is not an object has no hash to compare the head with."""
        entries: list[Any] = [*_chain(1), "x"]
        audit = audit_chain(_document(entries, head=entries[0]["hash"]))
        assert audit.problems == (
            "manifest.json: entry 2 is malformed: an entry must be a JSON object (got str).",
        )

    def test_empty_chain_head_not_genesis(self) -> None:
        """With no entry the head must be the genesis value."""
        audit = audit_chain(_document([], head="3" * 64))
        assert audit.problems == (
            "manifest.json: it has no entries but its head 3333…3333 is not the genesis value "
            f"{_short(GENESIS)}: entries were removed, or the head was edited.",
        )

    def test_empty_chain_without_genesis(self) -> None:
        """Without a valid header there is no genesis value to compare the head with."""
        audit = audit_chain(_document([], run_id="", head="3" * 64))
        assert audit.problems == ("manifest.json: 'run_id' must be a non-empty string (got '').",)

    def test_problems_in_document_order(self) -> None:
        """Every problem is reported, header first, then entries, then the head."""
        entries = _chain(2)
        entries[1]["seq"] = 5
        audit = audit_chain(_document(entries, extra=1, run_id=None, head="h"))
        second = entries[1]
        computed = _hash_of({k: v for k, v in second.items() if k != "hash"})
        assert audit.problems == (
            "manifest.json has unexpected top-level fields: extra.",
            "manifest.json: 'run_id' must be a non-empty string (got None).",
            "manifest.json: entry 2 (file '02-a.png') has seq 5 where 2 was expected: entries "
            "were removed, inserted or reordered.",
            "manifest.json: entry 2 (file '02-a.png') was edited after it was written: its "
            f"'hash' is {_short(second['hash'])} but its fields hash to {_short(computed)}.",
            f"manifest.json: its head h is not the last entry's hash {_short(second['hash'])}: "
            "entries were removed from the end, or the head was edited.",
        )
