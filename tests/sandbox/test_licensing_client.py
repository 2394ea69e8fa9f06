"""A DNN server's calls to the licensing service: one connection per call."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from dnn_runbook.sandbox.about_api import LicensingClient
from dnn_runbook.sandbox.faults import Faults
from dnn_runbook.sandbox.server import ServerThread, bind
from dnn_runbook.sandbox.state import SandboxState, ServerIdentity

NEW = ServerIdentity("new", "WEB-NEW", "ID-NEW")


def test_every_call_opens_its_own_connection() -> None:
    """A reused keep-alive connection that uvicorn closes at the same moment fails the call with
    RemoteProtocolError, which the sandbox would report as "licensing service unreachable" on
    a busy machine (a CI run failed so). Distinct client ports show no connection is reused."""
    seen: list[tuple[str, int]] = []

    async def status(request: Request) -> JSONResponse:
        assert request.client is not None
        seen.append((request.client.host, request.client.port))
        return JSONResponse({"status": "ok"})

    server = ServerThread(
        Starlette(routes=[Route("/api/status", status)]),
        bind(None, what="test licensing service", option="--port-test"),
        name="licensing",
    )
    server.start()
    state = SandboxState([NEW], faults=Faults())

    async def three_calls() -> list[str]:
        client = LicensingClient(server.url, state, NEW)
        try:
            return [(await client.call("/api/status")).kind for _ in range(3)]
        finally:
            await client.aclose()

    try:
        kinds = asyncio.run(three_calls())
    finally:
        server.stop()
    assert kinds == ["ok", "ok", "ok"]
    assert len(seen) == 3
    assert len({port for _, port in seen}) == 3
