"""How a secret can look once written into a file: the patterns that find it in any form.

A value typed into a web form reaches artifacts escaped in different ways: URL-encoded in a
POST body (``%40`` or ``+``), HTML-escaped in a page snapshot (``&amp;``, ``&#39;``), JSON-escaped
in a trace or a log (``\\u00e9``, ``\\/``). Rather than list whole encoded strings (there are many
encoders, each escaping a different set of characters), each character of the secret is matched
as itself *or* any escape of it. That finds every mix, in either case of letters and hex digits.
UTF-16 and base64 cannot be expressed that way and have their own needles.
"""

from __future__ import annotations

import base64
import re

_JSON_SHORT = {
    '"': '\\"',
    "\\": "\\\\",
    "/": "\\/",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_HTML_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}

#: Base64 needles shorter than this would match by chance in binary files such as PNGs.
_MIN_BASE64 = 8

_URL = re.compile(rb"%[0-9a-f]{2}|\+", re.IGNORECASE)
_HTML = re.compile(rb"&(#[0-9]+|#x[0-9a-f]+|amp|lt|gt|quot|apos);", re.IGNORECASE)
_JSON = re.compile(rb"\\(u[0-9a-f]{4}|[\"\\/bfnrt])", re.IGNORECASE)


def _escaped_fragments(ch: str) -> list[str]:
    """Regex fragments (ASCII) matching the URL, HTML and JSON escapes of one character."""
    code = ord(ch)
    fragments = ["".join(f"%{byte:02x}" for byte in ch.encode("utf-8"))]
    if ch == " ":
        fragments.append(r"\+")
    fragments.append(f"&\\#0*{code};")
    fragments.append(f"&\\#x0*{code:x};")
    if ch in _HTML_NAMED:
        fragments.append(re.escape(_HTML_NAMED[ch]))
    if code < 0x10000:
        fragments.append(re.escape(f"\\u{code:04x}"))
    else:
        high, low = divmod(code - 0x10000, 0x400)
        fragments.append(re.escape(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"))
    if ch in _JSON_SHORT:
        fragments.append(re.escape(_JSON_SHORT[ch]))
    return fragments


def text_pattern_source(secret: str) -> str:
    """A ``str`` regex (to compile with IGNORECASE) matching ``secret`` in any escaped form."""
    return "".join(
        "(?:" + "|".join([re.escape(ch), *_escaped_fragments(ch)]) + ")" for ch in secret
    )


def bytes_pattern(secret: str) -> re.Pattern[bytes]:
    """A ``bytes`` regex matching the UTF-8 of ``secret`` in any escaped form, in any case."""
    parts = []
    for ch in secret:
        alternatives = [re.escape(ch.encode("utf-8"))]
        alternatives += [fragment.encode("ascii") for fragment in _escaped_fragments(ch)]
        parts.append(b"(?:" + b"|".join(alternatives) + b")")
    return re.compile(b"".join(parts), re.IGNORECASE)


def classify(matched: bytes, secret: str) -> str:
    """Name the form in which ``matched`` (a match of :func:`bytes_pattern`) spells ``secret``."""
    raw = secret.encode("utf-8")
    if matched.lower() == raw.lower():
        return "UTF-8"
    kinds = (("URL-encoded", _URL), ("HTML-escaped", _HTML), ("JSON-escaped", _JSON))
    forms = [
        name for name, pattern in kinds if len(pattern.findall(matched)) > len(pattern.findall(raw))
    ]
    return " + ".join(forms) or "escaped"


def utf16_needles(secret: str) -> dict[str, bytes]:
    """The UTF-16 spellings of ``secret`` (both byte orders), ASCII letters lowercased."""
    return {
        "UTF-16-LE": secret.encode("utf-16-le").lower(),
        "UTF-16-BE": secret.encode("utf-16-be").lower(),
    }


def base64_needles(secret: str) -> list[bytes]:
    """Base64 (standard and URL-safe) runs that any base64 text containing ``secret`` holds.

    The secret may start at any of three offsets of a 3-byte group; for each, only the
    characters made entirely of the secret's bits are kept, since the ones at the edges depend
    on the bytes around it.
    """
    raw = secret.encode("utf-8")
    needles: list[bytes] = []
    for offset in range(3):
        encoded = base64.b64encode(b"\x00" * offset + raw)
        first = -(-8 * offset // 6)  # the first character with no bit of the padding
        last = 8 * (offset + len(raw)) // 6  # one past the last with no bit of what follows
        core = encoded[first:last]
        if len(core) >= _MIN_BASE64:
            needles.append(core)
            needles.append(core.translate(bytes.maketrans(b"+/", b"-_")))
    return list(dict.fromkeys(needles))
