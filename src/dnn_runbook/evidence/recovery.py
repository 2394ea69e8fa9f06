"""What a resumed run accepts from the run directory it continues: only what the chain vouches
for, and the provable traces of the interrupted process.

A run chains every file it writes whole before the file gets its name (see
:mod:`dnn_runbook.evidence.manifest`), and ``events.jsonl`` only ever grows. So a process
killed at any moment leaves just three kinds of difference between the directory and its
manifest, each provable from the files alone:

- a temporary ``.<name>.<random>.tmp`` whose bytes are exactly what the chain's latest entry
  for ``<name>`` records, while ``<name>`` is missing or still holds an earlier entry's bytes:
  the rename after the entry was cut short, so it is **installed** (renamed into place);
- any other temporary file: a write cut short before its entry, never part of the evidence,
  so it is **removed**;
- lines appended to ``events.jsonl`` after its latest entry, the chained bytes unchanged
  before them, each line a JSON event of this run (the last one may be cut short): the
  interrupted process's last events, **chained**.

Anything else (a chain that does not check out, a file edited, removed or added, a link, an
events file changed before its end) means someone changed the evidence, and the run is not
resumed: :func:`inspect` names every such problem. :func:`apply` makes the repairs, each of
which the resumed run records as an event.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from dnn_runbook.evidence._chain import (
    ManifestEntry,
    abbreviate,
    audit_chain,
    file_digest,
    load_manifest_document,
    render_manifest,
    sha256_hex,
)
from dnn_runbook.evidence._json import MAX_JSON_BYTES, JsonReadError, parse_json
from dnn_runbook.evidence.atomic import install
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.names import EVENTS_NAME, MANIFEST_NAME, SUMS_NAME
from dnn_runbook.exceptions import InputFileError, RunDirError
from dnn_runbook.inputs import read_regular

# ``.<name>.<random>.tmp``: mkstemp's random part has no dot.
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[A-Za-z0-9_]+\.tmp")
# Files the chain does not list on purpose: the manifest, and the checksums rewritten after
# every report (derived from the manifest, never trusted).
_UNCHAINED = frozenset({MANIFEST_NAME, SUMS_NAME})


@dataclass(frozen=True, slots=True)
class Repair:
    """One repair of what an interrupted process left: ``action`` is ``"installed"``,
    ``"removed"`` or ``"chained"``; ``detail`` says what and why, in a sentence."""

    file: str
    action: str
    detail: str
    #: The temporary file an ``"installed"`` repair renames into place.
    source: str | None = None


def inspect(run_dir: Path) -> tuple[tuple[Repair, ...], tuple[str, ...]]:
    """The repairs ``run_dir`` needs before a resume, and every problem that forbids one.

    Raises :class:`~dnn_runbook.exceptions.EvidenceError` when ``run_dir`` has no readable
    manifest of this format at all.
    """
    raw, document = load_manifest_document(run_dir)
    audit = audit_chain(document)
    problems = list(audit.problems)
    if not problems:
        assert audit.run_id is not None
        assert audit.binding is not None
        if render_manifest(audit.run_id, audit.binding, audit.entries) != raw:
            problems.append(
                f"{MANIFEST_NAME} was edited: its bytes differ from the form dnn-runbook writes."
            )
    if problems:
        return (), tuple(problems)
    history: dict[str, list[ManifestEntry]] = {}
    for entry in audit.entries:
        history.setdefault(entry.file, []).append(entry)
    unlisted = _unlisted(run_dir, set(history))
    temporaries = {
        name: path for name, path in unlisted.items() if _TEMPORARY.fullmatch(Path(name).name)
    }
    repairs: list[Repair] = []
    used: set[str] = set()
    for name, entries in sorted(history.items()):
        if name == EVENTS_NAME:
            problem = _events_tail(run_dir, entries[-1], audit.run_id or "", repairs)
        else:
            problem = _whole_file(run_dir, name, entries, temporaries, used, repairs)
        if problem is not None:
            problems.append(problem)
    for name, path in sorted(unlisted.items()):
        if name in used or name in _UNCHAINED:
            continue
        if name in temporaries and not path.is_symlink():
            repairs.append(
                Repair(
                    name,
                    "removed",
                    f"{name}: a write cut short before it was chained; it was never evidence.",
                )
            )
        elif name == EVENTS_NAME:
            problem = _events_tail(run_dir, None, audit.run_id or "", repairs)
            if problem is not None:
                problems.append(problem)
        else:
            problems.append(
                f"{name} is not in the manifest: the run did not write it (a file a run writes "
                "is chained before it gets its name), so it was put there since."
            )
    return tuple(repairs), tuple(problems)


def apply(run_dir: Path, manifest: Manifest, repairs: tuple[Repair, ...]) -> None:
    """Make ``repairs`` (from :func:`inspect`) in ``run_dir``, chaining what they add."""
    for repair in repairs:
        path = run_dir / repair.file
        if repair.action == "installed" and repair.source is not None:
            install(run_dir / repair.source, path)
        elif repair.action == "removed":
            path.unlink(missing_ok=True)
        elif repair.action == "chained":
            manifest.add(repair.file)


def check(run_dir: Path) -> tuple[Repair, ...]:
    """The repairs ``run_dir`` needs; :class:`RunDirError` names every problem when it cannot be
    resumed at all."""
    repairs, problems = inspect(run_dir)
    if problems:
        listed = " ".join(f"({n}) {p}" for n, p in enumerate(problems, start=1))
        raise RunDirError(
            f"The run directory {run_dir} does not verify against its manifest, so it is not "
            f"resumed: a resume acts on its journal, which must be the one the chain vouches "
            f"for. {listed} Run 'dnn-runbook verify {run_dir}' to see it all; start a new run."
        )
    return repairs


def _whole_file(
    run_dir: Path,
    name: str,
    entries: list[ManifestEntry],
    temporaries: dict[str, Path],
    used: set[str],
    repairs: list[Repair],
) -> str | None:
    latest = entries[-1]
    path = run_dir / name
    state = _digest(path)
    if state == (latest.size, latest.sha256):
        return None
    earlier = {(entry.size, entry.sha256) for entry in entries[:-1]}
    if state is None or state in earlier:
        for temp_name, temp in sorted(temporaries.items()):
            parent, base = os.path.split(temp_name)
            match = _TEMPORARY.fullmatch(base)
            target = os.path.join(parent, match.group("name")) if match else ""
            if Path(target).as_posix() != name or temp_name in used:
                continue
            if _digest(temp) == (latest.size, latest.sha256):
                used.add(temp_name)
                repairs.append(
                    Repair(
                        name,
                        "installed",
                        f"{name}: its entry {latest.seq} was chained but the rename was cut "
                        f"short; its bytes were put in place from {temp_name}.",
                        source=temp_name,
                    )
                )
                return None
    if state is None:
        return (
            f"{name} is missing or not a regular file: entry {latest.seq} of the manifest lists it."
        )
    return (
        f"{name} was altered: the manifest's entry {latest.seq} records "
        f"{latest.size} bytes with SHA-256 {abbreviate(latest.sha256)}, and it holds other bytes."
    )


def _events_tail(
    run_dir: Path, latest: ManifestEntry | None, run_id: str, repairs: list[Repair]
) -> str | None:
    path = run_dir / EVENTS_NAME
    try:
        data = read_regular(path, max_bytes=MAX_JSON_BYTES, what="events file")
    except InputFileError as exc:
        return f"{EVENTS_NAME} cannot be checked: {exc.reason}"
    size = latest.size if latest is not None else 0
    if latest is not None and (len(data) < size or sha256_hex(data[:size]) != latest.sha256):
        return (
            f"{EVENTS_NAME} was altered before its end: its first {size} bytes are no longer "
            f"those of the manifest's entry {latest.seq} (events are only ever appended)."
        )
    tail = data[size:]
    if not tail:
        return None
    lines = tail.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = parse_json(line)
        except JsonReadError:
            if number == len(lines):
                continue  # the last line, cut short by the kill
            return f"{EVENTS_NAME}: a line appended after its last entry is not a JSON event."
        if not isinstance(event, dict) or event.get("run_id") != run_id:
            return (
                f"{EVENTS_NAME}: a line appended after its last entry is not an event of run "
                f"{run_id}."
            )
    repairs.append(
        Repair(
            EVENTS_NAME,
            "chained",
            f"{EVENTS_NAME}: {len(tail)} bytes of events the interrupted process appended after "
            "the last entry, the bytes before them unchanged, were chained.",
        )
    )
    return None


def _digest(path: Path) -> tuple[int, str] | None:
    if path.is_symlink() or not path.is_file():
        return None
    try:
        return file_digest(path)
    except OSError:
        return None


def _unlisted(run_dir: Path, listed: set[str]) -> dict[str, Path]:
    """Every file (and linked folder) under ``run_dir`` that the chain does not list."""
    found: dict[str, Path] = {}
    for root, dirs, files in os.walk(run_dir):
        base = Path(root)
        linked = [d for d in dirs if (base / d).is_symlink()]
        for name in [*files, *linked]:
            relative = (base / name).relative_to(run_dir).as_posix()
            if relative not in listed:
                found[relative] = base / name
    return found
