"""Changes made behind a run's back: another administrator in a server's own About page, or
DNN Technical Support giving a lost activation back.

The interlocks exist for the moment a server no longer holds what preflight saw; these are how
a test or a rehearsal brings that moment about. An added license goes through the licensing
service's own rules (an invoice of another type, a second single activation: refused, as the
page would refuse it), a removed one gives its activation back, and every change is recorded
in the history with ``via``/``how`` ``outside``, apart from the run's own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dnn_runbook.exceptions import SandboxError
from dnn_runbook.sandbox import licensing
from dnn_runbook.sandbox.catalogue import PRODUCTION_INVOICE, LicenseType
from dnn_runbook.sandbox.records import License
from dnn_runbook.sandbox.state import SandboxState

#: How the history names a change made outside the run.
OUTSIDE = "outside"

#: The catalogue's invoice for each type, when a change names none (Development: the
#: production invoice, as the migration uses it).
_DEFAULT_INVOICES = {
    LicenseType.DEVELOPMENT: PRODUCTION_INVOICE,
    LicenseType.PRODUCTION: PRODUCTION_INVOICE,
    LicenseType.STAGING: "INV003-1",
    LicenseType.TEST: "INV004-1",
    LicenseType.FAILOVER: "INV005-1",
}


def parse_type(raw: object) -> LicenseType:
    """``raw`` as a license type, or a :class:`SandboxError` naming the types."""
    try:
        return LicenseType.parse(str(raw))
    except ValueError:
        names = ", ".join(str(kind) for kind in LicenseType)
        raise SandboxError(
            f"The license type of a change must be one of {names}, got {raw!r}."
        ) from None


def _server(state: SandboxState, key: str) -> None:
    try:
        state.server(key)
    except KeyError:
        raise SandboxError(f"The sandbox's servers are 'old' and 'new', got {key!r}.") from None


def add_license(
    state: SandboxState,
    key: str,
    license_type: LicenseType,
    invoice: str | None = None,
    *,
    production_invoice: str = PRODUCTION_INVOICE,
) -> License:
    """Add and activate a license on server ``key``, as its own About page would.

    Raises:
        SandboxError: the server is unknown, already holds a license of that type, or the
            licensing service refuses the activation (its message says why).
    """
    _server(state, key)
    number = invoice or _default_invoice(license_type, production_invoice)
    with state.lock:
        if any(row.license_type is license_type for row in state.licenses(key)):
            raise SandboxError(
                f"Server {key!r} already holds a {license_type} license; a server holds one "
                "license of each type."
            )
        catalogued = state.invoice(number)
        outcome = licensing.activate(
            state,
            server_id=state.server(key).server_id,
            invoice_number=number,
            email=catalogued.email if catalogued else "",
            license_type=license_type,
            how=OUTSIDE,
        )
        if isinstance(outcome, licensing.Refusal):
            raise SandboxError(
                f"The licensing service refused to activate {license_type} invoice {number} on "
                f"{key!r}: {outcome.message()}"
            )
        return state.add_license(
            key,
            license_type=license_type,
            invoice=outcome.number,
            email=outcome.email,
            expires=outcome.expires,
            via=OUTSIDE,
        )


def remove_license(
    state: SandboxState, key: str, license_type: LicenseType, invoice: str | None = None
) -> None:
    """Remove server ``key``'s license of ``license_type`` (for ``invoice``, when given) and
    give its activation back, as its own About page would with the service reachable.

    Raises:
        SandboxError: the server is unknown or holds no such license.
    """
    _server(state, key)
    with state.lock:
        rows = [
            row
            for row in state.licenses(key)
            if row.license_type is license_type
            and (invoice is None or row.invoice == invoice.strip().upper())
        ]
        if not rows:
            raise SandboxError(
                f"Server {key!r} holds no {license_type} license"
                + (f" for invoice {invoice}" if invoice else "")
                + " to remove."
            )
        row = rows[0]
        returned = licensing.deactivate(
            state,
            server_id=state.server(key).server_id,
            invoice_number=row.invoice,
            license_type=row.license_type,
            how=OUTSIDE,
        )
        state.remove_license(key, row.id, activation_returned=returned, via=OUTSIDE)


def restore_activation(state: SandboxState, invoice: str) -> None:
    """What DNN Technical Support does for a lost activation: the invoice's single activation,
    held by a server that no longer holds the license, goes back to the invoice.

    Raises:
        SandboxError: no server holds the invoice's activation.
    """
    with state.lock:
        held = state.holder(invoice.strip().upper())
        if held is None:
            raise SandboxError(f"No server holds an activation of invoice {invoice} to restore.")
        state.release(held.invoice, held.server_id)
        holder = state.server_by_id(held.server_id)
        state.record(
            "activation_restored",
            server=holder.key if holder else None,
            license_type=held.license_type,
            invoice=held.invoice,
            detail={"how": OUTSIDE},
        )


def _default_invoice(license_type: LicenseType, production_invoice: str) -> str:
    if license_type in (LicenseType.DEVELOPMENT, LicenseType.PRODUCTION):
        return production_invoice
    return _DEFAULT_INVOICES[license_type]


def change(state: SandboxState, body: object, *, production_invoice: str) -> None:
    """Apply one change posted to ``/_sandbox/licenses``: ``{"change": "add" | "remove" |
    "restore-activation", "server": "old", "type": "Production", "invoice": optional}``.

    Raises:
        SandboxError: the body is not such a change, or the change is refused.
    """
    if not isinstance(body, Mapping):
        raise SandboxError(
            'A change must be a JSON object such as {"change": "add", "server": "old", '
            f'"type": "Production"}}, got {json.dumps(body, default=repr)[:80]}.'
        )
    what = body.get("change")
    invoice = body.get("invoice")
    if invoice is not None and not isinstance(invoice, str):
        raise SandboxError(f"The invoice of a change must be a string, got {invoice!r}.")
    if what == "restore-activation":
        restore_activation(state, invoice or production_invoice)
        return
    if what not in ("add", "remove"):
        raise SandboxError(
            f"The change must be 'add', 'remove' or 'restore-activation', got {what!r}."
        )
    server = str(body.get("server"))
    license_type = parse_type(body.get("type"))
    if what == "add":
        add_license(state, server, license_type, invoice, production_invoice=production_invoice)
    else:
        remove_license(state, server, license_type, invoice)


def route(state: SandboxState, urls: Mapping[str, str], *, production_invoice: str) -> Route:
    """``POST <licensing>/_sandbox/licenses``: one :func:`change`; answers the new truth, or
    HTTP 400 with ``{"error": ...}``."""

    async def handler(request: Request) -> Response:
        try:
            body: Any = json.loads(await request.body() or b"{}")
            change(state, body, production_invoice=production_invoice)
        except (ValueError, SandboxError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(state.snapshot(urls))

    return Route("/_sandbox/licenses", handler, methods=["POST"])
