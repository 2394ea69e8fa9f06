"""uvicorn in a thread: binding, starting, stopping."""

from __future__ import annotations

import socket

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from dnn_runbook.exceptions import SandboxError
from dnn_runbook.sandbox.server import ServerThread, bind


def hello_app() -> Starlette:
    async def hello(request: object) -> PlainTextResponse:
        return PlainTextResponse("hello")

    return Starlette(routes=[Route("/", hello)])


class TestBind:
    def test_loopback_tcp_socket(self) -> None:
        """The socket is TCP on 127.0.0.1 and says so, so asyncio turns Nagle off on it."""
        sock = bind(None, what="test server", option="--port-test")
        try:
            assert sock.getsockname()[0] == "127.0.0.1"
            assert sock.proto == socket.IPPROTO_TCP
        finally:
            sock.close()

    def test_busy_port(self) -> None:
        """A taken port is an error naming the server, the port and the option."""
        first = bind(None, what="test server", option="--port-test")
        port = first.getsockname()[1]
        first.listen()
        try:
            with pytest.raises(
                SandboxError, match=f"test server could not listen on 127.0.0.1:{port}"
            ):
                bind(port, what="test server", option="--port-test")
        finally:
            first.close()


class TestServerThread:
    def test_serves_until_stopped(self) -> None:
        """start() returns a server that answers; stop() ends its thread."""
        server = ServerThread(
            hello_app(), bind(None, what="test server", option="--port-test"), name="test"
        )
        server.start()
        try:
            with httpx.Client(trust_env=False) as client:
                assert client.get(server.url).text == "hello"
                # The connection is kept alive: a second request reuses it.
                assert client.get(server.url).text == "hello"
        finally:
            server.stop()
        assert not server.alive
