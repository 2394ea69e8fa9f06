"""Checking a server's certificate against a CA bundle (a runbook's ``tls_ca``), in Python.

Chromium takes its trusted authorities from the operating system and offers no per-context
CA bundle, so a staging server whose certificate comes from a private authority cannot be
trusted by the browser alone. Before the browser goes to such a server, :func:`check` opens a
TLS connection to it with Python's ``ssl``, trusting only the bundle, and verifies the chain
and the host name; only then is the server's browser context allowed to accept the
certificate (``ignore_https_errors``). What that proves, and what not: the server showed a
certificate from that authority for that name when the session started; the browser itself
does not compare later connections with it (README, "TLS and proxies").
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from dnn_runbook.exceptions import CertificateError

__all__ = ["check"]

#: The most a proxy's answer to CONNECT may hold before its blank line.
_MAX_PROXY_ANSWER = 16_384


def check(url: str, bundle: Path, *, timeout_s: float, proxy: str | None = None) -> None:
    """Verify the certificate ``url``'s server shows against ``bundle`` (chain and name).

    Goes through ``proxy`` (``http://host:port``) with ``CONNECT`` when one is given, as the
    browser does. Does nothing for an ``http://`` address.

    Raises:
        CertificateError: the bundle cannot be read, the server cannot be reached, or its
            certificate does not verify; the message says which, never a secret.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname is None:
        return
    host, port = parts.hostname, parts.port or 443
    try:
        context = ssl.create_default_context(cafile=str(bundle))
    except (OSError, ssl.SSLError) as exc:
        raise CertificateError(
            f"The CA bundle {bundle} (tls_ca) could not be read as PEM certificates: {exc}."
        ) from None
    try:
        with (
            _connect(host, port, timeout_s, proxy) as raw,
            context.wrap_socket(raw, server_hostname=host),
        ):
            return
    except ssl.SSLCertVerificationError as exc:
        reason = exc.verify_message or exc.reason or str(exc)
        raise CertificateError(
            f"The certificate of {url} does not verify against the CA bundle {bundle} "
            f"(tls_ca): {reason}."
        ) from None
    except (OSError, ssl.SSLError) as exc:
        raise CertificateError(
            f"The certificate of {url} could not be checked against {bundle} (tls_ca): the TLS "
            f"connection failed ({exc})."
        ) from None


def _is_loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _connect(host: str, port: int, timeout_s: float, proxy: str | None) -> socket.socket:
    if proxy is None or _is_loopback(host):
        # Chromium never sends this machine's own addresses through a proxy either.
        return socket.create_connection((host, port), timeout=timeout_s)
    through = urlsplit(proxy)
    if through.scheme != "http" or through.hostname is None:
        # A SOCKS or HTTPS proxy would need a client of its own; the direct way is tried.
        return socket.create_connection((host, port), timeout=timeout_s)
    sock = socket.create_connection((through.hostname, through.port or 80), timeout=timeout_s)
    target = f"{host}:{port}"
    sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode("ascii"))
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(4096)
        if not chunk or len(answer) > _MAX_PROXY_ANSWER:
            sock.close()
            raise OSError(f"the proxy {proxy} closed the CONNECT to {target}")
        answer += chunk
    status = answer.split(b"\r\n", 1)[0].decode("latin-1")
    if status.split(" ")[1:2] != ["200"]:
        sock.close()
        raise OSError(f"the proxy {proxy} answered CONNECT {target} with {status!r}")
    return sock
