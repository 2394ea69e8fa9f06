"""Why a server could not be reached or logged in to, in one sentence with its own advice.

Logging in can fail in ways that call for different things from the operator: a wrong
password (never retried: DNN locks an account after a few failures), an account that is not a
superuser, a name that does not resolve, a refused connection, a certificate the browser does
not trust, a server too slow to answer, a page that is not DNN's login form. The page objects
raise the project's own errors, which carry the first line of the browser's reason
(``net::ERR_NAME_NOT_RESOLVED`` and the like); :func:`classify` turns them into an
:class:`AccessFailure`, a pure function of the error that ``check`` uses, and that a run uses
to stop at once (:attr:`FailureKind.stops_at_once`) instead of reading again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from dnn_runbook.exceptions import (
    AboutNotAvailableError,
    CertificateError,
    DnnRunbookError,
    LoginFailedError,
    LoginPageNotFoundError,
    PageStructureError,
    PageTimeoutError,
)

__all__ = ["AccessFailure", "FailureKind", "classify"]


class FailureKind(StrEnum):
    """Why a server could not be used."""

    BAD_CREDENTIALS = "bad-credentials"
    NOT_HOST = "not-host"
    DNS = "dns"
    REFUSED = "connection-refused"
    TLS = "tls"
    LOGIN_PAGE = "login-page"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server-error"
    NOT_DNN = "not-dnn"
    OTHER = "other"

    @property
    def retryable(self) -> bool:
        """Whether trying again later may help by itself: only a slow or failing server.

        A wrong password must never be retried automatically (DNN locks the account), and
        the other kinds need the operator to change something first.
        """
        return self in {FailureKind.TIMEOUT, FailureKind.SERVER_ERROR}

    @property
    def stops_at_once(self) -> bool:
        """Whether a run must stop at the first such failure, without reading again: the
        operator has to change something (a password, an account, an address, a certificate
        setting) before another attempt can do better, and another login attempt with a
        wrong password counts towards DNN's lockout. A page that answered but looked
        unexpected (``NOT_DNN``, ``OTHER``) is not an access failure and is read again as
        before: it is most often a page caught while it loaded."""
        return self in _STOPS_AT_ONCE

    @property
    def is_markup(self) -> bool:
        """Whether the page answered but did not look as the page objects expect (a control
        the run needs was not found), rather than the server or account being unusable."""
        return self is FailureKind.NOT_DNN


_STOPS_AT_ONCE = frozenset(
    {
        FailureKind.BAD_CREDENTIALS,
        FailureKind.NOT_HOST,
        FailureKind.DNS,
        FailureKind.REFUSED,
        FailureKind.TLS,
        FailureKind.LOGIN_PAGE,
    }
)

# Chromium's network error names (net::ERR_...), as Playwright quotes them.
_PATTERNS: tuple[tuple[FailureKind, re.Pattern[str]], ...] = (
    (FailureKind.DNS, re.compile(r"ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED")),
    (
        FailureKind.REFUSED,
        re.compile(r"ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_ADDRESS_UNREACHABLE"),
    ),
    (FailureKind.TLS, re.compile(r"ERR_CERT_|ERR_SSL_|ERR_BAD_SSL")),
    (FailureKind.TIMEOUT, re.compile(r"ERR_TIMED_OUT|ERR_CONNECTION_TIMED_OUT|Timeout \d+")),
    (
        FailureKind.SERVER_ERROR,
        re.compile(r"\b5\d\d\b (Internal Server Error|Bad Gateway|Service Unavailable)"),
    ),
)

_ADVICE = {
    FailureKind.BAD_CREDENTIALS: (
        "Check the username and password in the runbook's variables before running again: "
        "DNN locks an account after a few failed logins, and a resume tries once more."
    ),
    FailureKind.NOT_HOST: (
        "Log in with a superuser (host) account: only hosts see Settings > About."
    ),
    FailureKind.DNS: (
        "Check the server's address in the runbook: its host name does not resolve from "
        "this machine (a typo, or a name only the servers' own network knows)."
    ),
    FailureKind.REFUSED: (
        "Check the address and port, and that the site is running and reachable from this "
        "machine (firewall, VPN)."
    ),
    FailureKind.TLS: (
        "Use the site's proper address (the name its certificate is for); for a staging "
        "server with a certificate of its own, give that server 'tls_ca: PATH' (its CA "
        "bundle) in the runbook, or, knowingly, 'tls_verify: false'."
    ),
    FailureKind.LOGIN_PAGE: (
        "Correct the server's login_path in the runbook (the path of the page that shows "
        "DNN's login form, such as /Login), or leave it out to use /Login."
    ),
    FailureKind.TIMEOUT: "The server was too slow to answer; try again when it is less busy.",
    FailureKind.SERVER_ERROR: "The site answered with a server error; try again later.",
    FailureKind.NOT_DNN: (
        "The page did not look as the tool expects of DNN; check the address (and the "
        "runbook's login_path), or send a capture (--capture) with a bug report."
    ),
    FailureKind.OTHER: "Read the reason above; it came from the browser or the page.",
}


@dataclass(frozen=True, slots=True)
class AccessFailure:
    """Why ``server`` could not be used: a kind, what happened (one sentence) and advice."""

    server: str
    kind: FailureKind
    reason: str
    advice: str

    def sentence(self) -> str:
        """``"old: <reason> <advice>"``, the whole story on one line."""
        return f"{self.server}: {self.reason} {self.advice}"


def classify(
    server: str, error: DnnRunbookError, *, account: str | None = None, url: str | None = None
) -> AccessFailure:
    """Say why ``server`` could not be used, from the error its page objects raised.

    With ``account`` (the user name, which the runbook does not treat as a secret) and
    ``url`` (the site's address), each kind of failure gets a sentence of its own that names
    them; without, the error's own text is the reason.
    """
    text = " ".join(str(error).split())
    kind = _kind_of(error, text)
    # A certificate checked against tls_ca says all of it already, the address included.
    reason = _reason(kind, text, account, None if isinstance(error, CertificateError) else url)
    return AccessFailure(server, kind, reason, _ADVICE[kind])


def _reason(kind: FailureKind, text: str, account: str | None, url: str | None) -> str:
    code = _NET_CODE.search(text)
    said = f" ({code.group()})" if code else ""
    if url is not None:
        where = {
            FailureKind.DNS: f"The host name of {url} does not resolve{said}.",
            FailureKind.REFUSED: f"Nothing accepts connections at {url}{said}.",
        }.get(kind)
        if kind is FailureKind.TLS:
            where = f"The certificate of {url} is not trusted: {text.rstrip('.')}."
        if where is not None:
            return where
    if account is not None and kind is FailureKind.BAD_CREDENTIALS:
        return (
            f"The login refused the account {account!r} ({text.rstrip('.')}); it was tried "
            "once and will not be tried again in this run."
        )
    if account is not None and kind is FailureKind.NOT_HOST:
        return f"The account {account!r} logged in but is not a superuser (host): {text}"
    return text if text.endswith((".", "!", "?")) else f"{text}."


_NET_CODE = re.compile(r"net::ERR_[A-Z_]+")


def _kind_of(error: DnnRunbookError, text: str) -> FailureKind:
    if isinstance(error, LoginFailedError):
        return FailureKind.BAD_CREDENTIALS
    if isinstance(error, AboutNotAvailableError):
        return FailureKind.NOT_HOST
    if isinstance(error, LoginPageNotFoundError):
        return FailureKind.LOGIN_PAGE
    if isinstance(error, CertificateError):
        return FailureKind.TLS
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    if isinstance(error, PageTimeoutError):
        return FailureKind.TIMEOUT
    if isinstance(error, PageStructureError):
        return FailureKind.NOT_DNN
    return FailureKind.OTHER
