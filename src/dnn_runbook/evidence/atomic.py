"""Crash-safe writes for evidence files.

``write_atomic`` replaces a whole file so that a reader (or a crash at any moment) sees either
the old content or the new, never a mix: it writes a temporary file in the same directory,
fsyncs it, renames it over the target and fsyncs the directory. The temporary file is named
``.<name>.<random>.tmp``; only a process killed between creating and renaming it can leave one
behind, and ``dnn-runbook verify`` reports such a file as a leftover.

``append_line`` adds one line to a JSON-lines log (``events.jsonl``) and fsyncs it, so that every
event written before a crash survives it.

Every file written here is owner-only (0o600): evidence may show license data.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from dnn_runbook.exceptions import EvidenceError

#: Evidence files are readable and writable by their owner only.
FILE_MODE = 0o600

#: The name of a temporary file a crash left behind between writing and renaming it.
LEFTOVER = re.compile(r"\..+\.tmp")

# Windows opens descriptors in text mode unless told otherwise, which would turn "\n" into
# "\r\n" and change the bytes a manifest hashed.
_BINARY = getattr(os, "O_BINARY", 0)


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Replace ``path`` with ``data`` (``str`` is written as UTF-8), atomically and durably.

    On any failure the previous content of ``path`` (or its absence) is left as it was, no
    temporary file is left behind, and :class:`~dnn_runbook.exceptions.EvidenceError` is
    raised naming the file.
    """
    target = Path(path)
    install(write_temp(target, data), target)


def write_temp(target: str | os.PathLike[str], data: bytes | str = b"") -> Path:
    """Write ``data`` durably to a new temporary file beside ``target``
    (``.<name>.<random>.tmp``, owner-only) and return its path, for :func:`install` to rename
    into place later (or for a writer such as a browser to overwrite first)."""
    final = Path(target)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    directory = final.parent
    try:
        # mkstemp creates the file with mode 0o600 and O_EXCL, in the target's directory so
        # that the rename in install() stays on one file system and is atomic.
        fd, temp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise EvidenceError(
            f"Writing {final} failed: a temporary file could not be created in {directory} "
            f"({exc.strerror or exc}); the directory must exist and be writable."
        ) from exc
    temp = Path(temp_name)
    try:
        try:
            _write_all(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise EvidenceError(f"Writing {final} failed ({exc.strerror or exc}).") from exc
    except BaseException:
        # KeyboardInterrupt or the like: still never leave the temporary file behind.
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def install(temp: Path, target: str | os.PathLike[str], *, keep: bool = False) -> None:
    """Rename the temporary file ``temp`` over ``target`` and make the rename durable.

    On failure ``target`` keeps its previous content (or stays absent),
    :class:`~dnn_runbook.exceptions.EvidenceError` is raised, and ``temp`` is removed unless
    ``keep`` (its bytes are chained already: a resume puts them in place).
    """
    final = Path(target)
    try:
        os.replace(temp, final)
    except OSError as exc:
        if not keep:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise EvidenceError(
            f"Writing {final} atomically failed ({exc.strerror or exc}); its previous "
            "content, if any, is unchanged."
        ) from exc
    _fsync_directory(final.parent)


def append_line(path: str | os.PathLike[str], line: str) -> None:
    """Append ``line`` and a newline to ``path`` (created 0o600 if missing), then fsync.

    ``line`` must be one line: a newline inside it would split a JSON-lines record. If the
    file does not end with a newline (a crash cut the last line short), a newline is written
    first so that the new line stays a whole, parsable record.
    """
    if "\n" in line or "\r" in line:
        raise EvidenceError(
            f"Appending to {path} refused: the line must not contain a line break "
            f"(got one of {len(line)} characters with a break inside); serialize it first."
        )
    target = Path(path)
    existed = target.exists()
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | _BINARY
    try:
        fd = os.open(target, flags, FILE_MODE)
        try:
            size = os.fstat(fd).st_size
            prefix = b""
            if size:
                # O_APPEND sends every write to the end whatever the offset: seeking here only
                # positions the read of the last byte.
                os.lseek(fd, size - 1, os.SEEK_SET)
                if os.read(fd, 1) != b"\n":
                    prefix = b"\n"
            _write_all(fd, prefix + line.encode("utf-8") + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise EvidenceError(
            f"Appending a line to {target} failed ({exc.strerror or exc}); the lines "
            "written before are unchanged."
        ) from exc
    if not existed:
        _fsync_directory(target.parent)


def fsync_directory(directory: str | os.PathLike[str]) -> None:
    """Make a rename or a new entry in ``directory`` durable (does nothing where unsupported)."""
    _fsync_directory(Path(directory))


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":
        # Windows cannot open a directory to fsync it; NTFS journals the rename itself.
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise EvidenceError(
            f"Flushing the directory {directory} to disk failed ({exc.strerror or exc}); "
            "the file was written but may not survive a power loss."
        ) from exc
