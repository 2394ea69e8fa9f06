"""The run directory: one new, owner-only folder per run, never reused.

Its name is ``<UTC time>-<runbook name>``, e.g. ``20261129T212406Z-migrate-license``, so that
runs sort by time in any file browser. Two runs started in the same second get ``-2``, ``-3``
and so on: each candidate is claimed with a single ``os.mkdir``, which fails if the name exists,
so two processes can never end up sharing (or overwriting) one directory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from dnn_runbook.evidence.atomic import fsync_directory
from dnn_runbook.exceptions import RunDirError

#: Run directories are private to their owner: evidence may show license data.
DIR_MODE = 0o700

#: How many ``-N`` suffixes are tried before giving up (a guard, not a real limit).
MAX_ATTEMPTS = 10_000

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 64


def run_dir_name(runbook_name: str, now: datetime) -> str:
    """The base name of a run directory for ``runbook_name`` started at ``now`` (tz-aware).

    The runbook name is reduced to letters, digits, ``.``, ``_`` and ``-`` (anything else
    becomes ``-``) and cut to 64 characters, so that it is safe as a folder name everywhere.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise RunDirError(
            f"The run directory's time must be timezone-aware, so that it can be written in "
            f"UTC (got the naive datetime {now.isoformat()}); pass dnn_runbook.clock.utc_now()."
        )
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    slug = _UNSAFE.sub("-", runbook_name).strip(".-_")[:_MAX_NAME].rstrip(".-_")
    return f"{stamp}-{slug or 'runbook'}"


def create_run_dir(parent: Path, runbook_name: str, now: datetime) -> Path:
    """Create and return a new run directory under ``parent`` (created too if missing).

    The directory has mode 0o700. An existing directory is never reused: if the name is taken
    the next free ``-2``, ``-3``, … suffix is claimed atomically.
    """
    base = run_dir_name(runbook_name, now)
    # Absolute, so that a file named as run_dir / name is the same file wherever it is opened.
    parent = Path(parent).absolute()
    try:
        parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise RunDirError(
            f"The evidence folder {parent} could not be created ({exc.strerror or exc}); "
            "choose another with --evidence-dir."
        ) from exc
    for attempt in range(1, MAX_ATTEMPTS + 1):
        candidate = parent / (base if attempt == 1 else f"{base}-{attempt}")
        try:
            os.mkdir(candidate, DIR_MODE)
        except FileExistsError:
            continue
        except OSError as exc:
            raise RunDirError(
                f"The run directory {candidate} could not be created ({exc.strerror or exc}); "
                "the evidence folder must be writable."
            ) from exc
        # mkdir's mode is filtered by the umask; chmod makes it exactly owner-only.
        os.chmod(candidate, DIR_MODE)
        fsync_directory(parent)
        return candidate
    raise RunDirError(
        f"No free run directory name was found in {parent}: {base} and its suffixes -2 to "
        f"-{MAX_ATTEMPTS} all exist; move old runs elsewhere or choose another --evidence-dir."
    )


def free_name(
    run_dir: Path, stem: str, suffix: str, *, listed: Callable[[str], bool] = lambda _name: False
) -> str:
    """``stem + suffix``, or the first ``stem-N + suffix`` (N from 2) that no file in
    ``run_dir`` has and ``listed`` (the manifest) does not know: evidence is never
    overwritten, and a resumed run's second screenshot of a step gets ``-2``."""
    name, counter = f"{stem}{suffix}", 2
    while (run_dir / name).exists() or listed(name):
        name = f"{stem}-{counter}{suffix}"
        counter += 1
    return name


def through_link(run_dir: Path, name: str) -> bool:
    """Whether the evidence file ``name`` (relative, POSIX) is reached through a symbolic link
    anywhere on its way from ``run_dir``: such a path may lead out of the run directory, so
    evidence is never read or embedded through one."""
    path = run_dir
    for part in name.split("/"):
        path = path / part
        if path.is_symlink():
            return True
    return False
