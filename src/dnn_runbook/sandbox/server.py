"""Running one ASGI app on a real uvicorn server in a background thread.

The socket is bound here, before the thread starts, so that the port is known (and a busy
port is reported) at once; uvicorn then serves on that socket in its own event loop.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time

import uvicorn
from starlette.types import ASGIApp

from dnn_runbook.exceptions import SandboxError

HOST = "127.0.0.1"
#: How long a server may take to start, or to finish its open requests when stopped.
START_TIMEOUT_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 5.0


def bind(port: int | None, *, what: str, option: str) -> socket.socket:
    """Bind a listening TCP socket on 127.0.0.1 (``port`` or, when ``None``/0, a free one).

    Raises:
        SandboxError: the port is taken or cannot be used.
    """
    # The protocol is named explicitly: asyncio switches Nagle's algorithm off (TCP_NODELAY)
    # only on sockets whose proto is IPPROTO_TCP, and with proto 0 every keep-alive response
    # would wait ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    if os.name == "posix":
        # Lets a sandbox restart at once on the port it just left (TIME_WAIT); on Windows the
        # same flag would allow two servers on one port, so it is set on POSIX only.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port or 0))
    except OSError as exc:
        sock.close()
        raise SandboxError(
            f"The {what} could not listen on {HOST}:{port}: {exc.strerror or exc}. "
            f"Choose another port with {option}, or leave it out to use a free one."
        ) from exc
    return sock


class ServerThread:
    """One uvicorn server in one thread; :meth:`start` returns once it accepts connections."""

    def __init__(self, app: ASGIApp, sock: socket.socket, *, name: str) -> None:
        self.name = name
        self._sock = sock
        self.port: int = sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level="warning",
            # No access log: it would be noise, and a URL is no place to risk a secret in.
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=int(STOP_TIMEOUT_SECONDS),
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, name=f"sandbox-{name}", daemon=True)

    def _serve(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        finally:
            _join_orphaned_workers()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{HOST}:{self.port}"

    @property
    def alive(self) -> bool:
        """Whether the server thread is still running."""
        return self._thread.is_alive()

    def start(self) -> None:
        """Start serving; return when the server is up.

        Raises:
            SandboxError: the server did not start within :data:`START_TIMEOUT_SECONDS`.
        """
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        # uvicorn offers no start event, only this flag: poll it briefly.
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise SandboxError(
                    f"The sandbox's {self.name} server on {self.url} did not start within "
                    f"{START_TIMEOUT_SECONDS:g} s; see the log above for uvicorn's reason."
                )
            time.sleep(0.002)

    def request_stop(self) -> None:
        """Ask the server to stop, without waiting (stop several at once, then :meth:`join`)."""
        self._server.should_exit = True

    def join(self) -> None:
        """Wait for the server thread to end, then release the socket."""
        if self._thread.is_alive():
            self._thread.join(STOP_TIMEOUT_SECONDS + 2)
        self._sock.close()

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self.request_stop()
        if self._thread.ident is not None:
            self.join()
        else:
            self._sock.close()


def _join_orphaned_workers() -> None:
    """Wait for the thread-pool workers whose event loop has closed.

    Starlette runs synchronous endpoints in AnyIO's worker threads. When a server's loop ends,
    AnyIO tells its workers to stop but does not wait for them, so a stopped sandbox would leave
    threads behind for a moment; the server's thread waits for them here, so that a stopped
    sandbox has really stopped.
    """
    for thread in threading.enumerate():
        loop = getattr(thread, "loop", None)
        orphaned = isinstance(loop, asyncio.AbstractEventLoop) and loop.is_closed()
        if orphaned and thread is not threading.current_thread():
            thread.join(STOP_TIMEOUT_SECONDS)
