"""Checking what ``Sandbox.start`` is given: the known secret values tests may choose."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Mapping, Sequence
from datetime import date

import httpx

from dnn_runbook.exceptions import SandboxError
from dnn_runbook.sandbox.catalogue import (
    ACCOUNT_EMAIL,
    PRODUCTION_INVOICE,
    seed_invoices,
    standard_invoices,
)
from dnn_runbook.sandbox.paths import STATIC
from dnn_runbook.sandbox.server import bind

#: The DNN servers' keys and their web server names.
SERVER_NAMES = {"old": "WEB-OLD", "new": "WEB-NEW"}


def password() -> str:
    return secrets.token_urlsafe(12)


def _spaced(text: str) -> bool:
    return any(ch.isspace() for ch in text)


def known_values(
    host_password: str | Mapping[str, str] | None,
    license_email: str | None,
    license_invoice: str | None,
    seed_licenses: int,
) -> tuple[str, str, dict[str, str]]:
    """Check ``Sandbox.start``'s chosen secrets; return the email, invoice and passwords."""
    if isinstance(host_password, str):
        passwords = dict.fromkeys(SERVER_NAMES, host_password)
    else:
        passwords = dict(host_password or {})
    unknown = sorted(set(passwords) - set(SERVER_NAMES))
    if unknown:
        raise SandboxError(
            f"host_password may name the servers 'old' and 'new', got {', '.join(map(repr, unknown))}."
        )
    if any(not value for value in passwords.values()):
        raise SandboxError("host_password must not be empty (got an empty password).")
    email = ACCOUNT_EMAIL if license_email is None else license_email
    if not email or _spaced(email) or "@" not in email:
        raise SandboxError(
            f"license_email must be an address with an @ and no white space (got one of "
            f"{len(email)} characters)."
        )
    invoice = PRODUCTION_INVOICE if license_invoice is None else license_invoice
    taken = set(standard_invoices(date.today())) | {
        item.number for item in seed_invoices(seed_licenses, date.today())
    }
    taken.discard(PRODUCTION_INVOICE)
    if not invoice or invoice != invoice.upper() or _spaced(invoice):
        raise SandboxError(
            "license_invoice must be a non-empty, upper-case invoice number without white space "
            f"(got one of {len(invoice)} characters that is not)."
        )
    if invoice in taken:
        raise SandboxError(
            "license_invoice must not be another invoice of the catalogue (INV002-1 to "
            "INV007-1, or a seeded INV1000-1 and up), but it is one; choose another number."
        )
    return email, invoice, passwords


def bind_ports(ports: Mapping[str, int | None] | None, keys: Sequence[str]) -> list[socket.socket]:
    """A listening socket for each of ``keys`` (old, new, licensing), on the port ``ports``
    names or a free one; all closed again if one cannot be had.

    Raises:
        SandboxError: ``ports`` names an unknown key, or a port is taken.
    """
    wanted = dict(ports or {})
    unknown = sorted(set(wanted) - set(keys))
    if unknown:
        raise SandboxError(
            f"ports may name {', '.join(keys)}, got {', '.join(map(repr, unknown))}."
        )
    what = {"old": "old DNN server", "new": "new DNN server", "licensing": "licensing service"}
    sockets: list[socket.socket] = []
    try:
        for key in keys:
            sockets.append(bind(wanted.get(key), what=what[key], option=f"--port-{key}"))
    except SandboxError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def check_answering(licensing_url: str, old_url: str, new_url: str) -> None:
    """Raise :class:`SandboxError` unless the three services answer."""
    # Paths that no fault slows down or fails, so a sandbox started with faults starts fast.
    with httpx.Client(trust_env=False, timeout=10) as client:
        for url in (
            f"{licensing_url}/_sandbox/state",
            f"{old_url}{STATIC}/site.css",
            f"{new_url}{STATIC}/site.css",
        ):
            try:
                client.get(url).raise_for_status()
            except httpx.HTTPError as exc:
                raise SandboxError(f"The sandbox started but {url} did not answer: {exc}.") from exc
