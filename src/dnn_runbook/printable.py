"""Text that is safe to put on a terminal: control characters shown, never obeyed.

Runbook keys, confirm messages, file names found in a run directory and values read from
pages all reach the terminal. A raw escape sequence in any of them (``\\x1b[2J``, an OSC
hyperlink, a bidirectional override) would clear the screen, rewrite earlier lines or hide
text from the operator. :func:`printable` writes each such character as a visible escape.
"""

from __future__ import annotations

import re

# C0 controls (tab and, when allowed, newline aside), DEL, C1 controls, the line and paragraph
# separators some terminals honour, and the bidirectional overrides and isolates that reorder
# what is shown.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_KEEP_NEWLINE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control character written as ``\\xNN`` or ``\\uNNNN``.

    Tabs stay; newlines stay only when ``newlines`` is true (a plan, a list of lines).
    """
    pattern = _CONTROL_KEEP_NEWLINE if newlines else _CONTROL
    return pattern.sub(_escape, text)
