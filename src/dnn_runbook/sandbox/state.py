"""The sandbox's truth: every server's licenses, the licensing service's activations, and history.

Both DNN servers and the licensing service run in one process and share one ``SandboxState``:
each DNN server keeps its license table here (its "database"), the licensing service keeps its
catalogue and who holds each single-activation invoice. Every change is appended to a
timestamped history, so a test can prove which server held which license when.

Threads: each service runs its own event loop in its own thread, so every access takes the
state's lock; compound rules (check, then change) hold :attr:`SandboxState.lock` throughout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from dnn_runbook.sandbox.catalogue import (
    ACCOUNT_EMAIL,
    PRODUCTION_INVOICE,
    Invoice,
    LicenseType,
    seed_invoices,
    standard_invoices,
)
from dnn_runbook.sandbox.faults import Faults
from dnn_runbook.sandbox.records import Activation, Event, License, ServerIdentity, utc_now

__all__ = ["Activation", "Event", "License", "SandboxState", "ServerIdentity", "utc_now"]


class SandboxState:
    """The shared truth of one sandbox; see the module docstring."""

    def __init__(
        self,
        servers: Sequence[ServerIdentity],
        *,
        faults: Faults,
        seed_licenses: int = 0,
        email: str = ACCOUNT_EMAIL,
        production_invoice: str = PRODUCTION_INVOICE,
    ) -> None:
        self.lock = threading.RLock()
        self._email = email
        self._production_invoice = production_invoice
        self._servers = {server.key: server for server in servers}
        self._start_faults = faults
        self._seed_count = seed_licenses
        self._faults = faults
        self._licenses: dict[str, list[License]] = {}
        self._invoices: dict[str, Invoice] = {}
        self._activations: dict[str, Activation] = {}
        self._activation_times: dict[str, list[datetime]] = {}
        self._used_key_nonces: dict[str, set[str]] = {}
        self._history: list[Event] = []
        self._next_id = 1
        self._sessions_ended_at = float("-inf")
        #: The DNN servers' calls to the licensing service since the faults were last set.
        self._licensing_calls = 0
        self.reset(initial=True)

    # -- set-up -------------------------------------------------------------------------------

    def reset(self, *, initial: bool = False) -> None:
        """Return to the starting state: catalogue, seeded licenses, start faults, new history."""
        with self.lock:
            now = utc_now()
            today = date.today()
            self._faults = self._start_faults
            self._licensing_calls = 0
            self._licenses = {key: [] for key in self._servers}
            self._invoices = standard_invoices(
                today, email=self._email, production_invoice=self._production_invoice
            )
            self._activations = {}
            self._activation_times = {}
            self._used_key_nonces = {key: set() for key in self._servers}
            self._history = []
            self._next_id = 1
            old = self._servers.get("old")
            if old is not None:
                # Seeded rows are dated in the past, so their events come before the start.
                if not self._faults.old_unlicensed:
                    production = self._invoices[self._production_invoice]
                    self._seed(old, production, now - timedelta(days=180))
                for invoice in seed_invoices(self._seed_count, today, email=self._email):
                    self._invoices[invoice.number] = invoice
                    self._seed(old, invoice, now - timedelta(days=90))
            self._history.append(Event(now, "sandbox_started" if initial else "sandbox_reset"))

    def _seed(self, server: ServerIdentity, invoice: Invoice, activated_at: datetime) -> None:
        self.add_license(
            server.key,
            license_type=invoice.license_type,
            invoice=invoice.number,
            email=invoice.email,
            expires=invoice.expires,
            via="seed",
            activated_at=activated_at,
        )
        if invoice.license_type.single_activation:
            self.grant(invoice.number, invoice.license_type, server.server_id, at=activated_at)

    # -- servers and faults ------------------------------------------------------------------

    def server(self, key: str) -> ServerIdentity:
        """The identity of the DNN server ``key``."""
        return self._servers[key]

    def server_by_id(self, server_id: str) -> ServerIdentity | None:
        """The DNN server with this Server ID, or ``None`` for an ID the sandbox never issued."""
        return next((s for s in self._servers.values() if s.server_id == server_id), None)

    @property
    def faults(self) -> Faults:
        """The faults in force now."""
        with self.lock:
            return self._faults

    def set_faults(self, faults: Faults) -> None:
        """Put ``faults`` in force, replacing the previous set, and record it."""
        with self.lock:
            self._faults = faults
            self._licensing_calls = 0
            self.record("faults_changed", detail={"faults": faults.specs()})

    @property
    def sessions_ended_at(self) -> float:
        """When :meth:`end_sessions` last ran (``time.monotonic()``), else minus infinity."""
        with self.lock:
            return self._sessions_ended_at

    def end_sessions(self) -> None:
        """End every session on every server now, as a site's session timeout does, and record it."""
        with self.lock:
            self._sessions_ended_at = time.monotonic()
            self.record("sessions_ended")

    def licensing_call_passes(self, key: str) -> bool:
        """Count one call of DNN server ``key`` to the licensing service; ``False`` when the
        service is gone for it (``licensing-down`` for that server, or ``licensing-down-after``
        spent). The call that finds it gone first is recorded in the history."""
        with self.lock:
            if not self._faults.licensing_reachable_from(key):
                return False
            limit = self._faults.licensing_down_after
            if limit is None:
                return True
            self._licensing_calls += 1
            if self._licensing_calls <= limit:
                return True
            if self._licensing_calls == limit + 1:
                self.record("licensing_went_down", server=key, detail={"after_calls": limit})
            return False

    # -- a DNN server's license table ------------------------------------------------------

    def licenses(self, key: str) -> tuple[License, ...]:
        """The license table of server ``key``, in the order the rows were added."""
        with self.lock:
            return tuple(self._licenses[key])

    def add_license(
        self,
        key: str,
        *,
        license_type: LicenseType,
        invoice: str,
        email: str,
        expires: date,
        via: str,
        activated_at: datetime | None = None,
    ) -> License:
        """Add an activated license to server ``key``'s table and record it."""
        with self.lock:
            at = activated_at or utc_now()
            server = self._servers[key]
            row = License(
                id=self._next_id,
                license_type=license_type,
                invoice=invoice,
                email=email,
                web_server=server.name,
                expires=expires,
                activated=True,
                activated_at=at,
                via=via,
            )
            self._next_id += 1
            self._licenses[key].append(row)
            self._history.append(
                Event(at, "license_added", key, str(license_type), invoice, {"via": via})
            )
            return row

    def find_license(self, key: str, license_id: int) -> License | None:
        """The row ``license_id`` of server ``key``, or ``None``."""
        with self.lock:
            return next((row for row in self._licenses[key] if row.id == license_id), None)

    def remove_license(
        self, key: str, license_id: int, *, activation_returned: bool, via: str | None = None
    ) -> None:
        """Delete row ``license_id`` from server ``key`` and record whether its activation went
        back (and ``via``, when the removal was not the server's own About page's)."""
        with self.lock:
            row = self.find_license(key, license_id)
            if row is None:
                return
            self._licenses[key].remove(row)
            self.record(
                "license_removed",
                server=key,
                license_type=row.license_type,
                invoice=row.invoice,
                detail={
                    "activation_returned": activation_returned,
                    **({"via": via} if via is not None else {}),
                },
            )

    def renew_license(self, key: str, license_id: int, expires: date) -> None:
        """Set the expiry of row ``license_id`` of server ``key`` and record the renewal."""
        with self.lock:
            rows = self._licenses[key]
            for index, row in enumerate(rows):
                if row.id == license_id:
                    rows[index] = replace(row, expires=expires)
                    self.record(
                        "license_renewed",
                        server=key,
                        license_type=row.license_type,
                        invoice=row.invoice,
                        detail={"expires": expires.isoformat()},
                    )

    def use_key_nonce(self, key: str, nonce: str) -> bool:
        """Mark an activation key as used on server ``key``; ``False`` if it already was."""
        with self.lock:
            used = self._used_key_nonces[key]
            if nonce in used:
                return False
            used.add(nonce)
            return True

    # -- the licensing service's records ----------------------------------------------------

    def invoice(self, number: str) -> Invoice | None:
        """The catalogue's invoice ``number`` (exact, case-insensitive), or ``None``."""
        with self.lock:
            return self._invoices.get(number.strip().upper())

    def holder(self, invoice: str) -> Activation | None:
        """Who holds the single activation of ``invoice`` now, if anyone."""
        with self.lock:
            return self._activations.get(invoice)

    def grant(
        self,
        invoice: str,
        license_type: LicenseType,
        server_id: str,
        *,
        at: datetime | None = None,
    ) -> None:
        """Record that ``server_id`` holds the single activation of ``invoice``."""
        with self.lock:
            when = at or utc_now()
            self._activations[invoice] = Activation(invoice, license_type, server_id, when)

    def release(self, invoice: str, server_id: str) -> bool:
        """Return ``invoice``'s activation from ``server_id``; ``False`` if it did not hold it."""
        with self.lock:
            held = self._activations.get(invoice)
            if held is None or held.server_id != server_id:
                return False
            del self._activations[invoice]
            return True

    def count_activation(self, server_id: str, window: timedelta) -> int:
        """Count one activation by ``server_id``; return how many it made within ``window``."""
        with self.lock:
            now = utc_now()
            times = [t for t in self._activation_times.get(server_id, []) if now - t < window]
            times.append(now)
            self._activation_times[server_id] = times
            return len(times)

    # -- history and the state view ---------------------------------------------------------

    def record(
        self,
        kind: str,
        *,
        server: str | None = None,
        license_type: str | None = None,
        invoice: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Append an event to the history, stamped now (UTC)."""
        with self.lock:
            self._history.append(
                Event(
                    utc_now(),
                    kind,
                    server,
                    str(license_type) if license_type is not None else None,
                    invoice,
                    dict(detail or {}),
                )
            )

    def history(self) -> tuple[Event, ...]:
        """Every event so far, oldest first."""
        with self.lock:
            return tuple(self._history)

    def snapshot(self, urls: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The read-only JSON view served at ``/_sandbox/state``.

        Account emails, passwords and activation keys never appear in it.
        """
        urls = urls or {}
        with self.lock:
            by_id = {s.server_id: s.key for s in self._servers.values()}
            return {
                "now": utc_now().isoformat(),
                "faults": self._faults.specs(),
                "servers": {
                    key: {
                        "name": server.name,
                        "url": urls.get(key),
                        "server_id": server.server_id,
                        "licenses": [row.as_json() for row in self._licenses[key]],
                    }
                    for key, server in self._servers.items()
                },
                "activations": [
                    {
                        "invoice": held.invoice,
                        "type": str(held.license_type),
                        "server": by_id.get(held.server_id),
                        "since": held.since.isoformat(),
                    }
                    for held in self._activations.values()
                ],
                "history": [event.as_json() for event in self._history],
            }
