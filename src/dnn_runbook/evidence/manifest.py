"""``manifest.json``: the hash chain over every evidence file of a run, written step by step.

:class:`Manifest` starts the chain of a new run, reopens it to resume a run, and adds a file
(hashed as it is at that moment) with each call, rewriting ``manifest.json`` atomically. The
document's format and the rules that check it are in :mod:`dnn_runbook.evidence._chain`.

A file the run writes whole (a screenshot, the journal, the report) is **chained before it
gets its name**: its bytes go to a temporary ``.<name>.<random>.tmp`` file, the entry for
them is written into the manifest, and only then is the temporary file renamed. A process
killed at any moment therefore leaves either a temporary file the chain never heard of
(removable), or one whose bytes are exactly what the chain's latest entry for its name
records (to be renamed into place): a resumed run can prove which, and never has to trust a
file the chain does not vouch for.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from dnn_runbook.clock import iso, utc_now
from dnn_runbook.evidence._chain import (
    FORMAT,
    ManifestEntry,
    audit_chain,
    file_digest,
    genesis_hash,
    load_manifest_document,
    render_manifest,
    runbook_of,
    sorted_json,
    validate_file_name,
)
from dnn_runbook.evidence.atomic import install, write_atomic, write_temp
from dnn_runbook.evidence.names import MANIFEST_NAME
from dnn_runbook.evidence.run_dir import free_name
from dnn_runbook.exceptions import ManifestError, RunDirError

__all__ = ["FORMAT", "MANIFEST_NAME", "Manifest", "ManifestEntry", "genesis_hash"]


class Manifest:
    """The manifest of one run directory, appended to step by step.

    Every :meth:`add` rewrites ``manifest.json`` atomically, so a crash leaves either the
    manifest before the add or the one after it. Safe to call from several threads.
    """

    def __init__(
        self,
        run_dir: Path,
        run_id: str,
        binding: Mapping[str, Any],
        entries: Sequence[ManifestEntry],
        clock: Callable[[], datetime],
    ) -> None:
        """Use :meth:`create` or :meth:`open`; this only holds state."""
        self.run_dir = run_dir
        self.run_id = run_id
        self.binding: dict[str, Any] = sorted_json(dict(binding))
        self._entries = list(entries)
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def create(
        cls,
        run_dir: Path,
        run_id: str,
        binding: Mapping[str, Any],
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> Manifest:
        """Start the manifest of a new run in ``run_dir``; an existing manifest is never replaced.

        ``binding`` is what the run resolved (:func:`dnn_runbook.evidence.binding.bind`); it
        must name the runbook and its SHA-256. ``clock`` returns the time stamped on entries
        (default: now, in UTC).
        """
        _expect_header(run_id, binding)
        if not run_dir.is_dir():
            raise RunDirError(f"The run directory {run_dir} does not exist; create it first.")
        if (run_dir / MANIFEST_NAME).exists():
            raise ManifestError(
                f"{run_dir / MANIFEST_NAME} already exists: a run directory holds one run; "
                "use Manifest.open to continue it."
            )
        manifest = cls(run_dir, run_id, binding, (), clock or utc_now)
        manifest._write(manifest._entries)
        return manifest

    @classmethod
    def open(cls, run_dir: Path, *, clock: Callable[[], datetime] | None = None) -> Manifest:
        """Reopen the manifest of ``run_dir`` to continue its chain.

        The chain must be intact; the files are not checked here (a resumed run checks them
        first, see :mod:`dnn_runbook.evidence.recovery`).
        """
        _raw, document = load_manifest_document(run_dir)
        audit = audit_chain(document)
        if audit.problems:
            raise ManifestError(
                f"{run_dir / MANIFEST_NAME} cannot be continued because its chain is broken: "
                f"{audit.problems[0]} Run 'dnn-runbook verify {run_dir}' to see every problem."
            )
        # audit_chain reports a problem whenever a header field is missing.
        assert audit.run_id is not None
        assert audit.binding is not None
        return cls(run_dir, audit.run_id, audit.binding, audit.entries, clock or utc_now)

    @property
    def runbook_name(self) -> str:
        """The runbook's name, as the binding records it."""
        return runbook_of(self.binding)[0] or ""

    @property
    def runbook_sha256(self) -> str:
        """The runbook file's SHA-256, as the binding records it."""
        return runbook_of(self.binding)[1] or ""

    @property
    def path(self) -> Path:
        """Where ``manifest.json`` is."""
        return self.run_dir / MANIFEST_NAME

    @property
    def entries(self) -> tuple[ManifestEntry, ...]:
        """Every entry so far, in chain order."""
        with self._lock:
            return tuple(self._entries)

    @property
    def head(self) -> str:
        """The last entry's hash, or the genesis value when nothing was added yet."""
        with self._lock:
            return self._head(self._entries)

    def latest(self, file: str) -> ManifestEntry | None:
        """The latest entry for ``file`` (relative POSIX name), the one its content must match."""
        with self._lock:
            return next((e for e in reversed(self._entries) if e.file == file), None)

    def free_name(self, stem: str, suffix: str) -> str:
        """A file name for new evidence that neither the run directory nor the chain has."""
        return free_name(self.run_dir, stem, suffix, listed=lambda n: self.latest(n) is not None)

    def add(self, file_path: Path | str, step_id: str | None = None) -> ManifestEntry:
        """Hash ``file_path`` as it is now, chain a new entry for it and rewrite the manifest.

        ``file_path`` is absolute or relative to the run directory and must be a regular file
        inside it. Adding a file again after it changed is how ``events.jsonl``, which only
        ever grows, is kept current.
        """
        name, path = self._resolve(file_path)
        try:
            size, digest = file_digest(path)
        except OSError as exc:
            raise ManifestError(
                f"{name} could not be read to add it to the manifest ({exc.strerror or exc})."
            ) from exc
        return self._append(name, size, digest, step_id)

    def refresh(self, file_path: Path | str, step_id: str | None = None) -> ManifestEntry | None:
        """:meth:`add` the file if it changed since its latest entry (or has none); ``None``
        when it is missing or unchanged."""
        given = Path(file_path)
        path = given if given.is_absolute() else self.run_dir / given
        if not path.is_file():
            return None
        name, resolved = self._resolve(path)
        latest = self.latest(name)
        if latest is not None and file_digest(resolved) == (latest.size, latest.sha256):
            return None
        return self.add(name, step_id)

    def write_file(self, name: str, data: bytes | str, step_id: str | None = None) -> ManifestEntry:
        """Write ``data`` as ``name`` in the run directory, chained before it gets its name
        (see the module)."""
        target = self._target(name)
        return self.commit(name, write_temp(target, data), step_id)

    def temporary(self, name: str) -> Path:
        """An empty temporary file for ``name``'s bytes (``.<name>.<random>.tmp``), for a
        writer such as the browser to fill before :meth:`commit`."""
        return write_temp(self._target(name))

    def commit(self, name: str, temporary: Path, step_id: str | None = None) -> ManifestEntry:
        """Chain the bytes of ``temporary`` as ``name``, then rename it to ``name``.

        If the entry cannot be written the temporary file is removed and nothing changes; if
        the rename fails after it, the temporary file stays for a resume to put in place.
        """
        target = self._target(name)
        try:
            size, digest = file_digest(temporary)
            entry = self._append(name, size, digest, step_id)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        install(temporary, target, keep=True)
        return entry

    def _target(self, name: str) -> Path:
        problem = validate_file_name(name)
        if problem is not None:
            raise ManifestError(f"The evidence file name {name!r} is refused: {problem}.")
        target = self.run_dir / name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return target

    def _append(self, name: str, size: int, digest: str, step_id: str | None) -> ManifestEntry:
        with self._lock:
            entry = _chain(
                self._entries, name, size, digest, step_id, _iso_utc(self._clock()), self._head
            )
            entries = [*self._entries, entry]
            # Memory follows disk: if the write fails, the manifest object is unchanged.
            self._write(entries)
            self._entries = entries
        return entry

    def _resolve(self, file_path: Path | str) -> tuple[str, Path]:
        given = Path(file_path)
        path = given if given.is_absolute() else self.run_dir / given
        root = self.run_dir.resolve()
        try:
            name = path.resolve().relative_to(root).as_posix()
        except ValueError:
            raise ManifestError(
                f"{given} cannot be added to the manifest of {self.run_dir}: it is outside the "
                "run directory."
            ) from None
        problem = validate_file_name(name)
        if problem is not None:
            raise ManifestError(f"{given} cannot be added to the manifest: {problem}.")
        if path.is_symlink() or not path.is_file():
            raise ManifestError(
                f"{name} cannot be added to the manifest: it must be an existing regular file "
                "(not a directory or a symbolic link)."
            )
        return name, root / name

    def _head(self, entries: Sequence[ManifestEntry]) -> str:
        if entries:
            return entries[-1].hash
        return genesis_hash(self.run_id, self.binding)

    def _write(self, entries: Sequence[ManifestEntry]) -> None:
        write_atomic(self.path, render_manifest(self.run_id, self.binding, entries))


def _chain(
    entries: Sequence[ManifestEntry],
    name: str,
    size: int,
    digest: str,
    step_id: str | None,
    time: str,
    head: Callable[[Sequence[ManifestEntry]], str],
) -> ManifestEntry:
    unsigned = ManifestEntry(len(entries) + 1, name, size, digest, step_id, time, head(entries), "")
    return dataclasses.replace(unsigned, hash=unsigned.compute_hash())


def _expect_header(run_id: str, binding: Mapping[str, Any]) -> None:
    if not run_id:
        raise ManifestError("The manifest's run_id must be a non-empty string (got '').")
    name, sha = runbook_of(binding)
    if name is None or sha is None:
        raise ManifestError(
            "The manifest's binding must name the runbook: binding['runbook'] needs 'name' (a "
            "string) and 'sha256' (64 lowercase hex digits, the SHA-256 of the runbook file)."
        )


def _iso_utc(moment: datetime) -> str:
    try:
        return iso(moment, timespec="microseconds") or ""
    except ValueError as exc:
        raise ManifestError(
            f"The manifest clock must return timezone-aware times (got {moment.isoformat()})."
        ) from exc
