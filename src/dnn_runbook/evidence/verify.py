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
  itself; a ``.<name>.<random>.tmp`` file, which only a crash in the middle of an atomic write
  leaves, is reported as a leftover of an interrupted write.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from dnn_runbook.evidence.chain import (
    MANIFEST_NAME,
    ManifestEntry,
    abbreviate,
    audit_chain,
    file_digest,
    load_manifest_document,
    render_manifest,
)
from dnn_runbook.exceptions import EvidenceError

#: The name of a temporary file that a crash left behind between writing and renaming it.
LEFTOVER = re.compile(r"\..+\.tmp")
_HEX_PREFIX = re.compile(r"[0-9a-f]{8,64}")


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

    @property
    def ok(self) -> bool:
        """True when every file, entry and link checked out."""
        return not self.problems

    def summary(self, shown_as: str | None = None) -> str:
        """One line for people, e.g. ``RUN: intact — 23 files, chain head 3fa1…c9d2``."""
        where = shown_as if shown_as is not None else str(self.run_dir)
        if not self.ok:
            return f"{where}: NOT intact — {_plural(len(self.problems), 'problem')} found"
        return (
            f"{where}: intact — {_plural(self.count, 'file')}, chain head {abbreviate(self.head)}"
        )


def verify_run_dir(run_dir: Path, *, expect_head: str | None = None) -> VerifyResult:
    """Check ``run_dir`` against its ``manifest.json``; see the module docstring for what.

    ``expect_head`` (the full head, or a prefix of at least 8 hex digits, as recorded in a
    ticket) also checks that the chain is the one recorded, which catches a rewritten chain.

    Raises :class:`~dnn_runbook.exceptions.RunDirError` or
    :class:`~dnn_runbook.exceptions.ManifestError` when ``run_dir`` is not a run directory at
    all: no ``manifest.json``, or one that is not readable JSON of this format.
    """
    if expect_head is not None and not _HEX_PREFIX.fullmatch(expect_head):
        raise EvidenceError(
            "The expected chain head must be 8 to 64 lowercase hex digits, the start of a "
            f"chain head (got {len(expect_head)} characters)."
        )
    raw, document = load_manifest_document(run_dir)
    audit = audit_chain(document)
    problems = list(audit.problems)
    if not problems:
        # Only meaningful when everything parsed: then any byte that differs from the
        # rendering (whitespace, key order, escapes) is an edit the JSON parser hid.
        assert audit.run_id is not None
        assert audit.runbook_name is not None
        assert audit.runbook_sha256 is not None
        rendered = render_manifest(
            audit.run_id, audit.runbook_name, audit.runbook_sha256, audit.entries
        )
        if rendered != raw:
            problems.append(
                f"{MANIFEST_NAME} was edited: its bytes differ from the form dnn-runbook "
                "writes (whitespace, key order or escaping changed) although its content parses."
            )
    head = audit.head or ""
    if expect_head is not None and not head.startswith(expect_head):
        problems.append(
            f"{MANIFEST_NAME}: its chain head {abbreviate(head)} is not the expected "
            f"{abbreviate(expect_head)}: the manifest was rewritten, or this is another run."
        )
    latest: dict[str, ManifestEntry] = {}
    for entry in audit.entries:
        latest[entry.file] = entry
    problems.extend(_file_problems(run_dir, latest))
    problems.extend(_unexpected_files(run_dir, set(latest)))
    return VerifyResult(
        run_dir=run_dir,
        problems=tuple(problems),
        head=head,
        count=len(latest),
        entries=len(audit.entries),
    )


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
        if path.is_symlink() or not path.is_file():
            problems.append(
                f"{name} is not a regular file any more (manifest {recorded}); it was replaced "
                "by a directory, a link or a device."
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
            if relative == MANIFEST_NAME or relative in listed:
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
