"""Standard output and error that can print what the tool prints, on Windows too.

Messages quote runbooks, env files and pages, in any language. On Windows, output redirected
to a file or a pipe (``dnn-runbook plan runbook.yaml > plan.txt``) is encoded in the ANSI code
page (cp1252 and the like), which has no Cyrillic, no CJK, no ``→``: a runbook described in
Russian would stop ``plan`` with a ``UnicodeEncodeError`` traceback. Such streams are switched to UTF-8, which PowerShell and
every editor read. A console is left alone: Python writes to it in Unicode already.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Sequence
from typing import TextIO


def utf8_when_redirected(
    streams: Sequence[TextIO | None] | None = None, *, windows: bool | None = None
) -> None:
    """Reconfigure each redirected text stream whose encoding is not UTF-8 to UTF-8 (Windows
    only; elsewhere the locale decides, as the user set it)."""
    windows = os.name == "nt" if windows is None else windows
    if not windows:
        return
    for stream in streams if streams is not None else (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper) or stream.isatty():
            continue
        if codecs.lookup(stream.encoding).name != "utf-8":
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
