"""How a secret can look once written into a file: the patterns that find it in any form.

A value typed into a web form reaches artifacts escaped in different ways: URL-encoded in a
POST body (``%40`` or ``+``), HTML-escaped in a page snapshot (``&amp;``, ``&#39;``), JSON-escaped
in a trace or a log (``\\u00e9``, ``\\/``). Rather than list whole encoded strings (there are many
encoders, each escaping a different set of characters), each character of the secret is matched
as itself *or* any escape of it, or an escape of that escape. That finds every mix, in either
case of letters and hex digits.
UTF-16 and base64 cannot be expressed that way and have their own needles.
"""

from __future__ import annotations

import base64
import functools
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

#: How many escapes deep a character is recognised (2: an escape escaped once more).
_DEPTH = 2

#: Base64 needles shorter than this would match by chance in binary files such as PNGs.
_MIN_BASE64 = 8

_URL = re.compile(rb"%[0-9a-f]{2}|\+", re.IGNORECASE)
_HTML = re.compile(rb"&(#[0-9]+|#x[0-9a-f]+|amp|lt|gt|quot|apos);", re.IGNORECASE)
_JSON = re.compile(rb"\\(u[0-9a-f]{4}|[\"\\/bfnrt])", re.IGNORECASE)


def _escapes(ch: str) -> list[str]:
    """The URL, HTML and JSON escapes of one character, as literal ASCII strings."""
    code = ord(ch)
    escapes = ["".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))]
    if ch == " ":
        escapes.append("+")
    # PHP and others pad numeric references with a zero (&#039;): both spellings occur.
    escapes += [f"&#{code};", f"&#0{code};", f"&#x{code:X};", f"&#x0{code:X};"]
    if ch in _HTML_NAMED:
        escapes.append(_HTML_NAMED[ch])
    if code < 0x10000:
        escapes.append(f"\\u{code:04X}")
    else:
        high, low = divmod(code - 0x10000, 0x400)
        escapes.append(f"\\u{0xD800 + high:04X}\\u{0xDC00 + low:04X}")
    if ch in _JSON_SHORT:
        escapes.append(_JSON_SHORT[ch])
    return escapes


def _group(ch: str, depth: int) -> str:
    """A regex for ``ch`` as itself or escaped, ``depth`` escapes deep.

    One level is what a single encoder produces; two levels cover an escape escaped again
    (``%2540``, ``\\&quot;``) for punctuation; only the punctuation of an escape is escaped
    again, since no encoder escapes the digits and letters of ``%40`` or ``&#39;``.
    """
    literals = dict.fromkeys(c for c in (ch, ch.lower(), ch.upper()) if len(c) == 1)
    alternatives = [re.escape(c) for c in literals]
    if depth > 0 and (depth == _DEPTH or not ch.isalnum()):
        # Encoders escape punctuation, not letters and digits: an escaped letter (obfuscation)
        # is recognised, an escaped letter escaped again is not (it would slow every scan).
        inner = depth - 1 if not ch.isalnum() else 0
        for escape in _escapes(ch):
            alternatives.append("".join(_group(c, inner) for c in escape))
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


# Redactors are built per run and sometimes per step: building the source is the costly part.
@functools.lru_cache(maxsize=64)
def text_pattern_source(secret: str) -> str:
    """A ``str`` regex (compile it with IGNORECASE) matching ``secret`` in any escaped form.

    Letters match in either case (except mappings that change a letter's length, such as
    ``ß`` to ``SS``).
    """
    if not secret:
        raise ValueError("an empty secret would match everywhere")
    first = secret[0]
    # Every alternative starts with the first character or an escape introducer. Saying so up
    # front lets the regex engine reject most positions at once: scans run about twice as fast.
    starts = "".join(dict.fromkeys((first, first.lower(), first.upper(), "%", "&", "+", "\\")))
    lookahead = "(?=[" + "".join(re.escape(c) for c in starts) + "])"
    return lookahead + "".join(_group(ch, _DEPTH) for ch in secret)


def bytes_pattern(secret: str) -> re.Pattern[bytes]:
    """A ``bytes`` regex matching the UTF-8 of ``secret`` in any escaped form, in any case."""
    # re.escape leaves non-ASCII characters alone and no UTF-8 byte of one is a regex
    # metacharacter, so the text pattern's UTF-8 is the same pattern over bytes.
    return re.compile(text_pattern_source(secret).encode("utf-8"), re.IGNORECASE)


def classify(matched: bytes, secret: str) -> str:
    """Name the form in which ``matched`` (a match of :func:`bytes_pattern`) spells ``secret``."""
    raw = secret.encode("utf-8")
    if matched.decode("utf-8", "replace").casefold() == secret.casefold():
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
