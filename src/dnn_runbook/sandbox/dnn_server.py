"""One simulated DNN Evoq server: login, session, the site page, the Persona Bar and About.

Routes (``docs/dnn-ui.md`` lists the DNN facts behind them):

==============================================  =============================================
``/Login``, ``/?ctl=Login`` (GET, POST)          the DNN login module with its real ids
``/``                                            the site home page with the Persona Bar iframe
``/Logoff``                                      end the session
``/DesktopModules/admin/Dnn.PersonaBar/...``     the Persona Bar: its document, scripts and the
                                                 panels' modules (:mod:`.frontend_dnn`; from a
                                                 DNN install's folder with
                                                 :mod:`.persona_bar_folder`), or the classic
                                                 front end (:mod:`.frontend_classic`), or a
                                                 capture's markup (:mod:`.replay`)
``/API/PersonaBar/<Service>/<Action>``           the bar's own services
                                                 (:mod:`.personabar_services`)
``/API/PersonaBar/Licensing/<Action>``           the About panel's API (:mod:`.about_api`)
==============================================  =============================================
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from html import escape
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dnn_runbook.sandbox import messages
from dnn_runbook.sandbox.about_api import AboutApi, LicensingClient
from dnn_runbook.sandbox.accounts import (
    DnnServerConfig,
    Session,
    Sessions,
)
from dnn_runbook.sandbox.frontend_classic import ClassicFrontEnd
from dnn_runbook.sandbox.frontend_dnn import DnnFrontEnd
from dnn_runbook.sandbox.keys import KeySigner
from dnn_runbook.sandbox.markup import render, static_dir
from dnn_runbook.sandbox.paths import PERSONA_BAR, STATIC, login_url
from dnn_runbook.sandbox.persona_bar_folder import PersonaBarFolder
from dnn_runbook.sandbox.personabar_services import PersonaBarServices, UserSettings
from dnn_runbook.sandbox.replay import ReplayFrontEnd, ReplayProfile
from dnn_runbook.sandbox.state import SandboxState

LOGIN_TARGET = "dnn$ctr$Login$Login_DNN$cmdLogin"
USERNAME_FIELD = "dnn$ctr$Login$Login_DNN$txtUsername"
PASSWORD_FIELD = "dnn$ctr$Login$Login_DNN$txtPassword"  # noqa: S105 - a field name
REMEMBER_FIELD = "dnn$ctr$Login$Login_DNN$chkCookie"


def _in_module(name: str, module: str) -> str:
    """A control's id or field name as the login module with id ``module`` renders it
    (``dnn$ctr412$Login$...``, ``dnn_ctr412_Login_...``); ``""`` is the standard page's."""
    return name.replace("dnn$ctr$", f"dnn$ctr{module}$").replace("dnn_ctr_", f"dnn_ctr{module}_")


REMEMBER_DAYS = 30


#: The response header naming the server that answered (``WEB-OLD``, ``WEB-NEW``).
SERVED_BY = "X-Served-By"

#: Paths that are static files on a real server: no fault slows them down.
_ASSETS = (STATIC, *(f"{PERSONA_BAR}/{part}" for part in ("css/", "scripts/", "images/")))
_ASSETS_LOWER = tuple(f"{PERSONA_BAR}/{part}".lower() for part in ("index.html", "modules/"))


class _CaseInsensitive:
    """ASGI middleware: ASP.NET matches routes in any letter case (DNN's own scripts call
    ``API/personaBar/...``), Starlette only as written, so known paths are matched here."""

    def __init__(self, app: ASGIApp, paths: list[str]) -> None:
        self.app = app
        self.paths = {path.lower(): path for path in paths}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            canonical = self.paths.get(scope["path"].lower())
            if canonical is not None and canonical != scope["path"]:
                scope = {**scope, "path": canonical, "raw_path": canonical.encode()}
        await self.app(scope, receive, send)


class _Slow:
    """ASGI middleware for two faults: ``pages-slow`` delays every page and API call,
    ``api-slow`` every Persona Bar API call; neither delays a static file."""

    def __init__(self, app: ASGIApp, state: SandboxState, *, static_document: bool) -> None:
        self.app = app
        self.state = state
        self.static_document = static_document

    def _is_asset(self, path: str) -> bool:
        if path.startswith(_ASSETS):
            return True
        # The default front end's document and modules are files, as on IIS; the classic
        # front end renders its document on the server, like a page.
        return self.static_document and path.lower().startswith(_ASSETS_LOWER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._is_asset(scope["path"]):
            faults = self.state.faults
            delay = faults.pages_slow
            if scope["path"].startswith("/API/"):
                delay += faults.api_slow
            if delay:
                await asyncio.sleep(delay)
        await self.app(scope, receive, send)


class _ServedBy:
    """ASGI middleware: every response names the server in ``X-Served-By``, as an IIS custom
    response header set on each web server does, so a cut-over check can tell who answered."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        self.app = app
        self.header = (SERVED_BY.lower().encode(), name.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), self.header]}
            await send(message)

        await self.app(scope, receive, named)


def _safe_return_url(raw: str | None) -> str:
    """Only a local path may be a return URL: anything else would be an open redirect."""
    if raw and raw.startswith("/") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return "/"


async def _form(request: Request) -> dict[str, str]:
    # Parsed by hand: Starlette's form parser would need python-multipart for one simple form.
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[-1] for name, values in fields.items()}


def create_app(
    config: DnnServerConfig,
    state: SandboxState,
    signer: KeySigner,
    *,
    replay: ReplayProfile | None = None,
) -> ASGIApp:
    """Build the ASGI app of one DNN server; ``replay`` serves a capture's markup instead of
    the configured front end (:mod:`.replay`)."""
    sessions = Sessions(state)
    identity = config.identity
    holder: dict[str, AboutApi] = {}
    user_settings = UserSettings()
    services = PersonaBarServices(
        licensing_title=config.licensing_title, user_settings=user_settings
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The HTTP client belongs to this server's event loop, so it is made here.
        client = LicensingClient(config.licensing_url, state, identity)
        holder["api"] = AboutApi(
            state,
            signer,
            identity,
            client,
            title=config.licensing_title,
            request_key_url=f"{config.licensing_url}/activation/request",
        )
        try:
            yield
        finally:
            await client.aclose()

    def current(request: Request) -> tuple[Session | None, bool]:
        return sessions.lookup(request.cookies.get(config.cookie_name))

    front: ClassicFrontEnd | DnnFrontEnd | ReplayFrontEnd
    if replay is not None:
        front = ReplayFrontEnd(config, replay, current, user_settings)
    elif config.ui == "classic":
        front = ClassicFrontEnd(config, current)
    else:
        front = DnnFrontEnd(
            config,
            user_settings,
            PersonaBarFolder(config.persona_bar_dir) if config.persona_bar_dir else None,
        )

    def login_page(
        request: Request, *, message: str = "", username: str = "", module: str = ""
    ) -> Response:
        action = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        block = (
            '<div class="dnnFormMessage dnnFormValidationSummary" role="alert">'
            f'<span id="dnn_ctr_ctl01_lblMessage">{escape(message)}</span></div>'
            if message
            else ""
        )
        page = render(
            "login.html",
            raw={"message_block": block, "static": STATIC},
            action=action,
            username=username,
            return_url=_safe_return_url(request.query_params.get("returnurl")),
        )
        return HTMLResponse(_in_module(page, module))

    async def login_post(request: Request, module: str = "") -> Response:
        form = await _form(request)
        username = form.get(_in_module(USERNAME_FIELD, module), "").strip()
        if form.get("__EVENTTARGET") != _in_module(LOGIN_TARGET, module):
            return login_page(request, username=username, module=module)
        password = form.get(_in_module(PASSWORD_FIELD, module), "")
        account = next(
            (a for a in config.accounts if a.username.casefold() == username.casefold()), None
        )
        if account is None or not hmac.compare_digest(account.password.encode(), password.encode()):
            state.record("login_failed", server=identity.key, detail={"username": username})
            return login_page(
                request, message=messages.LOGIN_FAILED, username=username, module=module
            )
        state.record(
            "login",
            server=identity.key,
            detail={"username": account.username, "path": request.url.path},
        )
        target = _safe_return_url(request.query_params.get("returnurl"))
        response = RedirectResponse(target, status_code=302)
        remember = form.get(_in_module(REMEMBER_FIELD, module)) in ("on", "true", "1")
        response.set_cookie(
            config.cookie_name,
            sessions.create(account),
            max_age=REMEMBER_DAYS * 86400 if remember else None,
            httponly=True,
            samesite="lax",
        )
        return response

    async def login(request: Request) -> Response:
        if state.faults.custom_login is not None:
            # The site's login page moved (a custom login page): the standard one is gone.
            return HTMLResponse("<h1>404 Not Found</h1>", status_code=404)
        if request.method == "POST":
            return await login_post(request)
        return login_page(request)

    async def custom_login(request: Request, module: int) -> Response:
        if request.method == "POST":
            return await login_post(request, str(module))
        return login_page(request, module=str(module))

    async def home(request: Request) -> Response:
        if request.query_params.get("ctl", "").casefold() == "login":
            return await login(request)
        session, expired = current(request)
        if expired:
            custom = state.faults.custom_login
            to = login_url(request.url.path)
            if custom is not None:
                to = custom[0] + to.removeprefix("/Login")
            response: Response = RedirectResponse(to, status_code=302)
            response.delete_cookie(config.cookie_name)
            return response
        return front.site_page(request, session.account if session else None)

    async def logoff(request: Request) -> Response:
        sessions.end(request.cookies.get(config.cookie_name))
        response = RedirectResponse("/", status_code=302)
        response.delete_cookie(config.cookie_name)
        return response

    def api(action: str) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            session, _ = current(request)
            if session is None:
                return _session_ended()
            if not session.account.is_host:
                return JSONResponse(
                    {"message": "Only a superuser may manage licenses."}, status_code=403
                )
            method = getattr(holder["api"], action)
            response: Response = await method(request)
            return response

        return handler

    def bar_api(
        action: Callable[[Request, str], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            session, _ = current(request)
            if session is None:
                return _session_ended()
            return await action(request, session.account.username)

        return handler

    licensing_api = "/API/PersonaBar/Licensing"
    routes = [
        Route("/", home, methods=["GET", "POST"]),
        Route("/Login", login, methods=["GET", "POST"]),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/Logoff", logoff),
        Route(f"{licensing_api}/GetLicenses", api("get_licenses")),
        Route(f"{licensing_api}/AddLicense", api("add_license"), methods=["POST"]),
        Route(f"{licensing_api}/DeleteLicense", api("delete_license"), methods=["POST"]),
        Route(f"{licensing_api}/RenewLicense", api("renew_license"), methods=["POST"]),
        Route(f"{licensing_api}/ActivateManual", api("activate_manual"), methods=["POST"]),
        Route("/API/PersonaBar/Localization/GetTable", bar_api(services.get_table)),
        Route(
            "/API/PersonaBar/UserSettings/UpdateUserSettings",
            bar_api(services.update_user_settings),
            methods=["POST"],
        ),
        Route("/API/PersonaBar/ServerSummary/GetUpdateLink", bar_api(services.get_update_link)),
        Route("/API/PersonaBar/MenuExtensions/GetExtensions", bar_api(services.get_extensions)),
        # Before the front end's routes: a Persona Bar folder given at run time is served
        # whole, and the sandbox's own assets live below it.
        Mount(STATIC, app=StaticFiles(directory=static_dir())),
        *front.routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    api_paths = [route.path for route in routes if isinstance(route, Route)]
    inner = _CustomLogin(_CaseInsensitive(app, api_paths), state, custom_login)
    slow = _Slow(inner, state, static_document=config.ui == "dnn")
    return _ServedBy(slow, identity.name)


class _CustomLogin:
    """ASGI middleware for the ``custom-login=PATH:N`` fault: the login page at PATH, hosting
    the login module with id N. A fault, not a route, because it can be switched at run time."""

    def __init__(
        self,
        app: ASGIApp,
        state: SandboxState,
        page: Callable[[Request, int], Awaitable[Response]],
    ) -> None:
        self.app = app
        self.state = state
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        custom = self.state.faults.custom_login if scope["type"] == "http" else None
        if custom is not None and scope["path"].casefold() == custom[0].casefold():
            response = await self.page(Request(scope, receive), custom[1])
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _session_ended() -> Response:
    return JSONResponse({"message": "Your session has ended. Log in again."}, status_code=401)
