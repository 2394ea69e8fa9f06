"""Reading JSON that may have been crafted: every way it can fail is one error, never a crash.

A run directory's ``manifest.json``, ``state.json`` and ``events.jsonl`` can be edited by
anyone who can write the folder. Python's ``json`` raises more than ``JSONDecodeError`` on
hostile input: ``RecursionError`` for deeply nested arrays, ``ValueError`` for an integer of
more than 4,300 digits. :func:`parse_json` turns each into one sentence.
"""

from __future__ import annotations

import json
from typing import Any

#: The most bytes of JSON a run directory's files are read for: far beyond any real run.
MAX_JSON_BYTES = 64 * 1024 * 1024


class JsonReadError(ValueError):
    """Raised by :func:`parse_json`; the message is a phrase such as ``"not valid JSON (…)"``."""


def parse_json(raw: bytes | str) -> Any:
    """``raw`` parsed as JSON; :class:`JsonReadError` says why it cannot be."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise JsonReadError(f"not UTF-8 text (byte {exc.start} is invalid)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonReadError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise JsonReadError("JSON nested too deeply to be one dnn-runbook writes") from None
    except ValueError as exc:
        # Integers of more than 4,300 digits, and the like.
        raise JsonReadError(f"JSON that cannot be read ({str(exc)[:80]})") from None
