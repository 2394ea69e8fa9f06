"""The records the sandbox's truth is made of: a server's identity, a license row, a held
activation, an event of the history (see :mod:`.state`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from dnn_runbook.sandbox.catalogue import LicenseType


@dataclass(frozen=True, slots=True)
class ServerIdentity:
    """Who a DNN server is: its key (``old``/``new``), Web Server name and Server ID."""

    key: str
    name: str
    server_id: str


@dataclass(frozen=True, slots=True)
class License:
    """One row of a DNN server's license table."""

    id: int
    license_type: LicenseType
    invoice: str
    email: str = field(repr=False)
    web_server: str
    expires: date
    activated: bool
    activated_at: datetime
    #: ``seed`` (there at start), ``automatic`` or ``manual`` (how it was activated).
    via: str

    def as_json(self) -> dict[str, Any]:
        """The license for the state view (no email: the view never shows one)."""
        return {
            "id": self.id,
            "type": str(self.license_type),
            "invoice": self.invoice,
            "web_server": self.web_server,
            "activated": self.activated,
            "expires": self.expires.isoformat(),
            "activated_at": self.activated_at.isoformat(),
            "via": self.via,
        }


@dataclass(frozen=True, slots=True)
class Activation:
    """A single-activation invoice (Production, Staging, ...) held by one server."""

    invoice: str
    license_type: LicenseType
    server_id: str
    since: datetime


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the history."""

    at: datetime
    kind: str
    server: str | None = None
    license_type: str | None = None
    invoice: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The event as plain JSON."""
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "server": self.server,
            "type": self.license_type,
            "invoice": self.invoice,
            **dict(self.detail),
        }


def utc_now() -> datetime:
    """The current time in UTC, the only clock the history uses."""
    return datetime.now(UTC)
