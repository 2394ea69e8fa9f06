"""One simulated DNN Evoq server: login, session, the site page, the Persona Bar and About.

Routes (spec sections 2-4):

==============================================  =============================================
``/Login``, ``/?ctl=Login`` (GET, POST)          the DNN login module with its real ids
``/``                                            the site home page with the Persona Bar iframe
``/Logoff``                                      end the session
``/DesktopModules/admin/Dnn.PersonaBar/...``     the Persona Bar document, its CSS and scripts
``/API/PersonaBar/Licensing/<Action>``           the About panel's API (:mod:`.about_api`)
==============================================  =============================================
"""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from dnn_runbook.sandbox import messages
from dnn_runbook.sandbox.about_api import AboutApi, LicensingClient
from dnn_runbook.sandbox.catalogue import LicenseType
from dnn_runbook.sandbox.keys import KeySigner
from dnn_runbook.sandbox.markup import render, static_dir
from dnn_runbook.sandbox.personabar import EDIT, MENU, menu_structure, render_menu
from dnn_runbook.sandbox.state import SandboxState, ServerIdentity

PERSONA_BAR = "/DesktopModules/admin/Dnn.PersonaBar"
STATIC = f"{PERSONA_BAR}/static"
#: The Persona Bar's cache-busting build number (``?cdv=``), as an Evoq 9.1 build has one.
BUILD_NUMBER = 207
LOGIN_TARGET = "dnn$ctr$Login$Login_DNN$cmdLogin"
USERNAME_FIELD = "dnn$ctr$Login$Login_DNN$txtUsername"
PASSWORD_FIELD = "dnn$ctr$Login$Login_DNN$txtPassword"  # noqa: S105 - a field name
REMEMBER_FIELD = "dnn$ctr$Login$Login_DNN$chkCookie"
REMEMBER_DAYS = 30


@dataclass(frozen=True, slots=True)
class Account:
    """A user who can log in; ``is_host`` is DNN's superuser flag."""

    username: str
    password: str = field(repr=False)
    display_name: str
    is_host: bool


@dataclass(frozen=True, slots=True)
class DnnServerConfig:
    """Everything one DNN server needs to know about itself."""

    identity: ServerIdentity
    url: str
    licensing_url: str
    accounts: tuple[Account, ...]
    evoq_version: str = "9.1"

    @property
    def cookie_name(self) -> str:
        """The session cookie's name.

        Browsers share cookies between ports of one host, and both sandbox servers live on
        127.0.0.1, whereas two real servers are two hosts: a per-server name keeps a login to
        one server from replacing the session of the other.
        """
        port = self.url.rsplit(":", 1)[-1]
        return f".DOTNETNUKE-{port}"

    @property
    def licensing_title(self) -> str:
        """ "About" from Evoq 9.1 on, "Licensing" on 9.0 (resx ``nav_Licensing``)."""
        major, _, minor = self.evoq_version.partition(".")
        if (int(major), int(minor or 0)) < (9, 1):
            return messages.PAGE_TITLE_EVOQ_90
        return messages.PAGE_TITLE


@dataclass(slots=True)
class Session:
    """A logged-in browser."""

    account: Account
    last_seen: float


class Sessions:
    """The server's sessions, keyed by the random token in the session cookie."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._sessions: dict[str, Session] = {}

    def create(self, account: Account) -> str:
        """Start a session for ``account``; return its token."""
        token = secrets.token_urlsafe(32)
        self._sessions[token] = Session(account, time.monotonic())
        return token

    def end(self, token: str | None) -> None:
        """End the session ``token`` if there is one."""
        if token:
            self._sessions.pop(token, None)

    def lookup(self, token: str | None) -> tuple[Session | None, bool]:
        """Return ``(session, expired)``; an idle session ends after ``session-expiry``."""
        session = self._sessions.get(token or "")
        if session is None:
            return None, False
        expiry = self._state.faults.session_expiry
        now = time.monotonic()
        if expiry is not None and now - session.last_seen >= expiry:
            del self._sessions[token or ""]
            return None, True
        session.last_seen = now
        return session, False


class _PagesSlow:
    """ASGI middleware: the ``pages-slow`` fault delays every page and API call (not assets)."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(STATIC):
            delay = self.state.faults.pages_slow
            if delay:
                await asyncio.sleep(delay)
        await self.app(scope, receive, send)


def _safe_return_url(raw: str | None) -> str:
    """Only a local path may be a return URL: anything else would be an open redirect."""
    if raw and raw.startswith("/") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return "/"


def _login_url(return_url: str = "/") -> str:
    return f"/Login?returnurl={quote(return_url, safe='')}"


async def _form(request: Request) -> dict[str, str]:
    # Parsed by hand: Starlette's form parser would need python-multipart for one simple form.
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[-1] for name, values in fields.items()}


def create_app(config: DnnServerConfig, state: SandboxState, signer: KeySigner) -> ASGIApp:
    """Build the ASGI app of one DNN server."""
    sessions = Sessions(state)
    identity = config.identity
    title = config.licensing_title
    holder: dict[str, AboutApi] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The HTTP client belongs to this server's event loop, so it is made here.
        client = LicensingClient(config.licensing_url, state, identity)
        holder["api"] = AboutApi(state, signer, identity, client, title=title)
        try:
            yield
        finally:
            await client.aclose()

    def current(request: Request) -> tuple[Session | None, bool]:
        return sessions.lookup(request.cookies.get(config.cookie_name))

    def login_page(request: Request, *, message: str = "", username: str = "") -> Response:
        action = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        block = (
            '<div class="dnnFormMessage dnnFormValidationSummary" role="alert">'
            f'<span id="dnn_ctr_ctl01_lblMessage">{escape(message)}</span></div>'
            if message
            else ""
        )
        return HTMLResponse(
            render(
                "login.html",
                raw={"message_block": block, "static": STATIC},
                action=action,
                username=username,
                return_url=_safe_return_url(request.query_params.get("returnurl")),
            )
        )

    async def login_post(request: Request) -> Response:
        form = await _form(request)
        username = form.get(USERNAME_FIELD, "").strip()
        if form.get("__EVENTTARGET") != LOGIN_TARGET:
            return login_page(request, username=username)
        password = form.get(PASSWORD_FIELD, "")
        account = next(
            (a for a in config.accounts if a.username.casefold() == username.casefold()), None
        )
        if account is None or not hmac.compare_digest(account.password.encode(), password.encode()):
            state.record("login_failed", server=identity.key, detail={"username": username})
            return login_page(request, message=messages.LOGIN_FAILED, username=username)
        state.record("login", server=identity.key, detail={"username": account.username})
        target = _safe_return_url(request.query_params.get("returnurl"))
        response = RedirectResponse(target, status_code=302)
        remember = form.get(REMEMBER_FIELD) in ("on", "true", "1")
        response.set_cookie(
            config.cookie_name,
            sessions.create(account),
            max_age=REMEMBER_DAYS * 86400 if remember else None,
            httponly=True,
            samesite="lax",
        )
        return response

    async def login(request: Request) -> Response:
        if request.method == "POST":
            return await login_post(request)
        return login_page(request)

    async def home(request: Request) -> Response:
        if request.query_params.get("ctl", "").casefold() == "login":
            return await login(request)
        session, expired = current(request)
        if expired:
            response: Response = RedirectResponse(_login_url(request.url.path), status_code=302)
            response.delete_cookie(config.cookie_name)
            return response
        if session is None:
            return HTMLResponse(
                render(
                    "home.html",
                    raw={"static": STATIC, "settings": "null", "user_block": _anonymous()},
                    server_name=identity.name,
                )
            )
        account = session.account
        settings = {
            "isHost": account.is_host,
            "isAdmin": True,
            "userId": 1 if account.is_host else 2,
            "buildNumber": str(BUILD_NUMBER),
            "personaBarUrl": f"{PERSONA_BAR}/index.html?cdv={BUILD_NUMBER}",
            "menuStructure": menu_structure(is_host=account.is_host, licensing_label=title),
            "evoqVersion": config.evoq_version,
        }
        return HTMLResponse(
            render(
                "home.html",
                raw={
                    "static": STATIC,
                    # The closing-tag escape keeps a "</script>" in a value inert.
                    "settings": json.dumps(settings).replace("</", "<\\/"),
                    "user_block": _user_block(account),
                },
                server_name=identity.name,
            )
        )

    async def logoff(request: Request) -> Response:
        sessions.end(request.cookies.get(config.cookie_name))
        response = RedirectResponse("/", status_code=302)
        response.delete_cookie(config.cookie_name)
        return response

    async def personabar_document(request: Request) -> Response:
        session, _ = current(request)
        if session is None:
            return HTMLResponse(render("session_ended.html", login_url=_login_url()))
        is_host = session.account.is_host
        bar_settings = {
            "api": "/API/PersonaBar/Licensing/",
            "loginUrl": _login_url(),
            "licensingTitle": title,
            "serverName": identity.name,
            "requestKeyUrl": f"{config.licensing_url}/activation/request",
            "licenseTypes": [str(kind) for kind in LicenseType],
            "messages": {
                "emptyState": messages.EMPTY_STATE,
                "emptyStateHint": messages.EMPTY_STATE_HINT,
                "cannotReach": messages.CANNOT_REACH_ON_LOAD,
                "confirmDelete": "Are you sure you want to delete this license?",
                "required": messages.FIELD_REQUIRED,
                "unknown": messages.UNKNOWN,
            },
        }
        return HTMLResponse(
            render(
                "personabar.html",
                raw={
                    "static": STATIC,
                    "menu": "".join(
                        render_menu(top, is_host=is_host, licensing_label=title) for top in MENU
                    ),
                    "edit_menu": render_menu(EDIT, is_host=is_host),
                    "settings": json.dumps(bar_settings).replace("</", "<\\/"),
                },
                build=BUILD_NUMBER,
            )
        )

    def api(action: str) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            session, _ = current(request)
            if session is None:
                return JSONResponse(
                    {"message": "Your session has ended. Log in again."}, status_code=401
                )
            if not session.account.is_host:
                return JSONResponse(
                    {"message": "Only a superuser may manage licenses."}, status_code=403
                )
            method = getattr(holder["api"], action)
            response: Response = await method(request)
            return response

        return handler

    routes = [
        Route("/", home, methods=["GET", "POST"]),
        Route("/Login", login, methods=["GET", "POST"]),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/Logoff", logoff),
        Route(f"{PERSONA_BAR}/index.html", personabar_document),
        Route("/API/PersonaBar/Licensing/GetLicenses", api("get_licenses")),
        Route("/API/PersonaBar/Licensing/AddLicense", api("add_license"), methods=["POST"]),
        Route("/API/PersonaBar/Licensing/DeleteLicense", api("delete_license"), methods=["POST"]),
        Route("/API/PersonaBar/Licensing/RenewLicense", api("renew_license"), methods=["POST"]),
        Route("/API/PersonaBar/Licensing/ActivateManual", api("activate_manual"), methods=["POST"]),
        Mount(STATIC, app=StaticFiles(directory=static_dir())),
    ]
    return _PagesSlow(Starlette(routes=routes, lifespan=lifespan), state)


def _anonymous() -> str:
    return '<a class="login-link" href="/Login?returnurl=%2f">Login</a>'


def _user_block(account: Account) -> str:
    return (
        f'<span class="user-name">{escape(account.display_name)}</span> '
        '<a class="logoff-link" href="/Logoff">Logout</a>'
    )


def accounts_for(passwords: Mapping[str, str]) -> tuple[Account, ...]:
    """The two accounts of every sandbox server: the host (superuser) and a non-host admin."""
    return (
        Account("host", passwords["host"], "Host Account", is_host=True),
        Account("admin", passwords["admin"], "Site Administrator", is_host=False),
    )
