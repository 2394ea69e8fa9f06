"""One process per run directory: an exclusive lock file beside it.

Two ``--resume`` s of one run directory at once would both click, and each would rewrite the
other's journal and manifest. A run therefore holds ``.<run id>.lock`` in the run directory's
parent folder (beside it, so the run directory holds only evidence) for as long as it runs:

- the file is locked with the operating system's own lock (``fcntl.flock`` on POSIX,
  ``msvcrt.locking`` on Windows), which dies with its process: a second process finds it held
  and is refused (exit 2), naming the holder (process id, host, user, since when);
- on exit the holder deletes the file; a process killed with SIGKILL (or a machine that lost
  power) leaves the file behind but not the lock, so the next run finds the lock free, takes
  it over and says whose stale lock it was.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dnn_runbook.clock import iso, utc_now
from dnn_runbook.exceptions import RunDirError

# The byte that is locked lies past the holder's description, so that another process can
# read who holds the lock (on Windows a locked byte cannot be read by others).
_LOCK_OFFSET = 4096
_BINARY = getattr(os, "O_BINARY", 0)
#: Decided once, with the lock primitive: releasing follows the same system's rules.
_WINDOWS = sys.platform == "win32"

if sys.platform == "win32":  # spelt out: type checkers pick the branch by this test
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(run_dir: Path) -> Path:
    """Where the lock of ``run_dir`` is: ``.<name>.lock`` beside it."""
    resolved = run_dir.resolve()
    return resolved.parent / f".{resolved.name}.lock"


@dataclass(slots=True)
class RunLock:
    """The lock a process holds on one run directory; :meth:`release` it when done."""

    path: Path
    fd: int | None
    #: The description a process killed before it released the lock left, if there was one.
    stale: dict[str, Any] | None = None

    @classmethod
    def acquire(cls, run_dir: Path) -> RunLock:
        """Take the lock of ``run_dir`` or raise :class:`RunDirError` naming its holder."""
        path = lock_path(run_dir)
        for _attempt in range(5):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | _BINARY, 0o600)
            except OSError as exc:
                raise RunDirError(
                    f"The lock file {path} of the run directory {run_dir} could not be opened "
                    f"({exc.strerror or exc}); the folder holding the run must be writable."
                ) from exc
            if not _try_lock(fd):
                holder = _read(fd)
                os.close(fd)
                raise RunDirError(_held_message(run_dir, path, holder))
            if not _same_file(fd, path):
                # The holder released (deleted) the file between our open and our lock: the
                # lock we hold is on a file nobody else will ever open. Try again.
                _unlock(fd)
                os.close(fd)
                continue
            previous = _read(fd)
            _write(fd, _description())
            return cls(path, fd, previous or None)
        raise RunDirError(
            f"The lock file {path} of the run directory {run_dir} kept changing while it was "
            "taken; another process is starting on it. Try again in a moment."
        )

    def release(self) -> None:
        """Delete the lock file and let the lock go; safe to call twice."""
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        if not _WINDOWS:
            # Deleted while still held, so nobody can take the old file's lock in between.
            with contextlib.suppress(OSError):
                self.path.unlink()
            _unlock(fd)
            os.close(fd)
        else:
            # Windows cannot delete a file that is open: let go first.
            _unlock(fd)
            os.close(fd)
            with contextlib.suppress(OSError):
                self.path.unlink()

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def describe_holder(holder: dict[str, Any] | None) -> str:
    """``process 1234 of alice on host web01, since 2026-11-29T21:24:07.120Z``."""
    if not holder:
        return "a process that left no description"
    return (
        f"process {holder.get('pid', '?')} of {holder.get('user', '?')} on host "
        f"{holder.get('host', '?')}, since {holder.get('since', '?')}"
    )


def _held_message(run_dir: Path, path: Path, holder: dict[str, Any] | None) -> str:
    return (
        f"The run directory {run_dir} is in use by {describe_holder(holder)} (lock file "
        f"{path}). Two runs of one directory would both click and overwrite each other's "
        "evidence: wait until that process has ended, then run the command again."
    )


def _description() -> dict[str, Any]:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return {"pid": os.getpid(), "host": platform.node(), "user": user, "since": iso(utc_now())}


def _read(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, _LOCK_OFFSET)
        value = json.loads(data.decode("utf-8").strip() or "{}")
    except (OSError, ValueError, RecursionError):
        return {"note": "an unreadable description"}
    return value if isinstance(value, dict) else {}


def _write(fd: int, holder: dict[str, Any]) -> None:
    data = json.dumps(holder, ensure_ascii=False).encode("utf-8")[: _LOCK_OFFSET - 1]
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, data + b"\n")
    os.fsync(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except OSError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (on_disk.st_dev, on_disk.st_ino)
