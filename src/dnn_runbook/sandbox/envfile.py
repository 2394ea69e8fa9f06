"""Writing the sandbox's ``KEY=value`` file: owner-only and atomic, since it holds passwords."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from dnn_runbook.exceptions import SandboxError

FILE_MODE = 0o600


def render_env(values: Mapping[str, str]) -> str:
    """``KEY=value`` lines, one a line, in the mapping's order.

    Raises:
        SandboxError: a value holds a line break, which would corrupt the file.
    """
    for key, value in values.items():
        if "\n" in value or "\r" in value:
            raise SandboxError(f"The value of {key} holds a line break; it cannot be written.")
    return "".join(f"{key}={value}\n" for key, value in values.items())


def write_env_file(path: Path, values: Mapping[str, str]) -> None:
    """Replace ``path`` with the ``KEY=value`` lines of ``values``, mode 0600, atomically.

    A reader sees the old file or the new one, never half of one: the lines go to a temporary
    file (created 0600) in the same folder, which is then renamed over ``path``.

    Raises:
        SandboxError: the file could not be written; the message names it and why.
    """
    text = render_env(values)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise SandboxError(
            f"The env file {path} could not be written: {exc.strerror or exc}; its folder must "
            "exist and be writable."
        ) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, FILE_MODE)
        os.replace(temp_name, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise SandboxError(
                f"The env file {path} could not be written: {exc.strerror or exc}."
            ) from exc
        raise
