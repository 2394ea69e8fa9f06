"""Checking a run directory against its manifest: what ``dnn-runbook verify`` does.

:func:`verify_run_dir` recomputes every hash and every link of the chain and compares the
directory with the manifest, reporting every problem at once rather than stopping at the
first:

- a chain problem: an entry edited, removed, inserted or reordered (seq gap, ``prev`` or
  ``hash`` mismatch), a head that is not the last entry's hash, a malformed entry, or a
  ``manifest.json`` whose bytes differ from what the tool writes (so even a whitespace edit
  shows);
- a **missing** file: in the manifest, not on disk;
- an **altered** file: its size or SHA-256 differs from its latest entry;
- an **unexpected** file: on disk but in no entry. Nothing is ignored except ``manifest.json``
  itself and ``SHA256SUMS`` (which must list what the manifest lists); a
  ``.<name>.<random>.tmp`` file, which only a crash in the middle of a write leaves, is
  reported as a leftover of an interrupted write;
- a ticket file (``head.txt``) that does not hold the hash of the entry before it.

With ``expect_head`` (the ticket hash recorded in the change ticket), that hash must be an
entry of the chain: a report rebuilt later extends the chain without breaking the ticket.
With ``allowed_signers`` and ``tsa_ca``, each ticket's signature and timestamp are checked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from dnn_runbook.evidence import signing, timestamps
from dnn_runbook.evidence._chain import (
    ManifestEntry,
    abbreviate,
    audit_chain,
    file_digest,
    load_manifest_document,
    render_manifest,
)
from dnn_runbook.evidence.atomic import LEFTOVER
from dnn_runbook.evidence.names import MANIFEST_NAME, SUMS_NAME
from dnn_runbook.evidence.run_dir import through_link
from dnn_runbook.evidence.seal import Ticket, ticket_problems, tickets
from dnn_runbook.evidence.sums import sums_problem
from dnn_runbook.exceptions import EvidenceError

#: The fewest hex digits of a ticket hash ``--expect-head`` takes: 128 bits, beyond any
#: brute-force search for a chain whose head starts the same.
MIN_EXPECT_DIGITS = 32
_HEX = re.compile(rf"[0-9a-f]{{{MIN_EXPECT_DIGITS},64}}")


@dataclass(frozen=True)
class VerifyResult:
    """What :func:`verify_run_dir` found."""

    run_dir: Path
    #: Full sentences, each naming the file concerned; empty when the run directory is intact.
    problems: tuple[str, ...]
    #: The chain head written in the manifest (to be trusted only when ``ok``).
    head: str
    #: How many distinct files the manifest lists.
    count: int
    #: How many entries the chain has (a file added again counts once per addition).
    entries: int
    #: The latest ticket hash the run recorded (``head.txt``), if any.
    ticket: str | None = None
    #: What was found besides problems: who signed, when it was timestamped, what was not
    #: checked (each a sentence).
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when every file, entry and link checked out."""
        return not self.problems

    def summary(self, shown_as: str | None = None) -> str:
        """One line for people, e.g. ``RUN: intact — 23 files, ticket hash 3fa1…``."""
        where = shown_as if shown_as is not None else str(self.run_dir)
        if not self.ok:
            return f"{where}: NOT intact — {_plural(len(self.problems), 'problem')} found"
        line = (
            f"{where}: intact — {_plural(self.count, 'file')}, chain head {abbreviate(self.head)}"
        )
        return line + (f", ticket hash {self.ticket}" if self.ticket else "")


def check_expected_head(value: str) -> str:
    """``value`` as ``--expect-head`` takes it (lower case), or :class:`EvidenceError`."""
    digits = value.strip().lower()
    if not _HEX.fullmatch(digits):
        raise EvidenceError(
            f"The expected head must be the ticket hash: {MIN_EXPECT_DIGITS} to 64 hex digits "
            f"(the full 64 that head.txt, the report and the run's last line show; got "
            f"{len(value)} characters). A shorter prefix could be forged by trying chains."
        )
    return digits


def verify_run_dir(
    run_dir: Path,
    *,
    expect_head: str | None = None,
    allowed_signers: Path | None = None,
    tsa_ca: Path | None = None,
) -> VerifyResult:
    """Check ``run_dir`` against its ``manifest.json``; see the module docstring for what.

    Raises :class:`~dnn_runbook.exceptions.EvidenceError` when ``run_dir`` is not a run
    directory at all (no ``manifest.json``, or one that is not readable JSON of this format),
    when ``expect_head`` is not a ticket hash, or when the tool that would check a signature or
    a timestamp is missing.
    """
    expected = check_expected_head(expect_head) if expect_head is not None else None
    raw, document = load_manifest_document(run_dir)
    audit = audit_chain(document)
    problems = list(audit.problems)
    if not problems:
        # Only meaningful when everything parsed: then any byte that differs from the
        # rendering (whitespace, key order, escapes) is an edit the JSON parser hid.
        assert audit.run_id is not None
        assert audit.binding is not None
        if render_manifest(audit.run_id, audit.binding, audit.entries) != raw:
            problems.append(
                f"{MANIFEST_NAME} was edited: its bytes differ from the form dnn-runbook "
                "writes (whitespace, key order or escaping changed) although its content parses."
            )
    if expected is not None:
        problems.extend(_expected_problems(expected, audit.entries))
    latest: dict[str, ManifestEntry] = {}
    for entry in audit.entries:
        latest[entry.file] = entry
    problems.extend(_file_problems(run_dir, latest))
    problems.extend(_unexpected_files(run_dir, set(latest)))
    sums = sums_problem(run_dir, audit.entries, raw)
    if sums is not None:
        problems.append(sums)
    problems.extend(ticket_problems(run_dir, audit.entries))
    found = tickets(run_dir, audit.entries)
    notes: list[str] = []
    for ticket in found:
        _check_seal(run_dir, ticket, allowed_signers, tsa_ca, problems, notes)
    if not found and (allowed_signers is not None or tsa_ca is not None):
        problems.append(
            f"{MANIFEST_NAME} lists no ticket file (head.txt), so there is nothing signed or "
            "timestamped: the run did not reach its end."
        )
    return VerifyResult(
        run_dir=run_dir,
        problems=tuple(problems),
        head=audit.head or "",
        count=len(latest),
        entries=len(audit.entries),
        ticket=(found[-1].head or None) if found else None,
        notes=tuple(notes),
    )


def _expected_problems(expected: str, entries: tuple[ManifestEntry, ...]) -> list[str]:
    matches = [entry for entry in entries if entry.hash.startswith(expected)]
    if len(matches) == 1:
        return []
    if matches:
        return [
            f"The expected head {abbreviate(expected)} matches several entries; give all 64 digits."
        ]
    return [
        f"{MANIFEST_NAME}: no entry of the chain has the hash {abbreviate(expected)}: the "
        "manifest was rewritten, or the hash is another run's. The ticket hash to record is "
        "the one head.txt holds (the report and the run's last line show the same)."
    ]


def _check_seal(
    run_dir: Path,
    ticket: Ticket,
    allowed_signers: Path | None,
    tsa_ca: Path | None,
    problems: list[str],
    notes: list[str],
) -> None:
    data = f"{ticket.head}\n".encode()
    if ticket.signature is None:
        if allowed_signers is not None:
            problems.append(f"{ticket.file} is not signed (no {ticket.file}.sig in the chain).")
    elif allowed_signers is None:
        notes.append(f"{ticket.signature}: signed; pass --allowed-signers FILE to check by whom.")
    else:
        signed = signing.verify(data, run_dir / ticket.signature, allowed_signers)
        if signed.ok:
            notes.append(f"{ticket.signature}: signed by {signed.signer} ({signed.key}).")
        else:
            problems.append(f"{ticket.signature}: the signature is refused: {signed.problem}.")
    if ticket.timestamp is None:
        if tsa_ca is not None:
            problems.append(f"{ticket.file} is not timestamped (no {ticket.file}.tsr).")
    elif tsa_ca is None:
        notes.append(f"{ticket.timestamp}: timestamped; pass --tsa-ca FILE to check it.")
    else:
        stamped = timestamps.verify(ticket.head, run_dir / ticket.timestamp, tsa_ca)
        if stamped.ok:
            notes.append(f"{ticket.timestamp}: the ticket hash existed at {stamped.time}.")
        else:
            problems.append(f"{ticket.timestamp}: the timestamp is refused: {stamped.problem}.")


def _file_problems(run_dir: Path, latest: dict[str, ManifestEntry]) -> list[str]:
    problems: list[str] = []
    for name in sorted(latest):
        entry = latest[name]
        path = run_dir / name
        recorded = f"entry {entry.seq} recorded {_plural(entry.size, 'byte')} with SHA-256 "
        recorded += abbreviate(entry.sha256)
        if not os.path.lexists(path):
            problems.append(f"{name} is missing: manifest {recorded}, but it is not on disk.")
            continue
        if through_link(run_dir, name) or not path.is_file():
            problems.append(
                f"{name} is not a regular file inside the run directory any more (manifest "
                f"{recorded}); it was replaced by a directory, a link or a device."
            )
            continue
        try:
            size, digest = file_digest(path)
        except OSError as exc:
            problems.append(f"{name} could not be read ({exc.strerror or exc}).")
            continue
        if size != entry.size or digest != entry.sha256:
            problems.append(
                f"{name} was altered: manifest {recorded}, but the file now has "
                f"{_plural(size, 'byte')} with SHA-256 {abbreviate(digest)}."
            )
    return problems


def _unexpected_files(run_dir: Path, listed: set[str]) -> list[str]:
    problems: list[str] = []
    for root, dirs, files in os.walk(run_dir):
        base = Path(root)
        # os.walk does not descend into linked directories; report the links themselves.
        linked_dirs = [d for d in dirs if (base / d).is_symlink()]
        for name in sorted([*files, *linked_dirs]):
            relative = (base / name).relative_to(run_dir).as_posix()
            if relative in (MANIFEST_NAME, SUMS_NAME) or relative in listed:
                continue
            if LEFTOVER.fullmatch(name):
                problems.append(
                    f"{relative} is a leftover of an interrupted write (a crash between writing "
                    "a temporary file and renaming it); it is not in the manifest."
                )
            else:
                problems.append(f"{relative} is unexpected: it is on disk but not in the manifest.")
        dirs.sort()
    return problems


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
