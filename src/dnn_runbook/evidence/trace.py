"""Playwright traces in the evidence: kept only once every secret is scrubbed out of them.

A trace records every value typed into a page (passwords included), every request body (the
login form's POST), every response and the session cookies. ``--trace on`` or
``retain-on-failure`` therefore never keeps a trace as Playwright wrote it:

1. Playwright saves the raw trace into a private temporary folder (mode 0700) *outside* the
   run directory, so that the raw archive is never part of the evidence, even for a moment;
2. :func:`scrub_trace` rewrites every member of the archive with each secret replaced, in
   every form the secret scan knows (as typed, URL-encoded, HTML- or JSON-escaped, in any
   letter case; UTF-16; base64), and blanks cookie and authorization header values and
   cookie lists, so the trace cannot be replayed into a logged-in host session. The secrets
   include every invoice number the run read from a license table (other licenses' too), and
   in JSON (the network log, the API's answers) every value under a key naming an invoice is
   cut to its last four characters, whether or not the run read it;
3. the scrubbed archive is scanned again with :class:`~dnn_runbook.evidence.redact.SecretScanner`:
   a trace in which any secret is still found is not kept;
4. it is written atomically as ``trace-<server>.zip`` (``-2``, ``-3``, … when the name is taken,
   as on a resumed run) and chained into the manifest; the raw trace is deleted.

Screenshots are off in every trace (pixels cannot be redacted); the DOM snapshots stay, which
is what makes a trace worth opening: ``playwright show-trace trace-new.zip``.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import structlog

from dnn_runbook.evidence._encodings import base64_needles, bytes_pattern
from dnn_runbook.evidence.atomic import write_atomic
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.redact import REDACTED, Redactor, SecretScanner
from dnn_runbook.exceptions import EvidenceError
from dnn_runbook.licenses import mask_invoice

#: The members holding JSON lines (actions, snapshots, network log): scrubbed field by field.
JSON_LINE_SUFFIXES = (".trace", ".network")

#: Header names whose values are credentials, compared case-insensitively.
CREDENTIAL_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})

#: Other members holding one JSON document each (the API answers a trace keeps).
JSON_SUFFIXES = (".json",)

_REDACTED_BYTES = REDACTED.encode("utf-8")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class TraceMode(StrEnum):
    """When a run keeps a Playwright trace of each server's browser context."""

    ON = "on"
    RETAIN_ON_FAILURE = "retain-on-failure"
    OFF = "off"

    @property
    def records(self) -> bool:
        """Whether the browser contexts record a trace at all."""
        return self is not TraceMode.OFF

    def keeps(self, *, failed: bool) -> bool:
        """Whether a run that ended this way keeps its traces."""
        return self is TraceMode.ON or (self is TraceMode.RETAIN_ON_FAILURE and failed)


@dataclass(frozen=True, slots=True)
class ScrubResult:
    """What :func:`scrub_trace` did to one archive (counts only, never a value)."""

    #: How many members the archive has.
    members: int
    #: How many secret occurrences were replaced, over every member and form.
    secrets_replaced: int
    #: How many cookie or credential header values were blanked.
    credentials_blanked: int


class _Scrubber:
    """Replaces a fixed set of secrets in bytes and in JSON values; the patterns compile once."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = sorted({s for s in secrets if s}, key=len, reverse=True)
        self.redactor = Redactor(values)
        self._text = [bytes_pattern(value) for value in values]
        self._utf16 = [
            (_utf16_pattern(value, codec), REDACTED.encode(codec))
            for value in values
            for codec in ("utf-16-le", "utf-16-be")
        ]
        self._base64 = [needle for value in values for needle in base64_needles(value)]
        self.replaced = 0
        self.blanked = 0

    def scrub_bytes(self, data: bytes) -> bytes:
        for pattern in self._text:
            data, count = pattern.subn(_REDACTED_BYTES, data)
            self.replaced += count
        for pattern, replacement in self._utf16:
            data, count = pattern.subn(replacement, data)
            self.replaced += count
        for needle in self._base64:
            count = data.count(needle)
            if count:
                # Same length, still base64: whatever decodes it gets filler, not a secret.
                data = data.replace(needle, b"A" * len(needle))
                self.replaced += count
        return data

    def scrub_json_lines(self, data: bytes) -> bytes:
        """Scrub each JSON line value by value; a line that is not JSON is scrubbed as bytes."""
        out: list[bytes] = []
        for line in data.split(b"\n"):
            try:
                value = json.loads(line) if line.strip() else None
            except ValueError:
                out.append(self.scrub_bytes(line))
                continue
            if value is None:
                out.append(line)
                continue
            cleaned = self._scrub_value(value, credential=False)
            encoded = json.dumps(cleaned, ensure_ascii=False, separators=(",", ":"))
            # A second pass over the bytes catches what no single JSON string held whole.
            out.append(self.scrub_bytes(encoded.encode("utf-8")))
        return b"\n".join(out)

    def scrub_json_document(self, data: bytes) -> bytes:
        """Scrub one JSON document value by value; anything else is scrubbed as bytes."""
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            return self.scrub_bytes(data)
        cleaned = self._scrub_value(value, credential=False)
        return self.scrub_bytes(json.dumps(cleaned, ensure_ascii=False).encode("utf-8"))

    def _scrub_value(self, value: Any, *, credential: bool) -> Any:
        if isinstance(value, str):
            if credential:
                self.blanked += 1
                return REDACTED
            redacted = self.redactor.redact(value)
            if redacted != value:
                self.replaced += 1
            return redacted
        if isinstance(value, list):
            return [self._scrub_value(item, credential=False) for item in value]
        if not isinstance(value, dict):
            return value
        name = value.get("name")
        # A header {"name": "Cookie", "value": ...}, or any entry of a "cookies" list.
        secret_value = isinstance(name, str) and name.casefold() in CREDENTIAL_HEADERS
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            if key == "cookies" and isinstance(item, list):
                cleaned[key] = [self._cookie(entry) for entry in item]
            elif isinstance(item, str) and "invoice" in key.casefold():
                # An invoice in an answer (a license list), read by the run or not.
                masked = mask_invoice(item.strip())
                if masked != item:
                    self.replaced += 1
                cleaned[key] = masked if item.strip() else item
            else:
                is_value = key == "value" and secret_value
                cleaned[key] = self._scrub_value(item, credential=is_value)
        return cleaned

    def _cookie(self, entry: Any) -> Any:
        if isinstance(entry, dict) and isinstance(entry.get("value"), str):
            self.blanked += 1
            return {
                key: REDACTED if key == "value" else self._scrub_value(item, credential=False)
                for key, item in entry.items()
            }
        return self._scrub_value(entry, credential=False)


def scrub_trace(source: Path, target: Path, secrets: Iterable[str]) -> ScrubResult:
    """Write ``source`` (a Playwright trace zip) to ``target`` with every secret scrubbed out.

    ``target`` is written atomically and owner-only. The result is scanned before this
    returns: if any secret can still be found, ``target`` is not written and
    :class:`~dnn_runbook.exceptions.EvidenceError` is raised (naming the member and the form,
    never the value). Raises the same error when ``source`` is not a readable zip archive.
    """
    scrubbed, result = scrubbed_trace(source, secrets, label=target.name)
    write_atomic(target, scrubbed)
    return result


def scrubbed_trace(
    source: Path, secrets: Iterable[str], *, label: str
) -> tuple[bytes, ScrubResult]:
    """The bytes of ``source`` scrubbed and checked, as :func:`scrub_trace` writes them
    (``label`` names the trace in messages)."""
    values = [s for s in secrets if s]
    scrubber = _Scrubber(values)
    buffer = io.BytesIO()
    try:
        with (
            zipfile.ZipFile(source) as raw,
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as clean,
        ):
            infos = [info for info in raw.infolist() if not info.is_dir()]
            for info in infos:
                data = raw.read(info)
                if info.filename.endswith(JSON_LINE_SUFFIXES):
                    data = scrubber.scrub_json_lines(data)
                elif info.filename.endswith(JSON_SUFFIXES):
                    data = scrubber.scrub_json_document(data)
                else:
                    data = scrubber.scrub_bytes(data)
                clean.writestr(_member(info), data)
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as exc:
        raise EvidenceError(
            f"The trace {source.name} could not be read to scrub it ({exc}); it was not kept."
        ) from exc
    scrubbed = buffer.getvalue()
    findings = SecretScanner(values).scan_bytes(scrubbed, source=label)
    if findings:
        raise EvidenceError(
            f"The trace {label} still holds a secret after scrubbing ({findings[0]}), so it "
            f"was not kept; {len(findings)} finding(s) in all."
        )
    return scrubbed, ScrubResult(len(infos), scrubber.replaced, scrubber.blanked)


def trace_file_name(server: str, manifest: Manifest) -> str:
    """``trace-<server>.zip``, or the first free ``trace-<server>-N.zip``; never an existing one."""
    slug = _UNSAFE.sub("-", server).strip(".-_") or "server"
    return manifest.free_name(f"trace-{slug}", ".zip")


def keep_trace(
    save: Callable[[Path], None], *, server: str, manifest: Manifest, secrets: Iterable[str]
) -> tuple[str, ScrubResult]:
    """Save a trace with ``save(path)``, scrub it into the run directory and chain it.

    ``save`` receives a path in a private temporary folder (Playwright's
    ``context.tracing.stop(path=...)``); the raw trace there is deleted whatever happens.
    Returns the evidence file name and what the scrub did.
    """
    with tempfile.TemporaryDirectory(prefix="dnn-runbook-trace-") as private:
        raw = Path(private) / "raw-trace.zip"
        save(raw)
        name = trace_file_name(server, manifest)
        scrubbed, result = scrubbed_trace(raw, secrets, label=name)
    manifest.write_file(name, scrubbed)
    return name, result


def keep_traces(
    savers: Mapping[str, Callable[[Path], None]],
    *,
    manifest: Manifest,
    secrets: Iterable[str],
    log: Any = None,
) -> list[str]:
    """:func:`keep_trace` for each server in ``savers`` (server name to its saver).

    A trace that cannot be saved (the browser died) or scrubbed is skipped with a
    ``trace_not_kept`` warning event: a missing trace must not hide how the run ended.
    Returns the names of the traces kept.
    """
    logger = log if log is not None else structlog.get_logger()
    values = list(secrets)
    kept: list[str] = []
    for server, save in savers.items():
        try:
            name, result = keep_trace(save, server=server, manifest=manifest, secrets=values)
        except Exception as exc:  # noqa: BLE001 - Playwright's errors, a dead browser, a bad scrub
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            logger.warning("trace_not_kept", server=server, error=first)
            continue
        logger.info(
            "trace_kept",
            server=server,
            file=name,
            members=result.members,
            secrets_replaced=result.secrets_replaced,
            credentials_blanked=result.credentials_blanked,
        )
        kept.append(name)
    return kept


def _utf16_pattern(secret: str, codec: str) -> re.Pattern[bytes]:
    """The UTF-16 spelling of ``secret`` in ``codec``, letters in either case."""
    parts = []
    for ch in secret:
        variants = dict.fromkeys(c for c in (ch, ch.lower(), ch.upper()) if len(c) == 1)
        parts.append(b"(?:" + b"|".join(re.escape(v.encode(codec)) for v in variants) + b")")
    return re.compile(b"".join(parts))


def _member(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A fresh entry with the member's name and time, compressed (sizes are recomputed)."""
    entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o600 << 16
    return entry
