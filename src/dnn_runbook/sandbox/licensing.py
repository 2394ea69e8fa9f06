"""The simulated DNN licensing service: its rules, its API, and the manual-activation page.

The DNN servers call this service server-side, as Evoq calls the vendor's web service:

====================================  ===================================================
``GET  /api/status``                  is the service there (used at About page load)
``POST /api/activate``                automatic activation
``POST /api/deactivate``              give an activation back when a license is removed
``POST /api/renew``                   renew a license on the same invoice
``GET|POST /activation/request``      the page a person uses to get a manual activation key
``GET  /_sandbox/state``              sandbox only: the whole truth, as JSON
``POST|DELETE /_sandbox/faults``      sandbox only: switch faults on (a JSON list) or off
``POST /_sandbox/reset``              sandbox only: back to the starting state
====================================  ===================================================

Rules (KB-LIC, KB-AUTO, KB-MIG): an invoice belongs to an email and has a type and expiry
dates; Production, Staging, Failover and Test invoices are active on one server at a time;
Development activations are unlimited, also on a production invoice; a client (server) may
make at most :data:`CLIENT_ACTIVATION_LIMIT` activations an hour.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from dnn_runbook.exceptions import FaultSpecError
from dnn_runbook.sandbox import messages
from dnn_runbook.sandbox.catalogue import Invoice, LicenseType
from dnn_runbook.sandbox.faults import Faults, parse_runtime
from dnn_runbook.sandbox.keys import KeySigner
from dnn_runbook.sandbox.markup import render
from dnn_runbook.sandbox.state import SandboxState

#: ACT3: activations one client address may make within :data:`CLIENT_ACTIVATION_WINDOW`.
CLIENT_ACTIVATION_LIMIT = 50
CLIENT_ACTIVATION_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the service refused a request: an ACT code and the values its message needs."""

    code: str
    invoice: str = ""
    day: date | None = None

    def message(self) -> str:
        """The text the Evoq license page shows for this refusal."""
        if self.code == "ACT2":
            return messages.in_use(self.invoice)
        if self.code == "ACT3":
            return messages.ACT3
        if self.code == "ACT6" and self.day is not None:
            return messages.service_period_expired(self.day)
        if self.code == "EXPIRED" and self.day is not None:
            return messages.license_expired(self.day)
        if self.code == "ACT1":
            return messages.ACT1
        return messages.UNKNOWN

    def as_json(self) -> dict[str, str]:
        """The refusal as the API sends it."""
        return {
            "code": self.code,
            "invoice": self.invoice,
            "date": self.day.isoformat() if self.day else "",
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Refusal:
        """Read a refusal the API sent."""
        raw_day = str(data.get("date") or "")
        return cls(
            code=str(data.get("code", "")),
            invoice=str(data.get("invoice", "")),
            day=date.fromisoformat(raw_day) if raw_day else None,
        )


def _parse_type(raw: object) -> LicenseType | None:
    try:
        return LicenseType(str(raw))
    except ValueError:
        return None


def check_terms(
    state: SandboxState, invoice_number: str, email: str, license_type: LicenseType | None
) -> Invoice | Refusal:
    """Check an invoice, email and type against the catalogue and the invoice's dates."""
    invoice = state.invoice(invoice_number)
    if (
        invoice is None
        or license_type is None
        or invoice.email.casefold() != email.strip().casefold()
        or not invoice.allows(license_type)
    ):
        return Refusal("ACT1")
    today = date.today()
    if invoice.expires < today:
        return Refusal("EXPIRED", invoice.number, invoice.expires)
    if invoice.service_expires < today:
        return Refusal("ACT6", invoice.number, invoice.service_expires)
    return invoice


def activate(
    state: SandboxState,
    *,
    server_id: str,
    invoice_number: str,
    email: str,
    license_type: LicenseType | None,
    how: str,
) -> Invoice | Refusal:
    """Apply every activation rule; on success hold the activation for ``server_id``."""
    server = state.server_by_id(server_id)
    server_key = server.key if server else None
    with state.lock:
        if state.count_activation(server_id, CLIENT_ACTIVATION_WINDOW) > CLIENT_ACTIVATION_LIMIT:
            outcome: Invoice | Refusal = Refusal("ACT3")
        else:
            outcome = check_terms(state, invoice_number, email, license_type)
        if isinstance(outcome, Invoice) and license_type is not None:
            held = state.holder(outcome.number)
            if license_type.single_activation and held is not None:
                outcome = Refusal("ACT2", outcome.number)
            elif license_type.single_activation:
                state.grant(outcome.number, license_type, server_id)
        if isinstance(outcome, Refusal):
            state.record(
                "activation_refused",
                server=server_key,
                license_type=license_type,
                invoice=invoice_number.strip().upper() or None,
                detail={"code": outcome.code, "how": how},
            )
        else:
            state.record(
                "activation_granted",
                server=server_key,
                license_type=license_type,
                invoice=outcome.number,
                detail={"how": how},
            )
        return outcome


def deactivate(
    state: SandboxState,
    *,
    server_id: str,
    invoice_number: str,
    license_type: LicenseType | None,
    how: str | None = None,
) -> bool:
    """Give the activation back to the invoice; ``False`` when there was none to give back.

    Development activations are not counted, so removing one always succeeds.
    """
    server = state.server_by_id(server_id)
    with state.lock:
        if license_type is LicenseType.DEVELOPMENT:
            returned = True
        else:
            returned = state.release(invoice_number, server_id)
        state.record(
            "activation_returned" if returned else "activation_not_returned",
            server=server.key if server else None,
            license_type=license_type,
            invoice=invoice_number,
            detail={"how": how} if how is not None else None,
        )
        return returned


def renew(
    state: SandboxState,
    *,
    server_id: str,
    invoice_number: str,
    email: str,
    license_type: LicenseType | None,
) -> Invoice | Refusal:
    """Renew: the same checks as activation, and a single activation must be this server's."""
    with state.lock:
        outcome = check_terms(state, invoice_number, email, license_type)
        if isinstance(outcome, Invoice) and license_type and license_type.single_activation:
            held = state.holder(outcome.number)
            if held is None or held.server_id != server_id:
                outcome = Refusal("ACT2", outcome.number)
        return outcome


class _ServiceFaults:
    """ASGI middleware: ``licensing-slow`` and ``licensing-flaky`` on the ``/api`` calls."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state
        # Not for security: a fixed seed makes a flaky rehearsal repeatable.
        self.random = random.Random(0)  # noqa: S311

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            faults = self.state.faults
            if faults.licensing_slow:
                await asyncio.sleep(faults.licensing_slow)
            if faults.licensing_flaky and self.random.random() < faults.licensing_flaky:
                failure = JSONResponse({"code": "UNAVAILABLE"}, status_code=503)
                await failure(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def _form_body(request: Request) -> dict[str, str]:
    # Parsed by hand: Starlette's form parser would need python-multipart for one simple form.
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[-1] for name, values in fields.items()}


def create_app(
    state: SandboxState,
    signer: KeySigner,
    *,
    urls: Mapping[str, str],
    extra_routes: Sequence[Route] = (),
) -> ASGIApp:
    """Build the licensing service's ASGI app over the shared ``state``, with ``extra_routes``
    (the truth API's changes, which need this module's rules)."""

    async def status(request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def api_activate(request: Request) -> Response:
        data = await _json_body(request)
        outcome = activate(
            state,
            server_id=str(data.get("serverId", "")),
            invoice_number=str(data.get("invoice", "")),
            email=str(data.get("email", "")),
            license_type=_parse_type(data.get("licenseType")),
            how="automatic",
        )
        if isinstance(outcome, Refusal):
            return JSONResponse(outcome.as_json(), status_code=400)
        return JSONResponse({"invoice": outcome.number, "expires": outcome.expires.isoformat()})

    async def api_deactivate(request: Request) -> Response:
        data = await _json_body(request)
        returned = deactivate(
            state,
            server_id=str(data.get("serverId", "")),
            invoice_number=str(data.get("invoice", "")),
            license_type=_parse_type(data.get("licenseType")),
        )
        return JSONResponse({"returned": returned})

    async def api_renew(request: Request) -> Response:
        data = await _json_body(request)
        outcome = renew(
            state,
            server_id=str(data.get("serverId", "")),
            invoice_number=str(data.get("invoice", "")),
            email=str(data.get("email", "")),
            license_type=_parse_type(data.get("licenseType")),
        )
        if isinstance(outcome, Refusal):
            return JSONResponse(outcome.as_json(), status_code=400)
        return JSONResponse({"invoice": outcome.number, "expires": outcome.expires.isoformat()})

    async def request_page(request: Request) -> Response:
        form: dict[str, str] = {}
        error = key = ""
        if request.method == "POST":
            form = await _form_body(request)
            error, key = _issue_key(state, signer, form)
        return HTMLResponse(
            render(
                "activation_request.html",
                raw={
                    "type_options": _type_options(form.get("licenseType", "")),
                    "error_block": (
                        f'<p class="error" role="alert">{escape(error, quote=True)}</p>'
                        if error
                        else ""
                    ),
                },
                server_id=form.get("serverId", ""),
                invoice=form.get("invoice", ""),
                email=form.get("email", ""),
                key=key,
            )
        )

    async def sandbox_state(request: Request) -> Response:
        return JSONResponse(state.snapshot(urls))

    async def sandbox_faults(request: Request) -> Response:
        if request.method == "DELETE":
            state.set_faults(Faults())
        else:
            try:
                body = json.loads(await request.body() or b"[]")
                state.set_faults(parse_runtime(body))
            except (ValueError, FaultSpecError) as exc:
                # FaultSpecError and JSON syntax errors alike: say what was wrong.
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"faults": state.faults.specs()})

    async def sandbox_reset(request: Request) -> Response:
        state.reset()
        return JSONResponse(state.snapshot(urls))

    app = Starlette(
        routes=[
            Route("/api/status", status),
            Route("/api/activate", api_activate, methods=["POST"]),
            Route("/api/deactivate", api_deactivate, methods=["POST"]),
            Route("/api/renew", api_renew, methods=["POST"]),
            Route("/activation/request", request_page, methods=["GET", "POST"]),
            Route("/_sandbox/state", sandbox_state),
            Route("/_sandbox/faults", sandbox_faults, methods=["POST", "DELETE"]),
            *extra_routes,
            Route("/_sandbox/reset", sandbox_reset, methods=["POST"]),
        ]
    )
    return _ServiceFaults(app, state)


def _type_options(selected: str) -> str:
    chosen = selected or LicenseType.PRODUCTION
    return "".join(
        f'<option value="{kind}"{" selected" if kind == chosen else ""}>{kind}</option>'
        for kind in LicenseType
    )


def _issue_key(state: SandboxState, signer: KeySigner, form: Mapping[str, str]) -> tuple[str, str]:
    """Run the request page's form: return ``(error, "")`` or ``("", key)``."""
    server_id = "".join(form.get("serverId", "").split()).upper()
    if state.server_by_id(server_id) is None:
        return (
            "The Server ID is not valid. Copy the whole Server ID from the Manual Activation "
            "page of your site and paste it here.",
            "",
        )
    license_type = _parse_type(form.get("licenseType"))
    outcome = activate(
        state,
        server_id=server_id,
        invoice_number=form.get("invoice", ""),
        email=form.get("email", ""),
        license_type=license_type,
        how="manual",
    )
    if isinstance(outcome, Refusal):
        return outcome.message(), ""
    assert license_type is not None  # activate() refuses an unknown type with ACT1
    key = signer.issue(server_id, outcome.number, str(license_type), outcome.expires.isoformat())
    server = state.server_by_id(server_id)
    state.record(
        "activation_key_issued",
        server=server.key if server else None,
        license_type=license_type,
        invoice=outcome.number,
    )
    return "", key
