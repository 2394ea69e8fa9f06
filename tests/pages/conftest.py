"""Fixtures for the page-object tests: the sandbox's front ends, and a second, differently
built DNN-like site.

A test module that sets ``FRONT_ENDS = ("dnn", "classic", *REPLAYS)`` runs each of its sandbox
tests on both of the sandbox's front ends (DNN's own components, then the hand-made classic
markup) and on the markup of every capture in ``captures/``, replayed by the sandbox
(``Sandbox.start(replay=...)``); the others run on the default one.

``alt_site`` serves ``alt_markup/`` over real HTTP on 127.0.0.1: the same texts, labels and
roles as Evoq, in markup the sandbox does not use (a custom login page with module id 412 and
no ``/Login``, an ARIA div grid instead of a ``<table>``, columns reordered with an extra one,
the About item under another id, labels bound by ``aria-labelledby`` or by wrapping). Page
objects that pass against both it and the sandbox depend on neither's private structure.
"""

from __future__ import annotations

import functools
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from dnn_runbook.sandbox import Sandbox

MARKUP = Path(__file__).parent / "alt_markup"
#: Captures (``--capture``) whose markup the page-object suite runs on, replayed by the sandbox.
CAPTURES = Path(__file__).parent / "captures"
#: The front ends a module lists to run on every capture too: ``replay:<file name>``.
REPLAYS = tuple(f"replay:{path.name}" for path in sorted(CAPTURES.glob("*.json")))

LOGIN_FAILED = "Login Failed. Please remember that passwords are case sensitive."
CANNOT_REACH_ON_LOAD = (
    "Connection to license server failed. You will not be able to automatically activate or "
    "renew licenses. You can use manual activation to activate a license."
)
CANNOT_REACH_ON_ACTIVATE = (
    "Unable to activate license. Connection to license server failed. Please try again later "
    "or use manual activation."
)
LOST = (
    "Your license was deleted.<br /><br />Unable to add activation back to your invoice as "
    "Connection to license server failed. If you need to activate as a production license, "
    "please contact Technical Support."
)
ACT1 = "The license details provided do not match a valid license."


@dataclass
class AltRow:
    """One license as the alternative site stores it."""

    type: str
    invoice: str
    server: str
    activated: bool
    expires: str
    note: str = ""


@dataclass
class AltSite:
    """The alternative site's state, which a test may change between actions."""

    url: str = ""
    username: str = "host"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    email: str = "owner@example.com"
    invoice: str = "INV900-1"
    server_name: str = "ALT-WEB-7"
    servers: tuple[str, ...] = ("ALT-WEB-7", "ALT-WEB-8")
    title: str = "Licensing"
    licensing_down: bool = False
    server_id: str = "9F3A" * 24
    activation_key: str = field(default_factory=lambda: "KEY-" + secrets.token_hex(16))
    rows: list[AltRow] = field(default_factory=list)
    session: str = field(default_factory=lambda: secrets.token_hex(8))
    #: Texts changed in the served markup (``{"Invoice Number*": "Invoice No.*"}``): a control
    #: renamed by a site that differs.
    renamed: dict[str, str] = field(default_factory=dict)

    def state(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "notice": CANNOT_REACH_ON_LOAD if self.licensing_down else "",
            "rows": [row.__dict__ for row in self.rows],
            "servers": list(self.servers),
            "server": self.server_name,
            "server_id": self.server_id,
        }

    def activate(self, body: dict[str, Any]) -> dict[str, Any]:
        kind = str(body["type"])
        if self.licensing_down:
            return {"message": CANNOT_REACH_ON_ACTIVATE, "error": True}
        if body["email"] != self.email or body["invoice"] != self.invoice:
            return {"message": ACT1, "error": True}
        return self._add(kind, str(body["server"]))

    def manual(self, body: dict[str, Any]) -> dict[str, Any]:
        if body["key"] != self.activation_key:
            return {"message": "The activation key is not valid for this server.", "error": True}
        return self._add(str(body["type"]), self.server_name)

    def _add(self, kind: str, server: str) -> dict[str, Any]:
        if any(row.type == kind for row in self.rows):
            return {
                "message": f"License Activation failed. The host server {server} already has "
                f"a {kind} license.",
                "error": True,
            }
        self.rows.append(AltRow(kind, self.invoice, server, True, "Thu, Dec 31, 2026", "new"))
        stop = "." if kind == "Development" else ""
        return {
            "message": f"{kind} License has been activated successfully{stop}",
            "error": False,
            "state": self.state(),
        }

    def remove(self, body: dict[str, Any]) -> dict[str, Any]:
        del self.rows[int(body["index"])]
        if self.licensing_down:
            return {"message": LOST, "error": True, "state": self.state()}
        return {
            "message": "Your license has been deleted successfully.",
            "error": False,
            "state": self.state(),
        }

    def renew(self, body: dict[str, Any]) -> dict[str, Any]:
        del body
        return {"message": "Your license has been renewed successfully.", "error": False}


def _handler(site: AltSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

        def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def _html(self, name: str, **values: str) -> None:
            text = (MARKUP / name).read_text(encoding="utf-8")
            for before, after in site.renamed.items():
                text = text.replace(before, after)
            # Only the login page is a template; the others hold JavaScript's own "${...}".
            body = Template(text).substitute(values) if values else text
            self._send(HTTPStatus.OK, body.encode(), "text/html; charset=utf-8")

        def _json(self, payload: dict[str, Any]) -> None:
            self._send(HTTPStatus.OK, json.dumps(payload).encode(), "application/json")

        def _logged_in(self) -> bool:
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
            return "alt_auth" in cookie and cookie["alt_auth"].value == site.session

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            if url.path == "/" and query.get("ctl") == ["Login"]:
                self._html("login.html", message="")
            elif url.path == "/":
                if self._logged_in():
                    self._html("home.html")
                else:
                    self._send(HTTPStatus.FOUND, b"", "text/plain", Location="/?ctl=Login")
            elif url.path == "/DesktopModules/admin/Dnn.PersonaBar/index.html":
                self._html("personabar.html")
            elif url.path == "/request":
                self._html("request.html")
            elif url.path == "/api/licenses":
                self._json(site.state())
            else:
                self._send(HTTPStatus.NOT_FOUND, b"Not found", "text/plain")

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length).decode()
            if url.path == "/":
                form = parse_qs(raw)
                user = form.get("dnn$ctr412$Login$Login_DNN$txtUsername", [""])[0]
                word = form.get("dnn$ctr412$Login$Login_DNN$txtPassword", [""])[0]
                if (user, word) == (site.username, site.password):
                    self._send(
                        HTTPStatus.FOUND,
                        b"",
                        "text/plain",
                        Location="/",
                        Set_Cookie=f"alt_auth={site.session}; Path=/; HttpOnly",
                    )
                else:
                    message = f'<div class="message" role="alert">{LOGIN_FAILED}</div>'
                    self._html("login.html", message=message)
                return
            actions = {
                "/api/activate": site.activate,
                "/api/manual": site.manual,
                "/api/remove": site.remove,
                "/api/renew": site.renew,
            }
            action = actions.get(url.path)
            if action is None:
                self._send(HTTPStatus.NOT_FOUND, b"Not found", "text/plain")
                return
            self._json(action(json.loads(raw or "{}")))

    return Handler


@contextmanager
def serving(site: AltSite) -> Iterator[AltSite]:
    """Serve ``site`` on a free port of 127.0.0.1 (its ``url`` set) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="alt-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def alt_site() -> Iterator[AltSite]:
    """The alternative site on a free port of 127.0.0.1 holding a Production license."""
    site = AltSite()
    site.rows.append(
        AltRow("Production", site.invoice, site.server_name, True, "Wed, Jan 1, 2020", "main")
    )
    with serving(site):
        yield site


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run sandbox tests on the front ends their module names (the default one otherwise)."""
    if "front_end" in metafunc.fixturenames:
        metafunc.parametrize("front_end", getattr(metafunc.module, "FRONT_ENDS", ("dnn",)))


@pytest.fixture
def sandbox_factory(
    sandbox_factory: Callable[..., Sandbox], front_end: str
) -> Callable[..., Sandbox]:
    """Sandboxes of the test's front end (``ui=``, or ``replay=`` a capture)."""
    if front_end.startswith("replay:"):
        return functools.partial(sandbox_factory, replay=CAPTURES / front_end.partition(":")[2])
    return functools.partial(sandbox_factory, ui=front_end)
