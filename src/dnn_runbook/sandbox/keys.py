"""Server IDs and manual activation keys.

A real activation key is signed by the vendor and checked by Evoq with the vendor's public key.
Here the licensing service signs with a secret made at start and the DNN servers, running in the
same process, check with the same secret: the key cannot be forged by hand, edited, or used on
another server, which is what a rehearsal needs to show.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

#: How many hex characters a Server ID has; the real one is a long hex blob too.
SERVER_ID_LENGTH = 512


def server_id_for(server_name: str) -> str:
    """Return the Server ID of the server named ``server_name``: long, upper-case hex, stable."""
    text = ""
    counter = 0
    while len(text) < SERVER_ID_LENGTH:
        text += hashlib.sha512(f"{server_name}:{counter}".encode()).hexdigest()
        counter += 1
    return text[:SERVER_ID_LENGTH].upper()


@dataclass(frozen=True, slots=True)
class KeyContent:
    """What an activation key grants: a license of a type on an invoice, for one server."""

    server_id: str
    invoice: str
    license_type: str
    expires: str
    nonce: str


class KeySigner:
    """Issues and checks activation keys with one secret, made fresh for each sandbox."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    def _mac(self, payload: bytes) -> str:
        return hmac.new(self._secret, payload, hashlib.sha256).hexdigest().upper()

    def issue(self, server_id: str, invoice: str, license_type: str, expires: str) -> str:
        """Return a key for these terms: upper-case hex, payload then signature."""
        content = {
            "sid": server_id,
            "inv": invoice,
            "typ": license_type,
            "exp": expires,
            "nonce": secrets.token_hex(8),
        }
        payload = json.dumps(content, separators=(",", ":"), sort_keys=True).encode()
        return payload.hex().upper() + self._mac(payload)

    def check(self, key: str) -> KeyContent | None:
        """Return what ``key`` grants, or ``None`` when it was not issued by this signer.

        White space (a key pasted with line breaks) is ignored.
        """
        text = "".join(key.split())
        if len(text) <= 64:
            return None
        body, mac = text[:-64], text[-64:]
        try:
            payload = bytes.fromhex(body)
        except ValueError:
            return None
        if not hmac.compare_digest(mac.upper(), self._mac(payload)):
            return None
        content = json.loads(payload)
        return KeyContent(
            server_id=content["sid"],
            invoice=content["inv"],
            license_type=content["typ"],
            expires=content["exp"],
            nonce=content["nonce"],
        )
