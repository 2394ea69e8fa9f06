"""Small network stand-ins for the TLS and proxy tests: a self-signed certificate made with
``openssl``, a TLS front that forwards bytes to a sandbox server, and an HTTP proxy that
records what it forwarded."""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

#: Hop-by-hop headers a proxy does not pass on (RFC 9110 7.6.1), and the length it sets anew.
_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "content-length"}


def self_signed(folder: Path, name: str = "cert", *dns: str) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and the names ``dns`` (its own CA) and its
    key, made by openssl."""
    cert, key = folder / f"{name}.pem", folder / f"{name}-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            f"/CN=dnn-runbook test {name}",
            "-addext",
            ",".join(["subjectAltName=IP:127.0.0.1", *(f"DNS:{name}" for name in dns)]),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def tls_front(target_port: int, cert: Path, key: Path) -> Iterator[int]:
    """Serve TLS on a free port of 127.0.0.1 with ``cert``, forwarding the bytes to the plain
    HTTP server on ``target_port``; yields the TLS port."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port: int = listener.getsockname()[1]
    stop = threading.Event()

    def serve_one(conn: socket.socket) -> None:
        try:
            with (
                context.wrap_socket(conn, server_side=True) as front,
                socket.create_connection(("127.0.0.1", target_port)) as back,
            ):
                _pipe(front, back, stop)
        except (OSError, ssl.SSLError):
            return  # a browser that refused the certificate hangs up mid-handshake

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            if stop.is_set():
                conn.close()
                return
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop.set()
        # Closing the listener does not wake a thread blocked in accept() on Linux: a
        # connection does, so the thread ends now rather than at the join's timeout.
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        thread.join(5)
        listener.close()


def _pipe(front: socket.socket, back: socket.socket, stop: threading.Event) -> None:
    while not stop.is_set():
        pending = isinstance(front, ssl.SSLSocket) and front.pending()
        ready: list[socket.socket] = [front] if pending else []
        if not ready:
            ready, _, _ = select.select([front, back], [], [], 1.0)
        for sock in ready:
            data = sock.recv(65536)
            if not data:
                return
            (back if sock is front else front).sendall(data)


class RecordingProxy:
    """An HTTP forward proxy on 127.0.0.1 that resolves the names in ``hosts`` itself (so a
    browser reaches them only through it) and records each request as ``(method, url)``."""

    def __init__(self, hosts: dict[str, str]) -> None:
        self.hosts = hosts
        self.forwarded: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _forward(self) -> None:
                parts = urlsplit(self.path)
                host = proxy.hosts.get(parts.hostname or "", parts.hostname or "")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                upstream = http.client.HTTPConnection(host, parts.port or 80, timeout=30)
                try:
                    upstream.request(self.command, path or "/", body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                finally:
                    upstream.close()
                proxy.forwarded.append((self.command, self.path))
                self.send_response(answer.status, answer.reason)
                for name, value in answer.getheaders():
                    if name.lower() not in _HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_HEAD = _forward  # noqa: N815 - http.server's names

            def do_CONNECT(self) -> None:
                name, _, port = self.path.rpartition(":")
                proxy.forwarded.append(("CONNECT", self.path))
                with socket.create_connection((proxy.hosts.get(name, name), int(port))) as back:
                    self.send_response(200, "Connection established")
                    self.end_headers()
                    self.wfile.flush()
                    _pipe(self.connection, back, threading.Event())
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
