"""A capture made safe to attach to a bug report: every secret and license identifier replaced
by a placeholder, then proven gone by the evidence's own secret scan before a byte is written.

Two passes over every text of a capture (HTML, ARIA trees, CSS, paths, versions, notes):

1. **What is known to be secret**, in every escaped form the redactor knows
   (:mod:`~dnn_runbook.evidence.redact`): the runbook's passwords, account emails, invoices
   and activation keys, every invoice number and Web Server name the tables showed, the Server
   IDs Manual Activation showed, the servers' addresses (``https://site-1.invalid``) and the
   accounts' names (whole words; not ``host`` or ``admin``, which name no one);
2. **what looks secret**, whoever it belongs to: any other address's host
   (``https://other-1.invalid``; DNN's own public sites are kept), email addresses, invoice
   numbers (``INV…``), long hexadecimal strings (Server IDs, keys) and long tokens mixing
   letters and digits (anti-forgery tokens, session ids). ``data:`` URIs (icons and fonts in
   CSS) are left whole.

Each distinct value gets its own numbered placeholder (``{invoice-1}``, ``{web-server-2}``), the
same everywhere in the file, so the markup still says which cells held the same value. Then
:class:`~dnn_runbook.evidence.redact.SecretScanner` scans the whole document for every known
value in every encoding (UTF-16, base64, URL-, HTML- and JSON-escaped): one finding and the
capture is not written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dnn_runbook.captures import Capture, ServerCapture
from dnn_runbook.evidence._encodings import text_pattern_source
from dnn_runbook.evidence.atomic import write_atomic
from dnn_runbook.evidence.redact import SecretScanner
from dnn_runbook.exceptions import EvidenceError

__all__ = ["KnownValues", "Sanitizer", "write_capture"]

#: Kinds of known value, each with its own placeholder.
SECRET_KINDS = ("password", "email", "invoice", "activation-key", "server-id")

#: Hosts whose names identify no one's site: DNN's own public sites (the vendor's key
#: request page lives there) and the standards' namespaces that SVG and XML name.
PUBLIC_HOSTS = ("dnnsoftware.com", "dotnetnuke.com", "w3.org", "xmlns.com", "purl.org")

#: Account names that identify no one (``/DesktopModules/admin/`` is a path, ``:host`` CSS).
COMMON_USERNAMES = frozenset({"host", "admin", "administrator", "superuser", "sa"})

#: Known values shorter than this are replaced but not scanned for: a scan for "WEB1" in every
#: encoding would find it by chance in any long CSS or base64 text.
MIN_SCANNED = 6

_DATA_URI = re.compile(r"data:[\w/+.-]+(?:;[\w=.-]+)*;base64,[A-Za-z0-9+/=\s]+", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?|wss?)://([^/\s\"'<>()\\,;]+)", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_INVOICE = re.compile(r"\bINV[-_ ]?\d+(?:-\d+)?\b", re.IGNORECASE)
_HEX = re.compile(r"\b[0-9A-Fa-f]{32,}\b")
_TOKEN = re.compile(r"(?<![\w-])[A-Za-z0-9_-]{24,}(?![\w-])")


def _looks_like_token(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 2 and any(ch.isupper() for ch in text) and any(ch.islower() for ch in text)


@dataclass(frozen=True, slots=True)
class KnownValues:
    """What is known to be secret in a capture, each value with its kind (see the module)."""

    #: ``(kind, value)``, kinds from :data:`SECRET_KINDS`.
    secrets: tuple[tuple[str, str], ...] = ()
    web_servers: tuple[str, ...] = ()
    #: The servers' addresses, ``scheme://host[:port]``, in the runbook's order.
    origins: tuple[str, ...] = ()
    #: The accounts logged in with; replaced as whole words, except the common ones
    #: (:data:`COMMON_USERNAMES`), which name no one and also spell paths and CSS.
    usernames: tuple[str, ...] = ()

    def scanned(self) -> dict[str, str]:
        """The values the final scan looks for, by label (never the value in the label)."""
        found: dict[str, str] = {}
        for n, (kind, value) in enumerate(self.secrets, start=1):
            found[f"{kind} {n}"] = value
        for n, name in enumerate(self.web_servers, start=1):
            if len(name) >= MIN_SCANNED:
                found[f"web server {n}"] = name
        for n, origin in enumerate(self.origins, start=1):
            host = urlsplit(origin).hostname or ""
            if len(host) >= MIN_SCANNED:
                found[f"host {n}"] = host
        return found


class _Placeholders:
    """Numbered placeholders, one per distinct value and kind, the same all through a file;
    a value gets its number when it is first met."""

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, str]] = {}

    def get(self, kind: str, value: str, form: Callable[[int], str] | None = None) -> str:
        seen = self._by_kind.setdefault(kind, {})
        key = value.casefold()
        if key not in seen:
            number = len(seen) + 1
            seen[key] = form(number) if form else f"{{{kind}-{number}}}"
        return seen[key]

    def replacer(self, kind: str, value: str | None = None) -> Callable[[re.Match[str]], str]:
        """A ``re.sub`` replacement giving the placeholder of ``value`` (or of the match)."""
        return lambda match: self.get(kind, value if value is not None else match.group())

    def counts(self) -> dict[str, int]:
        return {kind: len(values) for kind, values in self._by_kind.items() if values}


class Sanitizer:
    """Replaces what :class:`KnownValues` names and what looks secret (see the module)."""

    def __init__(self, known: KnownValues) -> None:
        self.known = known
        self._names = _Placeholders()
        sources: list[tuple[str, str, str]] = [
            (kind, value, text_pattern_source(value))
            for kind, value in known.secrets
            if value.strip()
        ]
        sources.sort(key=lambda item: len(item[1]), reverse=True)
        self._secrets = [
            (kind, value, re.compile(src, re.IGNORECASE)) for kind, value, src in sources
        ]
        self._hosts: list[tuple[str, str]] = []
        for origin in known.origins:
            parts = urlsplit(origin)
            if parts.hostname:
                self._hosts.append((parts.netloc, parts.hostname))
        words = [("web-server", name) for name in known.web_servers if name.strip()]
        words += [
            ("username", name)
            for name in known.usernames
            if name.strip() and name.casefold() not in COMMON_USERNAMES
        ]
        self._words = [
            (kind, name, re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])"))
            for kind, name in sorted(words, key=lambda item: len(item[1]), reverse=True)
        ]
        #: The known addresses keep the runbook's order: site-1 is its first server.
        self._numbers = {netloc.casefold(): n for n, (netloc, _h) in enumerate(self._hosts, 1)}

    @property
    def placeholders(self) -> dict[str, int]:
        """How many distinct values of each kind were (or will be) replaced."""
        return self._names.counts()

    def _site(self, netloc: str) -> str:
        number = self._numbers.get(netloc.casefold(), 0)
        return self._names.get("site", netloc, lambda _n: f"site-{number}.invalid")

    def text(self, text: str) -> str:
        """``text`` with every known and every secret-looking value replaced."""
        if not text:
            return text
        pieces = []
        last = 0
        for uri in _DATA_URI.finditer(text):
            pieces.append(self._plain(text[last : uri.start()]))
            pieces.append(uri.group())
            last = uri.end()
        pieces.append(self._plain(text[last:]))
        return "".join(pieces)

    def _plain(self, text: str) -> str:
        names = self._names
        for kind, value, pattern in self._secrets:
            text = pattern.sub(names.replacer(kind, value), text)
        text = _URL.sub(self._url, text)
        for netloc, host in self._hosts:
            site = self._replace_site(netloc)
            for literal in (netloc, host):
                found = rf"(?<![\w.-]){re.escape(literal)}(?![\w-])"
                text = re.sub(found, site, text, flags=re.IGNORECASE)
        for kind, name, pattern in self._words:
            text = pattern.sub(names.replacer(kind, name), text)
        text = _EMAIL.sub(names.replacer("email"), text)
        text = _INVOICE.sub(names.replacer("invoice"), text)
        text = _HEX.sub(names.replacer("hex"), text)
        token = names.replacer("token")
        return _TOKEN.sub(lambda m: token(m) if _looks_like_token(m.group()) else m.group(), text)

    def _replace_site(self, netloc: str) -> Callable[[re.Match[str]], str]:
        return lambda _match: self._site(netloc)

    def _url(self, match: re.Match[str]) -> str:
        whole, netloc = match.group(), match.group(1)
        host = (urlsplit(f"//{netloc}").hostname or "").lower()
        if host.endswith(".invalid") or any(
            host == public or host.endswith("." + public) for public in PUBLIC_HOSTS
        ):
            return whole
        scheme = whole[: whole.index("://")]
        known = [site for site, _host in self._hosts if site.lower() == netloc.lower()]
        if known:
            return f"{scheme}://{self._site(known[0])}"
        return f"{scheme}://" + self._names.get("other", netloc, lambda n: f"other-{n}.invalid")

    def server(self, server: ServerCapture) -> ServerCapture:
        """One server's capture, sanitized."""
        t = self.text
        return dataclasses.replace(
            server,
            versions={k: t(v) for k, v in server.versions.items()},
            snapshots=tuple(
                dataclasses.replace(shot, html=t(shot.html), aria=t(shot.aria))
                for shot in server.snapshots
            ),
            styles=tuple(t(css) for css in server.styles),
            shown_styles={k: t(v) for k, v in server.shown_styles.items()},
            resources=tuple(dataclasses.replace(r, path=t(r.path)) for r in server.resources),
            timings=tuple(dataclasses.replace(x, step=t(x.step)) for x in server.timings),
            notes=tuple(t(note) for note in server.notes),
        )

    def capture(self, capture: Capture) -> Capture:
        """The whole capture, sanitized, with the count of each kind of placeholder."""
        servers = tuple(self.server(server) for server in capture.servers)
        steps = tuple(dataclasses.replace(x, step=self.text(x.step)) for x in capture.run_steps)
        return dataclasses.replace(
            capture, servers=servers, run_steps=steps, placeholders=self.placeholders
        )


def write_capture(path: Path, capture: Capture, known: KnownValues) -> Capture:
    """Sanitize ``capture``, scan it, and write it to ``path`` (owner-only); return what was
    written.

    Raises:
        EvidenceError: a known value was still there after sanitizing (nothing is written;
            the message names the kind of value and its encoding, never the value), or the
            file could not be written.
    """
    clean = Sanitizer(known).capture(capture)
    text = clean.dumps()
    findings = SecretScanner(known.scanned()).scan_text(text, source=str(path))
    if findings:
        raise EvidenceError(
            f"The capture was not written to {path}: after sanitizing, it still held "
            f"{'; '.join(str(finding) for finding in findings[:3])}. Please report this."
        )
    write_atomic(path, text)
    return clean


def known_values(
    secrets: Iterable[tuple[str, str]],
    web_servers: Iterable[str],
    origins: Iterable[str],
    usernames: Iterable[str] = (),
) -> KnownValues:
    """A :class:`KnownValues` without duplicates or empty values."""
    return KnownValues(
        tuple(dict.fromkeys((kind, value) for kind, value in secrets if value.strip())),
        tuple(dict.fromkeys(name for name in web_servers if name.strip())),
        tuple(dict.fromkeys(origin for origin in origins if origin.strip())),
        tuple(dict.fromkeys(name for name in usernames if name.strip())),
    )
