"""Keeping secrets out of evidence: redact them from text, and scan files for any that slipped.

- :class:`Redactor` replaces every occurrence of each secret value, as typed or URL-encoded,
  HTML-escaped or JSON-escaped (in either letter case), with the project's one mask, ``••••``.
- :class:`SecretSet` holds every secret a run knows, growing as the run learns more (an
  activation key typed mid-run), with one redactor over them: the run's single place of
  redaction, shared by its events, journal, messages and report.
- :func:`redacting_processor` is a structlog processor that runs every string of an event
  through a redactor; the runner puts it last before the renderer, so nothing a step logs can
  carry a secret to the console or ``events.jsonl``.
- :func:`scan_paths` reads every byte of every file (and of every member of a zip archive,
  such as a Playwright ``trace.zip``, nested archives included) looking for the secrets in
  UTF-8, UTF-16 (LE and BE), URL-encoded, HTML-escaped, JSON-escaped and base64 form. A
  :class:`Finding` names the file, the secret's label and the form, never the value.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from structlog.typing import EventDict, WrappedLogger

from dnn_runbook.evidence._encodings import (
    base64_needles,
    bytes_pattern,
    classify,
    text_pattern_source,
    utf16_needles,
)
from dnn_runbook.exceptions import SecretScanError
from dnn_runbook.licenses import MASK
from dnn_runbook.runbook.secrets import Secret

#: What a secret is replaced with: the same mask a masked id shows.
REDACTED = MASK

#: How deep zip archives inside zip archives are opened.
MAX_ZIP_DEPTH = 4

#: The shortest invoice number read from a page that is redacted everywhere (see
#: :meth:`SecretSet.learn_invoices`).
MIN_LEARNED = 4

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


class Redactor:
    """Replaces secret values in text; build one per run from every secret the run knows.

    Empty values are ignored (they would match everywhere). Longer secrets are matched first,
    so a secret that contains another is redacted whole.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        """Compile one pattern for all of ``secrets``."""
        values = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._count = len(values)
        self._pattern: re.Pattern[str] | None = None
        if values:
            source = "|".join(f"(?:{text_pattern_source(v)})" for v in values)
            self._pattern = re.compile(source, re.IGNORECASE)

    def __len__(self) -> int:
        """How many distinct secrets this redactor knows."""
        return self._count

    def __repr__(self) -> str:
        """Never the values: a redactor may end up in a log or a traceback."""
        return f"Redactor(<{self._count} secrets>)"

    def redact(self, text: str) -> str:
        """``text`` with every occurrence of every secret, in any form, replaced."""
        if self._pattern is None:
            return text
        return self._pattern.sub(REDACTED, text)

    def contains(self, text: str) -> bool:
        """Whether ``text`` holds any secret, in any form."""
        return self._pattern is not None and self._pattern.search(text) is not None


class SecretSet:
    """Every secret a run knows, and one :class:`Redactor` over them, rebuilt only when a
    secret is added. Values are kept stripped as well as whole, the way the runner compares
    them."""

    def __init__(self, secrets: Iterable[Secret | str] = ()) -> None:
        self._values: dict[str, None] = {}
        self._redactor: Redactor | None = None
        for secret in secrets:
            self.add(secret)

    def __repr__(self) -> str:
        return f"SecretSet(<{len(self._values)} secrets>)"

    def add(self, secret: Secret | str) -> None:
        """Know ``secret`` from now on (empty values are ignored)."""
        value = secret.reveal() if isinstance(secret, Secret) else secret
        for form in (value, value.strip()):
            if form and form not in self._values:
                self._values[form] = None
                self._redactor = None

    def learn_invoices(self, invoices: Iterable[str]) -> None:
        """Know the invoice numbers a page showed (every row of a license table, other
        licenses' too) from now on, so traces, events and messages mask them as well. Values
        shorter than :data:`MIN_LEARNED` are left out: they would mask ordinary text."""
        for invoice in invoices:
            if len(invoice.strip()) >= MIN_LEARNED:
                self.add(invoice.strip())

    def values(self) -> tuple[str, ...]:
        """The secret values, for a scan or a trace scrub."""
        return tuple(self._values)

    @property
    def redactor(self) -> Redactor:
        """A redactor for every secret known now."""
        if self._redactor is None:
            self._redactor = Redactor(self._values)
        return self._redactor

    def redact(self, text: str) -> str:
        """``text`` with every secret known now replaced by the mask."""
        return self.redactor.redact(text)

    def contains(self, text: str) -> bool:
        """Whether ``text`` holds a secret known now."""
        return self.redactor.contains(text)


def redacting_processor(
    redactor: Redactor | SecretSet,
) -> Callable[[WrappedLogger, str, EventDict], EventDict]:
    """A structlog processor that redacts every string in the event dict, nested ones too.

    Keys and values are redacted; lists, tuples, sets and dicts are walked; any other object
    whose ``str()`` holds a secret is replaced by that string, redacted.
    """

    def processor(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        return {redactor.redact(k): _redact_value(redactor, v) for k, v in event_dict.items()}

    return processor


@dataclass(frozen=True)
class Finding:
    """A secret found in a file: where, which secret (by label) and in what form."""

    #: The file (as given or found while walking a directory), or a label like ``<stdout>``.
    source: str
    #: The member path inside a zip archive (``outer.zip!inner.txt`` when nested), or None.
    member: str | None
    #: The secret's label (``scan_paths`` with a mapping), or ``secret 1``, ``secret 2``, ….
    secret: str
    #: ``UTF-8``, ``UTF-16-LE``, ``UTF-16-BE``, ``URL-encoded``, ``HTML-escaped``,
    #: ``JSON-escaped`` (or a mix joined with ``+``) or ``base64``.
    encoding: str
    #: The byte offset of the first occurrence, in the file or in the member's bytes.
    offset: int
    #: How many occurrences there are in this form.
    count: int

    def __str__(self) -> str:
        """A sentence for a test failure or a report, without the secret's value."""
        where = self.source if self.member is None else f"{self.source}!{self.member}"
        times = "once" if self.count == 1 else f"{self.count} times"
        return (
            f"{where}: {self.secret} found {times} ({self.encoding}), first at byte {self.offset}"
        )


class SecretScanner:
    """Scans bytes, files and folders for a fixed set of secrets; the patterns compile once."""

    def __init__(self, secrets: Mapping[str, str] | Iterable[str]) -> None:
        """``secrets`` maps a label (``"password"``) to its value, or is a list of values."""
        labelled = (
            dict(secrets)
            if isinstance(secrets, Mapping)
            else {f"secret {i}": v for i, v in enumerate(secrets, start=1)}
        )
        self._secrets = [_Needles.build(label, value) for label, value in labelled.items() if value]

    def __repr__(self) -> str:
        """Never the values."""
        return f"SecretScanner(<{len(self._secrets)} secrets>)"

    def scan_bytes(self, data: bytes, *, source: str = "<bytes>") -> list[Finding]:
        """Findings in ``data``, and inside it when it is a zip archive."""
        return self._scan(data, source, None, 0)

    def scan_text(self, text: str, *, source: str = "<text>") -> list[Finding]:
        """Findings in ``text`` (printed output, say), scanned as its UTF-8 bytes."""
        return self.scan_bytes(text.encode("utf-8", "surrogatepass"), source=source)

    def scan_paths(self, paths: Iterable[Path | str]) -> list[Finding]:
        """Findings in every file of ``paths``; a directory is walked, hidden files included."""
        findings: list[Finding] = []
        for file in _walk(paths):
            try:
                data = file.read_bytes()
            except OSError as exc:
                raise SecretScanError(
                    f"{file} could not be read to scan it for secrets ({exc.strerror or exc})."
                ) from exc
            findings.extend(self._scan(data, str(file), None, 0))
        return findings

    def _scan(self, data: bytes, source: str, member: str | None, depth: int) -> list[Finding]:
        findings: list[Finding] = []
        lowered = data.lower()
        for needles in self._secrets:
            findings.extend(needles.find(data, lowered, source, member))
        if data[:4] in _ZIP_SIGNATURES and depth < MAX_ZIP_DEPTH:
            for name, content in _zip_members(data, source, member):
                inner = name if member is None else f"{member}!{name}"
                findings.extend(self._scan(content, source, inner, depth + 1))
        return findings


def scan_paths(
    paths: Iterable[Path | str], secrets: Mapping[str, str] | Iterable[str]
) -> list[Finding]:
    """Every place in the files under ``paths`` where one of ``secrets`` appears, in any form.

    ``secrets`` maps labels to values (the labels name the secret in findings) or is a plain
    list of values. Raises :class:`~dnn_runbook.exceptions.SecretScanError` when a file cannot
    be read or a zip archive cannot be opened, since its content could then not be checked.
    """
    return SecretScanner(secrets).scan_paths(paths)


@dataclass(frozen=True)
class _Needles:
    label: str
    value: str
    pattern: re.Pattern[bytes]
    utf16: Mapping[str, bytes]
    base64: list[bytes]

    @classmethod
    def build(cls, label: str, value: str) -> _Needles:
        return cls(label, value, bytes_pattern(value), utf16_needles(value), base64_needles(value))

    def __repr__(self) -> str:
        return f"_Needles({self.label!r})"

    def find(self, data: bytes, lowered: bytes, source: str, member: str | None) -> list[Finding]:
        hits: dict[str, list[int]] = {}
        for match in self.pattern.finditer(data):
            hits.setdefault(classify(match.group(), self.value), []).append(match.start())
        for form, offsets in _utf16_hits(lowered, self.utf16).items():
            if offsets:
                hits.setdefault(form, []).extend(offsets)
        for needle in self.base64:
            if offsets := _offsets(data, needle):
                hits.setdefault("base64", []).extend(offsets)
        return [
            Finding(source, member, self.label, form, min(offsets), len(set(offsets)))
            for form, offsets in hits.items()
        ]


def _offsets(data: bytes, needle: bytes) -> list[int]:
    found: list[int] = []
    start = data.find(needle)
    while start >= 0:
        found.append(start)
        start = data.find(needle, start + 1)
    return found


def _utf16_hits(lowered: bytes, needles: Mapping[str, bytes]) -> dict[str, list[int]]:
    little = _offsets(lowered, needles["UTF-16-LE"])
    big = set(_offsets(lowered, needles["UTF-16-BE"]))
    hits: dict[str, list[int]] = {"UTF-16-LE": [], "UTF-16-BE": []}
    for offset in little:
        if offset - 1 in big:
            # "a\0b\0" read one byte earlier is "\0a\0b": one string that both byte orders
            # explain. UTF-16 text sits at even offsets, which tells the two apart.
            big.discard(offset - 1)
            if offset % 2:
                hits["UTF-16-BE"].append(offset - 1)
                continue
        hits["UTF-16-LE"].append(offset)
    hits["UTF-16-BE"].extend(big)
    return hits


def _zip_members(data: bytes, source: str, member: str | None) -> Iterator[tuple[str, bytes]]:
    where = source if member is None else f"{source}!{member}"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield info.filename, archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        raise SecretScanError(
            f"{where} looks like a zip archive but could not be opened to scan inside it "
            f"({exc}); a damaged or encrypted archive cannot be shown to be free of secrets."
        ) from exc


def _walk(paths: Iterable[Path | str]) -> Iterator[Path]:
    for given in paths:
        path = Path(given)
        if path.is_dir() and not path.is_symlink():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    yield Path(root) / name
        else:
            yield path


def _redact_value(redactor: Redactor | SecretSet, value: Any) -> Any:
    if isinstance(value, str):
        return redactor.redact(value)
    if value is None:
        return value
    if isinstance(value, dict):
        return {_redact_value(redactor, k): _redact_value(redactor, v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple
        return type(value)(*(_redact_value(redactor, item) for item in value))
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(_redact_value(redactor, item) for item in value)
    text = str(value)
    return redactor.redact(text) if redactor.contains(text) else value
