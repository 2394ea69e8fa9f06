"""Reading a file that someone else may have made: regular files only, and never too much.

A runbook, an env file, a manifest, a journal or an events file can be a FIFO (reading it
waits forever for a writer), a device (``/dev/zero`` reports a size of 0 and never ends) or
simply huge. :func:`read_regular` refuses anything but a regular file and reads at most the
limit given, whatever the file's size claims, so no input can hang a command or exhaust its
memory.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from dnn_runbook.exceptions import InputFileError, InputTextError

# Opening a FIFO for reading blocks until a writer comes; O_NONBLOCK returns at once, and the
# check that follows refuses it. Windows has no FIFOs and no such flag.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def describe_kind(mode: int) -> str:
    """What a file of ``mode`` is, in words (``'a named pipe (FIFO)'``)."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path: str | os.PathLike[str], *, max_bytes: int, what: str) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    ``what`` names what the file should be, in messages (``"runbook"``, ``"env file"``).
    Raises :class:`~dnn_runbook.exceptions.InputFileError` when the file is missing, is not a
    regular file, holds more than ``max_bytes`` or cannot be read; its ``reason`` says which,
    in a sentence.
    """
    label = os.fspath(path)
    try:
        before = os.stat(label)
    except OSError as exc:
        raise InputFileError(label, f"the {what} cannot be read: {_why(exc)}.") from None
    if not stat.S_ISREG(before.st_mode):
        raise InputFileError(label, _not_regular(before.st_mode, what))
    if before.st_size > max_bytes:
        raise InputFileError(label, _too_large(f"is {before.st_size:,} bytes", max_bytes, what))
    try:
        fd = os.open(label, _OPEN_FLAGS)
    except OSError as exc:
        raise InputFileError(label, f"the {what} cannot be read: {_why(exc)}.") from None
    try:
        # Checked again on what was opened: the name may have been swapped in between.
        opened = os.fstat(fd).st_mode
        if not stat.S_ISREG(opened):
            raise InputFileError(label, _not_regular(opened, what))
        chunks: list[bytes] = []
        total = 0
        # Read to the limit whatever the size said: a file may grow while it is read.
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise InputFileError(label, f"the {what} cannot be read: {_why(exc)}.") from None
    finally:
        os.close(fd)
    if total > max_bytes:
        raise InputFileError(label, _too_large("grew past that while it was read", max_bytes, what))
    return b"".join(chunks)


#: Byte order marks and their codecs, longest first: UTF-32 LE's mark starts with UTF-16 LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def decode_text(data: bytes, *, path: str, what: str) -> str:
    """The text of a file, as editors and shells on every system write it: UTF-8 with or
    without a byte order mark, or UTF-16 or UTF-32 with one (PowerShell 5's ``>`` and
    ``Out-File`` write UTF-16 LE with a mark; Notepad's "Unicode" is the same). The mark is
    not part of the text.

    Raises:
        InputTextError: the bytes are not text in that encoding; for UTF-8, ``line`` and
            ``col`` say where the first bad byte is.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise InputTextError(
                    path,
                    f"the {what} starts with a {name} byte order mark but is not {name} text; "
                    "save it again as UTF-8.",
                ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputTextError(
            path,
            f"the {what} is not UTF-8 text (nor UTF-16 with a byte order mark); save it as UTF-8.",
            line=line,
            col=col,
        ) from None


def _not_regular(mode: int, what: str) -> str:
    wanted = what if what.endswith("file") else f"{what} file"
    article = "an" if wanted[:1] in "aeiou" else "a"
    if stat.S_ISDIR(mode):
        return f"this is a folder; give the path of {article} {wanted}."
    return (
        f"this is {describe_kind(mode)}, not a regular file; give the path of {article} {wanted}."
    )


def _too_large(found: str, max_bytes: int, what: str) -> str:
    article = "an" if what[:1] in "aeiou" else "a"
    return f"the file {found}; {article} {what} is at most {max_bytes:,} bytes, so this is not one."


def mode_of(path: str | os.PathLike[str]) -> int | None:
    """The permission bits of ``path`` (``0o644``), or ``None`` where they mean nothing
    (Windows) or cannot be read."""
    if os.name != "posix":
        return None
    try:
        return stat.S_IMODE(Path(path).stat().st_mode)
    except OSError:
        return None


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
