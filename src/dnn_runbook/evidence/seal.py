"""The ticket hash: the head an operator records, signed and timestamped on request.

At its end a run writes ``head.txt`` (``head-2.txt`` after a resume, …): the manifest's head
at that moment and a newline, the **ticket hash** to record in the change ticket. The report
and the console show that same hash. Then, beside it and chained after it:

- with ``--sign-key PATH``, ``head.txt.sig``: an SSH signature over ``head.txt``
  (:mod:`~dnn_runbook.evidence.signing`), so OpenSSH alone tells who ran the migration;
- with ``--tsa-url URL``, ``head.txt.tsr``: an RFC 3161 timestamp over the ticket hash
  (:mod:`~dnn_runbook.evidence.timestamps`), so OpenSSL alone tells since when it exists.

The report, a rebuilt report and ``SHA256SUMS`` come after: they extend the chain, and
``verify --expect-head`` accepts any hash that is an entry of the chain, so the ticket stays
true. ``verify`` checks that each ticket file holds the hash of the entry just before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dnn_runbook.evidence import signing, timestamps
from dnn_runbook.evidence._chain import ManifestEntry
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.names import (
    SIGNATURE_SUFFIX,
    TICKET_STEM,
    TICKET_SUFFIX,
    TIMESTAMP_SUFFIX,
)
from dnn_runbook.exceptions import DnnRunbookError, SealError

_TICKET = re.compile(rf"{TICKET_STEM}(-[0-9]+)?{re.escape(TICKET_SUFFIX)}")


@dataclass(frozen=True, slots=True, kw_only=True)
class SealOptions:
    """How a run's ticket hash is sealed: an SSH key to sign it, a time-stamping authority to
    timestamp it, and that authority's CA certificates to check its answer (optional)."""

    sign_key: Path | None = None
    tsa_url: str | None = None
    tsa_ca: Path | None = None


@dataclass(frozen=True, slots=True)
class Ticket:
    """A ticket hash as a run wrote it: the file, the hash, and what sealed it."""

    file: str
    head: str
    signature: str | None = None
    #: The signing key's fingerprint (``SHA256:…``).
    signer: str | None = None
    timestamp: str | None = None
    #: The authority's time, as it wrote it.
    time: str | None = None
    #: Why a seal that was asked for is missing (each a sentence).
    warnings: tuple[str, ...] = field(default=())


def option_problems(options: SealOptions) -> list[str]:
    """What is wrong with ``options`` before a run starts (each a sentence); empty when fine."""
    problems: list[str] = []
    if options.sign_key is not None:
        if not options.sign_key.is_file():
            problems.append(f"--sign-key {options.sign_key}: there is no such key file.")
        else:
            try:
                signing.fingerprint(options.sign_key)
            except SealError as exc:
                problems.append(f"--sign-key {options.sign_key}: {exc}")
    if options.tsa_url is not None:
        parts = urlsplit(options.tsa_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(
                f"--tsa-url must be an http:// or https:// address (got {options.tsa_url!r})."
            )
    if options.tsa_ca is not None and not options.tsa_ca.is_file():
        problems.append(f"--tsa-ca {options.tsa_ca}: there is no such file.")
    if options.tsa_url is not None or options.tsa_ca is not None:
        try:
            timestamps.openssl()
        except SealError as exc:
            problems.append(str(exc))
    return problems


def seal(manifest: Manifest, options: SealOptions) -> Ticket:
    """Write the ticket file for ``manifest``'s head now, and sign and timestamp it as
    ``options`` ask. A seal that fails is a warning in the result, never an exception: the
    run's outcome and evidence matter more."""
    head = manifest.head
    name = manifest.free_name(TICKET_STEM, TICKET_SUFFIX)
    data = f"{head}\n".encode()
    manifest.write_file(name, data)
    warnings: list[str] = []
    signature = signer = stamp = time = None
    if options.sign_key is not None:
        try:
            signed = signing.sign(data, options.sign_key)
            signer = signing.fingerprint(options.sign_key)
            signature = name + SIGNATURE_SUFFIX
            manifest.write_file(signature, signed)
        except DnnRunbookError as exc:
            warnings.append(f"The ticket hash was not signed: {exc}")
    if options.tsa_url is not None:
        try:
            reply = timestamps.obtain(head, options.tsa_url)
            stamp = name + TIMESTAMP_SUFFIX
            manifest.write_file(stamp, reply)
            time = timestamps.inspect_reply(reply).time
            if options.tsa_ca is not None:
                check = timestamps.verify(head, manifest.run_dir / stamp, options.tsa_ca)
                if not check.ok:
                    warnings.append(
                        f"The timestamp in {stamp} does not check out against "
                        f"{options.tsa_ca}: {check.problem}."
                    )
        except DnnRunbookError as exc:
            warnings.append(f"The ticket hash was not timestamped: {exc}")
    return Ticket(name, head, signature, signer, stamp, time, tuple(warnings))


def tickets(run_dir: Path, entries: Sequence[ManifestEntry]) -> list[Ticket]:
    """The tickets the chain holds, in order, with their signature and timestamp files (read
    from the files: the head written in each ticket file, nothing checked here)."""
    names = {entry.file for entry in entries}
    found: list[Ticket] = []
    for entry in entries:
        if not _TICKET.fullmatch(entry.file) or entry.file in {t.file for t in found}:
            continue
        head = _read_head(run_dir / entry.file) or ""
        signature = entry.file + SIGNATURE_SUFFIX
        stamp = entry.file + TIMESTAMP_SUFFIX
        found.append(
            Ticket(
                entry.file,
                head,
                signature if signature in names else None,
                None,
                stamp if stamp in names else None,
            )
        )
    return found


def ticket_problems(run_dir: Path, entries: Sequence[ManifestEntry]) -> list[str]:
    """Each ticket file must hold the hash of the entry just before it, and be listed once."""
    problems: list[str] = []
    for position, entry in enumerate(entries):
        if not _TICKET.fullmatch(entry.file):
            continue
        head = _read_head(run_dir / entry.file)
        if head is None:
            continue  # an altered or missing file: reported as such
        before = entries[position - 1].hash if position else None
        if head != before:
            problems.append(
                f"{entry.file} (entry {entry.seq}) does not hold the hash of the entry before "
                "it: the ticket file was not written by the run at that point."
            )
    return problems


def describe(run_dir: Path, ticket: Ticket) -> list[str]:
    """What sealed ``ticket``, a sentence each, for the report (nothing is checked against a
    list of allowed signers or a CA here: ``verify`` does that)."""
    lines: list[str] = []
    for warning in ticket.warnings:
        lines.append(warning)
    if ticket.signature is not None:
        signer = ticket.signer
        if signer is None:
            try:
                signer = signing.describe(
                    f"{ticket.head}\n".encode(), run_dir / ticket.signature
                ).key
            except SealError:
                signer = None
        lines.append(
            f"Signed ({ticket.signature}) with the SSH key {signer or '(ssh-keygen is needed to show which)'}; "
            "check who holds it: dnn-runbook verify RUN_DIR --allowed-signers FILE."
        )
    if ticket.timestamp is not None:
        time = ticket.time
        if time is None:
            try:
                time = timestamps.inspect_reply((run_dir / ticket.timestamp).read_bytes()).time
            except (SealError, OSError):
                time = None
        lines.append(
            f"Timestamped ({ticket.timestamp}) by a time-stamping authority at "
            f"{time or '(openssl is needed to show when)'}; check it: dnn-runbook verify RUN_DIR "
            "--tsa-ca FILE."
        )
    return lines


def _read_head(path: Path) -> str | None:
    if path.is_symlink() or not path.is_file():
        return None
    try:
        with path.open("rb") as stream:
            data = stream.read(100)
    except OSError:
        return None
    text = data.decode("ascii", "replace")
    return text[:64] if re.fullmatch(r"[0-9a-f]{64}\n", text) else None
