"""The read-only guard: nothing that could change a license leaves the browser.

Evoq's licensing API is not public, so what may pass cannot be told by its address: the guard
is an allow-list, put in front of a whole browser context with Playwright's request routing.
It lets through:

- ``GET`` and ``HEAD`` requests (pages, scripts, styles, and every read the panels make);
- the login form's own post: a navigation of the top page that posts DNN's login fields
  (``dnn$ctr…$Login$Login_DNN$txtPassword``) with the Login button as ``__EVENTTARGET``
  (``docs/dnn-ui.md`` section 2), and nothing else posted from that page;
- the Persona Bar's own ``POST API/PersonaBar/UserSettings/UpdateUserSettings``, which
  remembers which panel is open (section 4);

and aborts every other request, recording it as a :class:`BlockedRequest` (method and path
only: a query or a body may carry a token or a secret). An activation, a removal, a renewal
and a manual key submission are all posts the guard aborts. Service workers are hidden from
the pages (a service worker's own requests would not pass through the routing) and every
WebSocket is refused and recorded.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Error as PlaywrightError

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Request, Route, WebSocketRoute

__all__ = ["BlockedRequest", "RequestGuard", "is_allowed"]

#: Methods that only read, by HTTP's own definition.
SAFE_METHODS = frozenset({"GET", "HEAD"})
#: The Persona Bar's own settings call: the open panel, remembered per user.
USER_SETTINGS_PATH = "/api/personabar/usersettings/updateusersettings"
_LOGIN_PASSWORD = re.compile(r"^dnn\$ctr\d*\$Login\$Login_DNN\$txtPassword$")
_LOGIN_BUTTON = re.compile(r"^dnn\$ctr\d*\$Login\$Login_DNN\$cmdLogin$")
# Pages must not register a service worker: its requests would bypass the routing.
_NO_SERVICE_WORKERS = """(() => {
  try { Object.defineProperty(Navigator.prototype, 'serviceWorker', {get: () => undefined}); }
  catch (e) { /* already hidden */ }
})();"""


@dataclass(frozen=True, slots=True)
class BlockedRequest:
    """A request the guard aborted: on which server, its method, path and kind."""

    server: str
    method: str
    #: The address's path alone: no host, no query (a query may carry a token).
    path: str
    #: Playwright's resource type (``fetch``, ``xhr``, ``document``, ``websocket``, ...).
    resource_type: str

    def describe(self) -> str:
        """``"POST /API/PersonaBar/Licensing/DeleteLicense (fetch) on old"``."""
        return f"{self.method} {self.path} ({self.resource_type}) on {self.server}"


def is_login_post(post_data: str | None) -> bool:
    """Whether a form body is DNN's login form posted by its Login button (or Enter)."""
    if not post_data:
        return False
    fields = parse_qsl(post_data, keep_blank_values=True)
    names = {name for name, _value in fields}
    target = next((value for name, value in fields if name == "__EVENTTARGET"), "")
    return any(_LOGIN_PASSWORD.match(name) for name in names) and bool(_LOGIN_BUTTON.match(target))


def is_allowed(method: str, url: str, *, post_data: str | None, top_navigation: bool) -> bool:
    """Whether a request may leave the browser during a read-only visit (see the module).

    ``top_navigation`` is whether the request loads the top page (a form post does).
    """
    verb = method.upper()
    if verb in SAFE_METHODS:
        return True
    if verb != "POST":
        return False
    if urlsplit(url).path.lower().endswith(USER_SETTINGS_PATH):
        return True
    return top_navigation and is_login_post(post_data)


class RequestGuard:
    """Aborts, on one browser context, every request :func:`is_allowed` refuses.

    Args:
        server: the server's name in the runbook, for the record.
        on_block: called with each blocked request as it happens (to log it).
    """

    def __init__(
        self, server: str, on_block: Callable[[BlockedRequest], object] | None = None
    ) -> None:
        self.server = server
        self._on_block = on_block
        #: Every request aborted so far, in order.
        self.blocked: list[BlockedRequest] = []
        self._context: BrowserContext | None = None

    def install(self, context: BrowserContext) -> RequestGuard:
        """Route every request of ``context`` (its pages to come too) through the guard.

        Install it before the context loads anything: requests already sent are not recalled.
        """
        context.add_init_script(_NO_SERVICE_WORKERS)
        context.route("**/*", self._route)
        context.route_web_socket("**/*", self._refuse_web_socket)
        self._context = context
        return self

    def remove(self) -> None:
        """Stop guarding (the pages' hidden service worker stays hidden until they reload)."""
        context, self._context = self._context, None
        if context is None:
            return
        # A context already closed guards nothing.
        with contextlib.suppress(PlaywrightError):
            context.unroute("**/*", self._route)

    def _record(self, method: str, url: str, resource_type: str) -> None:
        path = urlsplit(url).path or "/"
        blocked = BlockedRequest(self.server, method.upper(), path, resource_type)
        self.blocked.append(blocked)
        if self._on_block is not None:
            self._on_block(blocked)

    def _route(self, route: Route) -> None:
        request = route.request
        if is_allowed(
            request.method,
            request.url,
            post_data=_post_data(request),
            top_navigation=_is_top_navigation(request),
        ):
            route.fallback()
            return
        self._record(request.method, request.url, request.resource_type)
        route.abort("blockedbyclient")

    def _refuse_web_socket(self, socket: WebSocketRoute) -> None:
        # Not connecting to the server is what refuses it; closing tells the page.
        self._record("GET", socket.url, "websocket")
        socket.close(code=1008, reason="blocked by dnn-runbook's read-only guard")


def _post_data(request: Request) -> str | None:
    try:
        return request.post_data
    except (PlaywrightError, UnicodeDecodeError):
        return None  # a binary body is no login form


def _is_top_navigation(request: Request) -> bool:
    try:
        return request.is_navigation_request() and request.frame.parent_frame is None
    except PlaywrightError:
        return False  # a service worker's request has no frame
