"""The About panel's server side: the API its page calls, and the calls on to the licensing service.

Activation is server-side, as in Evoq: the browser asks this DNN server, and this server calls
the licensing service over HTTP. The ``licensing-down`` fault is a firewall in that path: the
call fails to connect, exactly what a blocked server sees.

Every action answers ``{"success", "message", "severity", "licenses"}`` so that the panel can
re-render the table and show the notification in one step.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dnn_runbook.sandbox import messages
from dnn_runbook.sandbox.catalogue import LicenseType
from dnn_runbook.sandbox.keys import KeySigner
from dnn_runbook.sandbox.licensing import Refusal
from dnn_runbook.sandbox.state import SandboxState, ServerIdentity

#: How long a DNN server waits for the licensing service before it calls it unreachable.
LICENSING_TIMEOUT_SECONDS = 15.0

Severity = Literal["success", "error"]


@dataclass(frozen=True, slots=True)
class Reply:
    """What came back from the licensing service."""

    kind: Literal["ok", "refused", "failed", "unreachable"]
    data: Mapping[str, Any]


class _Firewall(httpx.AsyncBaseTransport):
    """Blocks this server's calls to the licensing service while ``licensing-down`` (or a
    spent ``licensing-down-after``) says so."""

    def __init__(self, inner: httpx.AsyncBaseTransport, state: SandboxState, key: str) -> None:
        self._inner = inner
        self._state = state
        self._key = key

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self._state.licensing_call_passes(self._key):
            raise httpx.ConnectError("connection refused by the firewall", request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class LicensingClient:
    """A DNN server's connection to the licensing service."""

    def __init__(self, base_url: str, state: SandboxState, identity: ServerIdentity) -> None:
        self.identity = identity
        self._client = httpx.AsyncClient(
            base_url=base_url,
            transport=_Firewall(httpx.AsyncHTTPTransport(), state, identity.key),
            timeout=LICENSING_TIMEOUT_SECONDS,
            # A fresh connection per call: uvicorn closes an idle connection after 5 s, and a
            # call that reuses one just as it closes fails with RemoteProtocolError, which
            # would read as "licensing service unreachable" on a busy machine.
            headers={"Connection": "close"},
            # A proxy from the environment must never see these loopback calls.
            trust_env=False,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def call(self, path: str, payload: Mapping[str, Any] | None = None) -> Reply:
        """GET ``path`` (no payload) or POST ``payload`` as JSON; never raises for I/O."""
        try:
            if payload is None:
                response = await self._client.get(path)
            else:
                body = {"serverId": self.identity.server_id, **payload}
                response = await self._client.post(path, json=body)
        except httpx.TransportError:
            return Reply("unreachable", {})
        try:
            data = response.json()
        except json.JSONDecodeError:
            data = {}
        if response.status_code == 200:
            return Reply("ok", data)
        if response.status_code == 400:
            return Reply("refused", data)
        return Reply("failed", data)


def _rows(state: SandboxState, key: str) -> list[dict[str, Any]]:
    return [
        {
            "id": row.id,
            "type": str(row.license_type),
            "invoice": row.invoice,
            "webServer": row.web_server,
            "activated": row.activated,
            "expires": messages.format_date(row.expires),
        }
        for row in state.licenses(key)
    ]


def _parse_type(raw: object) -> LicenseType | None:
    try:
        return LicenseType(str(raw))
    except ValueError:
        return None


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _int(raw: object) -> int:
    try:
        return int(str(raw))
    except ValueError:
        return -1


class AboutApi:
    """The handlers of ``/API/PersonaBar/Licensing/*`` for one DNN server."""

    def __init__(
        self,
        state: SandboxState,
        signer: KeySigner,
        identity: ServerIdentity,
        client: LicensingClient,
        *,
        title: str,
        request_key_url: str,
    ) -> None:
        self.state = state
        self.signer = signer
        self.identity = identity
        self.client = client
        self.title = title
        self.request_key_url = request_key_url

    def _answer(self, message: str, severity: Severity) -> Response:
        return JSONResponse(
            {
                "success": severity == "success",
                "message": message,
                "severity": severity,
                "licenses": _rows(self.state, self.identity.key),
            }
        )

    def _already_has(self, license_type: LicenseType) -> bool:
        return any(
            row.license_type is license_type for row in self.state.licenses(self.identity.key)
        )

    async def get_licenses(self, request: Request) -> Response:
        """The table and whether the licensing service answers, decided before the page shows."""
        reachable = (await self.client.call("/api/status")).kind == "ok"
        return JSONResponse(
            {
                "title": self.title,
                "serverName": self.identity.name,
                "serverId": self.identity.server_id,
                "requestKeyUrl": self.request_key_url,
                "licenseTypes": [str(kind) for kind in LicenseType],
                "licensingReachable": reachable,
                "licenses": _rows(self.state, self.identity.key),
            }
        )

    async def add_license(self, request: Request) -> Response:
        """Automatic activation: check locally, then ask the licensing service."""
        data = await _body(request)
        license_type = _parse_type(data.get("licenseType"))
        email = str(data.get("email", "")).strip()
        invoice = str(data.get("invoice", "")).strip()
        if license_type is None:
            return self._answer(messages.UNKNOWN, "error")
        if not email or not invoice:
            field = "Account Email" if not email else "Invoice Number"
            return self._answer(messages.FIELD_REQUIRED.format(field=field), "error")
        if self._already_has(license_type):
            return self._answer(messages.already_has(self.identity.name, license_type), "error")
        reply = await self.client.call(
            "/api/activate",
            {
                "serverName": self.identity.name,
                "invoice": invoice,
                "email": email,
                "licenseType": str(license_type),
            },
        )
        if reply.kind == "unreachable":
            return self._answer(messages.CANNOT_REACH_ON_ACTIVATE, "error")
        if reply.kind == "refused":
            return self._answer(Refusal.from_json(reply.data).message(), "error")
        if reply.kind == "failed":
            return self._answer(messages.UNKNOWN, "error")
        self.state.add_license(
            self.identity.key,
            license_type=license_type,
            invoice=str(reply.data["invoice"]),
            email=email,
            expires=date.fromisoformat(str(reply.data["expires"])),
            via="automatic",
        )
        return self._answer(messages.activated(license_type), "success")

    async def delete_license(self, request: Request) -> Response:
        """Remove a license; it is deleted locally even when its activation cannot go back."""
        data = await _body(request)
        row = self.state.find_license(self.identity.key, _int(data.get("id")))
        if row is None:
            return self._answer(messages.DEA1, "error")
        reply = await self.client.call(
            "/api/deactivate", {"invoice": row.invoice, "licenseType": str(row.license_type)}
        )
        returned = reply.kind == "ok" and bool(reply.data.get("returned"))
        self.state.remove_license(self.identity.key, row.id, activation_returned=returned)
        if reply.kind == "unreachable":
            return self._answer(messages.DELETED_SERVICE_UNREACHABLE, "error")
        if not returned:
            return self._answer(messages.DELETED_NOT_RETURNED, "error")
        return self._answer(messages.DELETED, "success")

    async def renew_license(self, request: Request) -> Response:
        """Renew a license on its invoice: its EXPIRES follows the invoice's."""
        data = await _body(request)
        row = self.state.find_license(self.identity.key, _int(data.get("id")))
        if row is None:
            return self._answer(messages.UNKNOWN, "error")
        reply = await self.client.call(
            "/api/renew",
            {"invoice": row.invoice, "email": row.email, "licenseType": str(row.license_type)},
        )
        if reply.kind == "refused":
            return self._answer(Refusal.from_json(reply.data).message(), "error")
        if reply.kind != "ok":
            return self._answer(messages.UNKNOWN, "error")
        self.state.renew_license(
            self.identity.key, row.id, date.fromisoformat(str(reply.data["expires"]))
        )
        return self._answer(messages.RENEWED, "success")

    async def activate_manual(self, request: Request) -> Response:
        """Manual activation: check the pasted key offline, as Evoq does, and install it."""
        data = await _body(request)
        license_type = _parse_type(data.get("licenseType"))
        content = self.signer.check(str(data.get("key", "")))
        if license_type is None or content is None:
            return self._answer(messages.MANUAL_KEY_INVALID, "error")
        if content.server_id != self.identity.server_id:
            return self._answer(messages.MANUAL_KEY_INVALID, "error")
        if content.license_type != license_type:
            return self._answer(
                messages.key_for_other_type(content.license_type, license_type), "error"
            )
        if self._already_has(license_type):
            return self._answer(messages.already_has(self.identity.name, license_type), "error")
        if not self.state.use_key_nonce(self.identity.key, content.nonce):
            return self._answer(messages.MANUAL_KEY_INVALID, "error")
        self.state.add_license(
            self.identity.key,
            license_type=license_type,
            invoice=content.invoice,
            email=str(data.get("email", "")).strip(),
            expires=date.fromisoformat(content.expires),
            via="manual",
        )
        return self._answer(messages.activated(license_type), "success")
