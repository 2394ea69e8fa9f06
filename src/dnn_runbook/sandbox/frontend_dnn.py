"""The default front end: a Persona Bar shell and an About panel built from DNN's components.

What a real Evoq site serves, and where:

=====================================================  =====================================
``/``                                                   the site page with DNN's
                                                        ``PersonaBarContainer``: the settings
                                                        (``window.personaBarSettings``), the
                                                        page's ``dnn`` variables and the
                                                        anti-forgery token, and the iframe
``/DesktopModules/admin/Dnn.PersonaBar/index.html``     the shell's document, a static file
                                                        (served whether or not the session
                                                        lives, as on IIS)
``…/css/``, ``…/scripts/``, ``…/images/``               the shell's assets
``…/modules/<folder>/<path>.html``, ``scripts/``,       a panel's module; About is
``css/``                                                ``modules/Dnn.Licensing/Licensing.*``
=====================================================  =====================================

The shell and the About panel are bundled from ``frontend/`` (``make frontend``); see the
README's "Sandbox" section for which parts are DNN's code and which are the project's. Given a
DNN install's Persona Bar folder (:mod:`.persona_bar_folder`), every file under
``/DesktopModules/admin/Dnn.PersonaBar/`` comes from it instead, but the About panel's module.
"""

from __future__ import annotations

import json
import secrets
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from dnn_runbook.sandbox.frontend_classic import anonymous_block, user_block
from dnn_runbook.sandbox.markup import render
from dnn_runbook.sandbox.paths import BUILD_NUMBER, PERSONA_BAR, STATIC, TAB_ID
from dnn_runbook.sandbox.personabar import display_name, menu_structure

if TYPE_CHECKING:
    from dnn_runbook.sandbox.accounts import Account, DnnServerConfig
    from dnn_runbook.sandbox.persona_bar_folder import PersonaBarFolder
    from dnn_runbook.sandbox.personabar_services import UserSettings

#: The About panel's module folder, the only module the sandbox builds.
LICENSING_FOLDER = "Dnn.Licensing"

_STUB_MODULE = """'use strict';
define(['jquery'], function ($) {
    return {
        init: function (wrapper, util, params, callback) { if (callback) { callback(); } },
        load: function (params, callback) { if (callback) { callback(); } }
    };
});
"""


def _root() -> Path:
    return Path(str(files("dnn_runbook.sandbox").joinpath("static", "dnn")))


def _json(value: object) -> str:
    # The closing-tag escape keeps a "</script>" in a value inert.
    return json.dumps(value).replace("</", "<\\/")


class DnnFrontEnd:
    """The site page and the Persona Bar files of one DNN server."""

    def __init__(
        self,
        config: DnnServerConfig,
        user_settings: UserSettings,
        persona_bar: PersonaBarFolder | None = None,
    ) -> None:
        self.config = config
        self.user_settings = user_settings
        self.root = _root()
        #: DNN's own Persona Bar folder, served instead of the sandbox's shell when given.
        self.persona_bar = persona_bar

    def site_page(self, request: Request, account: Account | None) -> Response:
        """The home page; an administrator's carries the Persona Bar."""
        container = ""
        user = anonymous_block()
        if account is not None:
            user = user_block(account)
            container = render(
                "personabar_container.html",
                raw={"settings": _json(self.settings(account))},
                persona_bar_url=f"{PERSONA_BAR}/index.html",
                build=BUILD_NUMBER,
            )
        return HTMLResponse(
            render(
                "home_dnn.html",
                raw={"static": STATIC, "user_block": user, "container": container},
                server_name=self.config.identity.name,
                tab_id=TAB_ID,
                token=secrets.token_urlsafe(24),
            )
        )

    def settings(self, account: Account) -> dict[str, object]:
        """``window.personaBarSettings``, with the keys DNN's ``PersonaBarContainer`` writes."""
        return {
            "applicationPath": "",
            "buildNumber": str(BUILD_NUMBER),
            "userId": 1 if account.is_host else 2,
            "avatarUrl": "",
            "culture": "en-US",
            "logOff": "/Logoff",
            "visible": True,
            "userMode": "View",
            "userSettings": self.user_settings.get(account.username),
            "menuStructure": menu_structure(
                is_host=account.is_host, licensing_label=self.config.licensing_title
            ),
            "sku": "Evoq",
            "debugMode": False,
            "portalId": 0,
            "isAdmin": True,
            "isHost": account.is_host,
            "customModules": [],
        }

    async def document(self, request: Request) -> Response:
        """The shell's document: a static file, whether or not the session lives."""
        return FileResponse(self.root / "personabar" / "index.html")

    async def module_file(self, request: Request) -> Response:
        """A file of a panel's module; panels other than About get a placeholder page."""
        return self._module(str(request.path_params["folder"]), str(request.path_params["rest"]))

    def _module(self, folder: str, rest: str) -> Response:
        if folder.casefold() == LICENSING_FOLDER.casefold():
            base = (self.root / "modules" / LICENSING_FOLDER).resolve()
            target = (base / rest).resolve()
            if target.is_relative_to(base) and target.is_file():
                return FileResponse(target)
            return _not_found()
        if self.persona_bar is not None:
            found = self.persona_bar.find(f"modules/{folder}/{rest}")
            if found is not None:
                return FileResponse(found)
        return self._placeholder(rest)

    async def folder_file(self, request: Request) -> Response:
        """A file of the Persona Bar folder given at run time (``persona_bar_dir``); the
        modules' files as :meth:`module_file` serves them, the About panel's the sandbox's."""
        rest = str(request.path_params["rest"])
        folder, _, inside = rest.partition("/")
        module, _, module_rest = inside.partition("/")
        if folder.casefold() == "modules" and module and module_rest:
            return self._module(module, module_rest)
        found = self.persona_bar.find(rest) if self.persona_bar is not None else None
        return FileResponse(found) if found is not None else _not_found()

    def _placeholder(self, rest: str) -> Response:
        name = rest.rsplit("/", 1)[-1]
        path, _, suffix = name.rpartition(".")
        if rest.startswith("scripts/") and suffix == "js":
            return Response(_STUB_MODULE, media_type="application/javascript")
        if rest.startswith("css/") and suffix == "css":
            return Response("", media_type="text/css")
        label = display_name(path, licensing_label=self.config.licensing_title)
        if "/" in rest or suffix != "html" or label is None:
            return _not_found()
        return HTMLResponse(
            '<div class="dnn-persona-bar-page show"><div class="dnn-persona-bar-page-header">'
            f'<span class="title"><h3>{escape(label)}</h3></span></div>'
            '<div class="dnn-persona-bar-page-body"><p class="stub-text">'
            "This page is not part of the sandbox.</p></div></div>"
        )

    def routes(self) -> list[BaseRoute]:
        """The shell's document and assets, and the modules' files."""
        if self.persona_bar is not None:
            return [Route(f"{PERSONA_BAR}/{{rest:path}}", self.folder_file)]
        shell = self.root / "personabar"
        return [
            Route(f"{PERSONA_BAR}/index.html", self.document),
            Route(f"{PERSONA_BAR}/modules/{{folder}}/{{rest:path}}", self.module_file),
            Route(f"{PERSONA_BAR}/Modules/{{folder}}/{{rest:path}}", self.module_file),
            *(
                Mount(f"{PERSONA_BAR}/{part}", app=StaticFiles(directory=shell / part))
                for part in ("css", "scripts", "images")
            ),
        ]


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404)
