"""``manifest.json``: the hash chain over every evidence file of a run, written step by step.

:class:`Manifest` starts the chain of a new run, reopens it to resume a run, and adds a file
(hashed as it is at that moment) with each call, rewriting ``manifest.json`` atomically. The
document's format and the rules that check it are in :mod:`dnn_runbook.evidence.chain`.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from dnn_runbook.evidence.atomic import write_atomic
from dnn_runbook.evidence.chain import (
    FORMAT,
    MANIFEST_NAME,
    ManifestEntry,
    audit_chain,
    file_digest,
    genesis_hash,
    is_sha256_hex,
    load_manifest_document,
    render_manifest,
    validate_file_name,
)
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
        runbook_name: str,
        runbook_sha256: str,
        entries: Sequence[ManifestEntry],
        clock: Callable[[], datetime],
    ) -> None:
        """Use :meth:`create` or :meth:`open`; this only holds state."""
        self.run_dir = run_dir
        self.run_id = run_id
        self.runbook_name = runbook_name
        self.runbook_sha256 = runbook_sha256
        self._entries = list(entries)
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def create(
        cls,
        run_dir: Path,
        run_id: str,
        runbook_name: str,
        runbook_sha256: str,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> Manifest:
        """Start the manifest of a new run in ``run_dir``; an existing manifest is never replaced.

        ``runbook_sha256`` is the SHA-256 (hex) of the runbook file's bytes; ``clock`` returns
        the time stamped on entries (default: now, in UTC).
        """
        _expect_header(run_id, runbook_name, runbook_sha256)
        if not run_dir.is_dir():
            raise RunDirError(f"The run directory {run_dir} does not exist; create it first.")
        if (run_dir / MANIFEST_NAME).exists():
            raise ManifestError(
                f"{run_dir / MANIFEST_NAME} already exists: a run directory holds one run; "
                "use Manifest.open to continue it."
            )
        manifest = cls(run_dir, run_id, runbook_name, runbook_sha256, (), clock or _utc_now)
        manifest._write(manifest._entries)
        return manifest

    @classmethod
    def open(cls, run_dir: Path, *, clock: Callable[[], datetime] | None = None) -> Manifest:
        """Reopen the manifest of ``run_dir`` to continue its chain (for ``--resume``).

        The chain must be intact; the files are not checked here, because a crash may have
        left a file newer than its entry, which the resumed run re-adds.
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
        assert audit.runbook_name is not None
        assert audit.runbook_sha256 is not None
        return cls(
            run_dir,
            audit.run_id,
            audit.runbook_name,
            audit.runbook_sha256,
            audit.entries,
            clock or _utc_now,
        )

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

    def add(self, file_path: Path | str, step_id: str | None = None) -> ManifestEntry:
        """Hash ``file_path`` as it is now, chain a new entry for it and rewrite the manifest.

        ``file_path`` is absolute or relative to the run directory and must be a regular file
        inside it. Adding a file again after it changed is how ``state.json`` and
        ``events.jsonl`` are kept current.
        """
        name, path = self._resolve(file_path)
        try:
            size, digest = file_digest(path)
        except OSError as exc:
            raise ManifestError(
                f"{name} could not be read to add it to the manifest ({exc.strerror or exc})."
            ) from exc
        with self._lock:
            entry = _chain(
                self._entries, name, size, digest, step_id, _iso_utc(self._clock()), self._head
            )
            entries = [*self._entries, entry]
            # Memory follows disk: if the write fails, the manifest object is unchanged.
            self._write(entries)
            self._entries = entries
        return entry

    def write_file(self, name: str, data: bytes | str, step_id: str | None = None) -> ManifestEntry:
        """Write ``data`` atomically to ``name`` in the run directory, then :meth:`add` it."""
        problem = validate_file_name(name)
        if problem is not None:
            raise ManifestError(f"The evidence file name {name!r} is refused: {problem}.")
        target = self.run_dir / name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(target, data)
        return self.add(name, step_id)

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
        return genesis_hash(self.run_id, self.runbook_name, self.runbook_sha256)

    def _write(self, entries: Sequence[ManifestEntry]) -> None:
        write_atomic(
            self.path,
            render_manifest(self.run_id, self.runbook_name, self.runbook_sha256, entries),
        )


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


def _expect_header(run_id: str, runbook_name: str, runbook_sha256: str) -> None:
    if not run_id:
        raise ManifestError("The manifest's run_id must be a non-empty string (got '').")
    if not is_sha256_hex(runbook_sha256):
        raise ManifestError(
            "The manifest's runbook_sha256 must be 64 lowercase hex digits, the SHA-256 of the "
            f"runbook file (got a value of {len(runbook_sha256)} characters)."
        )
    if not isinstance(runbook_name, str):
        raise ManifestError(
            f"The manifest's runbook_name must be a string (got {type(runbook_name).__name__})."
        )


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ManifestError(
            f"The manifest clock must return timezone-aware times (got {moment.isoformat()})."
        )
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
