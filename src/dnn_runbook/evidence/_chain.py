"""The format of ``manifest.json``: entries, hashes, reading, writing and checking the chain.

The document::

    {
        "format": "dnn-runbook-manifest/2",
        "run_id": "20261129T212406Z-migrate-license",
        "binding": {"runbook": {"name": "migrate-license", "sha256": "<hex>"}, ...},
        "entries": [
            {
                "seq": 1,
                "file": "01-preflight-old.png",
                "size": 48213,
                "sha256": "<hex>",
                "step_id": "preflight",
                "time": "2026-11-29T21:24:07.120344Z",
                "prev": "<genesis>",
                "hash": "<hex>",
            },
            ...,
        ],
        "head": "<hash of the last entry, or the genesis value when there is none>",
    }

- ``seq`` counts from 1 with no gaps; ``file`` is relative to the run directory, in POSIX form.
- ``hash`` is the SHA-256 (hex) of the *canonical JSON* of the entry's other seven fields:
  ``json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` in UTF-8.
- ``prev`` is the previous entry's ``hash``; the first entry's ``prev`` is the genesis value,
  the SHA-256 of the canonical JSON of ``{"format", "run_id", "binding"}``, so the header is
  bound into the chain too. ``binding`` is what the run resolved its runbook to (see
  :mod:`dnn_runbook.evidence.binding`); the chain only requires its ``runbook`` name and
  SHA-256, and writes its keys sorted at every level.
- A file may be added again after it changes (``state.json``, ``events.jsonl``): its latest
  entry is the one its content must match; earlier entries stay in the chain.

:class:`~dnn_runbook.evidence.manifest.Manifest` writes this document;
:func:`audit_chain` checks one. Removing, reordering or editing an entry breaks the chain. Rewriting the whole chain cannot be
detected from inside the directory: record the head elsewhere (the report shows it; paste it
into the change ticket), sign or timestamp it, and check it with ``dnn-runbook verify
--expect-head``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from dnn_runbook.evidence._json import MAX_JSON_BYTES, JsonReadError, parse_json
from dnn_runbook.evidence.names import MANIFEST_NAME
from dnn_runbook.exceptions import InputFileError, ManifestError, RunDirError
from dnn_runbook.inputs import read_regular

FORMAT = "dnn-runbook-manifest/2"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z")
_ENTRY_KEYS = ("seq", "file", "size", "sha256", "step_id", "time", "prev", "hash")
_TOP_KEYS = ("format", "run_id", "binding", "entries", "head")
# A file name the chain accepts: no control character (it would reach terminals and
# SHA256SUMS, which cannot hold a line break in a name).
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_CHUNK = 1 << 20


def canonical_json(value: object) -> bytes:
    """The canonical JSON bytes that hashes are computed over (sorted keys, no whitespace)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data``, as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def is_sha256_hex(value: object) -> bool:
    """Whether ``value`` is a SHA-256 as this format writes it: 64 lowercase hex digits."""
    return isinstance(value, str) and bool(_HEX64.fullmatch(value))


def sorted_json(value: Any) -> Any:
    """``value`` (parsed JSON) with the keys of every object in sorted order, as the header's
    binding is written."""
    if isinstance(value, dict):
        return {key: sorted_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_json(item) for item in value]
    return value


def genesis_hash(run_id: str, binding: Mapping[str, Any]) -> str:
    """The ``prev`` of a run's first entry, derived from the run id and the binding."""
    header = {"format": FORMAT, "run_id": run_id, "binding": binding}
    return sha256_hex(canonical_json(header))


def file_digest(path: Path) -> tuple[int, str]:
    """The size in bytes and SHA-256 (hex) of the file at ``path``, read as it is now."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def abbreviate(digest: str) -> str:
    """A hash shortened for people, e.g. ``3fa1…c9d2``."""
    return f"{digest[:4]}…{digest[-4:]}" if len(digest) > 9 else digest


@dataclass(frozen=True)
class ManifestEntry:
    """One link of the chain: a file as it was when it was added."""

    seq: int
    file: str
    size: int
    sha256: str
    step_id: str | None
    time: str
    prev: str
    hash: str

    def hashed_fields(self) -> dict[str, object]:
        """The fields ``hash`` covers: every field but ``hash`` itself."""
        return {
            "seq": self.seq,
            "file": self.file,
            "size": self.size,
            "sha256": self.sha256,
            "step_id": self.step_id,
            "time": self.time,
            "prev": self.prev,
        }

    def compute_hash(self) -> str:
        """The hash this entry's fields should carry."""
        return sha256_hex(canonical_json(self.hashed_fields()))

    def to_json(self) -> dict[str, object]:
        """The entry as it is written in ``manifest.json``."""
        return {**self.hashed_fields(), "hash": self.hash}


@dataclass(frozen=True)
class ChainAudit:
    """What :func:`audit_chain` found in a parsed ``manifest.json``."""

    run_id: str | None
    #: The header's binding, or None when it is missing or malformed (a problem says so).
    binding: dict[str, Any] | None
    #: The well-formed entries, in file order (malformed ones are left out and reported).
    entries: tuple[ManifestEntry, ...]
    #: Full sentences, each naming manifest.json and, where there is one, the entry's file.
    problems: tuple[str, ...]
    #: The head written in the document, or None if it is missing or not a string.
    head: str | None

    @property
    def runbook_name(self) -> str | None:
        """The runbook's name the binding records."""
        return runbook_of(self.binding)[0]

    @property
    def runbook_sha256(self) -> str | None:
        """The runbook's SHA-256 the binding records."""
        return runbook_of(self.binding)[1]


def runbook_of(binding: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    """The runbook's name and SHA-256 a binding records (``None`` for what it lacks)."""
    runbook = binding.get("runbook") if binding is not None else None
    if not isinstance(runbook, dict):
        return None, None
    name, sha = runbook.get("name"), runbook.get("sha256")
    return (
        name if isinstance(name, str) else None,
        sha if isinstance(sha, str) and _HEX64.fullmatch(sha) else None,
    )


def validate_file_name(name: str) -> str | None:
    """Why ``name`` cannot be an evidence file name, or None if it can.

    A name is relative to the run directory, in POSIX form, with no ``.``/``..`` parts, and is
    not ``manifest.json`` itself.
    """
    if not name or "\\" in name or _CONTROL.search(name):
        return "it must be a non-empty POSIX path without backslashes or control characters"
    path = PurePosixPath(name)
    if path.is_absolute() or str(path) != name or any(p in (".", "..") for p in name.split("/")):
        return "it must be a plain relative path inside the run directory"
    if name == MANIFEST_NAME:
        return "manifest.json cannot list itself"
    return None


def parse_entry(raw: object) -> ManifestEntry:
    """An entry from its JSON form; :class:`ManifestError` says which field is wrong and how."""
    if not isinstance(raw, dict):
        raise ManifestError(f"an entry must be a JSON object (got {type(raw).__name__})")
    missing = [key for key in _ENTRY_KEYS if key not in raw]
    extra = sorted(str(key) for key in raw if key not in _ENTRY_KEYS)
    if missing or extra:
        raise ManifestError(
            f"an entry must have exactly the fields {', '.join(_ENTRY_KEYS)} "
            f"(missing: {', '.join(missing) or 'none'}; unexpected: {', '.join(extra) or 'none'})"
        )
    seq, file, size, sha, step_id, time, prev, digest = (raw[key] for key in _ENTRY_KEYS)
    checks = (
        ("seq", _is_count(seq, 1), "an integer >= 1", seq),
        ("file", isinstance(file, str) and validate_file_name(file) is None,
         "a relative POSIX path inside the run directory", file),
        ("size", _is_count(size, 0), "an integer >= 0", size),
        ("sha256", is_sha256_hex(sha), "64 lowercase hex digits", sha),
        ("step_id", step_id is None or isinstance(step_id, str), "a string or null", step_id),
        ("time", isinstance(time, str) and bool(_TIME.fullmatch(time)),
         "a UTC ISO 8601 time ending in Z", time),
        ("prev", is_sha256_hex(prev), "64 lowercase hex digits", prev),
        ("hash", is_sha256_hex(digest), "64 lowercase hex digits", digest),
    )  # fmt: skip
    for field, ok, expectation, value in checks:
        if not ok:
            raise ManifestError(f"'{field}' must be {expectation} (got {_show(value)})")
    return ManifestEntry(seq, file, size, sha, step_id, time, prev, digest)


def render_manifest(
    run_id: str, binding: Mapping[str, Any], entries: Sequence[ManifestEntry]
) -> bytes:
    """The exact bytes of ``manifest.json`` for this header and chain.

    ``verify`` compares a manifest's bytes with this rendering, so even an edit that leaves
    the JSON's meaning unchanged (whitespace, key order, escapes) is noticed.
    """
    ordered = sorted_json(dict(binding))
    head = entries[-1].hash if entries else genesis_hash(run_id, ordered)
    document = {
        "format": FORMAT,
        "run_id": run_id,
        "binding": ordered,
        "entries": [entry.to_json() for entry in entries],
        "head": head,
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def load_manifest_document(run_dir: Path) -> tuple[bytes, dict[str, Any]]:
    """The raw bytes and parsed top level of ``run_dir/manifest.json``.

    Raises :class:`RunDirError` when ``run_dir`` is not a directory or has no manifest, and
    :class:`ManifestError` when the manifest is not readable JSON of this format: both mean
    "this is not a run directory we can check".
    """
    if not run_dir.is_dir():
        raise RunDirError(f"{run_dir} is not a run directory: it is not a directory at all.")
    path = run_dir / MANIFEST_NAME
    if not os.path.lexists(path):
        raise RunDirError(
            f"{run_dir} is not a run directory: it has no {MANIFEST_NAME}; give the folder "
            "that a run created (screenshots/<time>-<runbook>/)."
        )
    if path.is_symlink():
        raise ManifestError(f"{path} is a symbolic link, not the manifest a run writes.")
    try:
        raw = read_regular(path, max_bytes=MAX_JSON_BYTES, what="manifest")
    except InputFileError as exc:
        raise ManifestError(f"{path} cannot be checked: {exc.reason}") from None
    try:
        document = parse_json(raw)
    except JsonReadError as exc:
        raise ManifestError(
            f"{path} is {exc}: the manifest is damaged, truncated or tampered with, so the run "
            "directory cannot be checked."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise ManifestError(
            f"{path} is not a dnn-runbook manifest: its 'format' must be {FORMAT!r} "
            f"(got {_show(found)})."
        )
    return raw, document


def audit_chain(document: Mapping[str, Any]) -> ChainAudit:
    """Check the header, every entry and every link of a parsed manifest; report all problems."""
    problems: list[str] = []
    extra = sorted(str(key) for key in document if key not in _TOP_KEYS)
    if extra:
        problems.append(f"{MANIFEST_NAME} has unexpected top-level fields: {', '.join(extra)}.")
    run_id, binding = _audit_header(document, problems)
    genesis = genesis_hash(run_id, binding) if run_id is not None and binding is not None else None
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        problems.append(
            f"{MANIFEST_NAME}: 'entries' must be a list (got {type(raw_entries).__name__})."
        )
        raw_entries = []
    entries: list[ManifestEntry] = []
    expected_prev = genesis
    for position, raw in enumerate(raw_entries, start=1):
        try:
            entry = parse_entry(raw)
        except ManifestError as exc:
            problems.append(f"{MANIFEST_NAME}: entry {position} is malformed: {exc}.")
            stored = raw.get("hash") if isinstance(raw, dict) else None
            expected_prev = stored if isinstance(stored, str) else None
            continue
        label = f"{MANIFEST_NAME}: entry {position} (file {entry.file!r})"
        if entry.seq != position:
            problems.append(
                f"{label} has seq {entry.seq} where {position} was expected: entries were "
                "removed, inserted or reordered."
            )
        if expected_prev is not None and entry.prev != expected_prev:
            before = "the genesis value" if position == 1 else f"entry {position - 1}'s hash"
            problems.append(
                f"{label} does not link to the entry before it: its 'prev' is "
                f"{abbreviate(entry.prev)} but {before} is {abbreviate(expected_prev)}; entries "
                "were removed, inserted or reordered."
            )
        computed = entry.compute_hash()
        if computed != entry.hash:
            problems.append(
                f"{label} was edited after it was written: its 'hash' is "
                f"{abbreviate(entry.hash)} but its fields hash to {abbreviate(computed)}."
            )
        entries.append(entry)
        expected_prev = entry.hash
    head = document.get("head")
    if not isinstance(head, str):
        problems.append(f"{MANIFEST_NAME}: 'head' must be a string (got {type(head).__name__}).")
        head = None
    elif raw_entries and isinstance(raw_entries[-1], dict):
        last = raw_entries[-1].get("hash")
        if head != last:
            problems.append(
                f"{MANIFEST_NAME}: its head {abbreviate(head)} is not the last entry's hash "
                f"{abbreviate(str(last))}: entries were removed from the end, or the head was "
                "edited."
            )
    elif not raw_entries and genesis is not None and head != genesis:
        problems.append(
            f"{MANIFEST_NAME}: it has no entries but its head {abbreviate(head)} is not the "
            f"genesis value {abbreviate(genesis)}: entries were removed, or the head was edited."
        )
    return ChainAudit(run_id, binding, tuple(entries), tuple(problems), head)


def _audit_header(
    document: Mapping[str, Any], problems: list[str]
) -> tuple[str | None, dict[str, Any] | None]:
    run_id = document.get("run_id")
    if not isinstance(run_id, str) or not run_id:
        problems.append(
            f"{MANIFEST_NAME}: 'run_id' must be a non-empty string (got {_show(run_id)})."
        )
        run_id = None
    binding = document.get("binding")
    if not isinstance(binding, dict):
        problems.append(
            f"{MANIFEST_NAME}: 'binding' must be an object naming the runbook and what it "
            f"resolved to (got {_show(binding)})."
        )
        return run_id, None
    name, sha = runbook_of(binding)
    if name is None or sha is None:
        problems.append(
            f"{MANIFEST_NAME}: 'binding.runbook' must hold the runbook's 'name' (a string) and "
            f"'sha256' (64 lowercase hex digits) (got {_show(binding.get('runbook'))})."
        )
        return run_id, None
    return run_id, binding


def _is_count(value: object, minimum: int) -> bool:
    # bool is an int subclass, but true is not a sequence number.
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _show(value: object) -> str:
    try:
        text = repr(value)
    except RecursionError:
        return "a value nested too deeply to show"
    return text if len(text) <= 80 else f"{text[:77]}..."
