"""The classic front end (``--ui classic``): the project's own hand-made markup.

The site page and the Persona Bar document are rendered on the server (``templates/``) and
driven by plain scripts (``static/personabar.js``, ``static/licensing.js``): native
``<select>`` lists, labels bound to their inputs, a ``<table>``. It is kept beside the default
front end, which is built from DNN's own components, so that the page objects are shown to
work on both kinds of markup.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from dnn_runbook.sandbox import messages
from dnn_runbook.sandbox.catalogue import LicenseType
from dnn_runbook.sandbox.markup import render
from dnn_runbook.sandbox.paths import BUILD_NUMBER, PERSONA_BAR, STATIC, login_url
from dnn_runbook.sandbox.personabar import EDIT, MENU, menu_structure, render_menu

if TYPE_CHECKING:
    from dnn_runbook.sandbox.accounts import Account, DnnServerConfig, SessionLookup


def _json(value: object) -> str:
    # The closing-tag escape keeps a "</script>" in a value inert.
    return json.dumps(value).replace("</", "<\\/")


def anonymous_block() -> str:
    """The site header's login link."""
    return '<a class="login-link" href="/Login?returnurl=%2f">Login</a>'


def user_block(account: Account) -> str:
    """The site header's user name and logout link."""
    return (
        f'<span class="user-name">{escape(account.display_name)}</span> '
        '<a class="logoff-link" href="/Logoff">Logout</a>'
    )


class ClassicFrontEnd:
    """The classic site page and Persona Bar document of one DNN server."""

    def __init__(self, config: DnnServerConfig, current: SessionLookup) -> None:
        self.config = config
        self.current = current

    def site_page(self, request: Request, account: Account | None) -> Response:
        """The home page, with the Persona Bar for an administrator."""
        if account is None:
            raw = {"static": STATIC, "settings": "null", "user_block": anonymous_block()}
        else:
            settings = {
                "isHost": account.is_host,
                "isAdmin": True,
                "userId": 1 if account.is_host else 2,
                "buildNumber": str(BUILD_NUMBER),
                "personaBarUrl": f"{PERSONA_BAR}/index.html?cdv={BUILD_NUMBER}",
                "menuStructure": menu_structure(
                    is_host=account.is_host, licensing_label=self.config.licensing_title
                ),
                "evoqVersion": self.config.evoq_version,
            }
            raw = {"static": STATIC, "settings": _json(settings), "user_block": user_block(account)}
        return HTMLResponse(render("home.html", raw=raw, server_name=self.config.identity.name))

    async def personabar_document(self, request: Request) -> Response:
        """The Persona Bar document, its menu drawn on the server."""
        session, _ = self.current(request)
        if session is None:
            return HTMLResponse(render("session_ended.html", login_url=login_url()))
        is_host = session.account.is_host
        title = self.config.licensing_title
        bar_settings = {
            "api": "/API/PersonaBar/Licensing/",
            "loginUrl": login_url(),
            "licensingTitle": title,
            "serverName": self.config.identity.name,
            "requestKeyUrl": f"{self.config.licensing_url}/activation/request",
            "licenseTypes": [str(kind) for kind in LicenseType],
            "messages": {
                "emptyState": messages.EMPTY_STATE,
                "emptyStateHint": messages.EMPTY_STATE_HINT,
                "cannotReach": messages.CANNOT_REACH_ON_LOAD,
                "confirmDelete": messages.CONFIRM_DELETE,
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
                    "settings": _json(bar_settings),
                },
                build=BUILD_NUMBER,
            )
        )

    def routes(self) -> list[BaseRoute]:
        """The Persona Bar document's route (its assets are under ``STATIC``)."""
        return [Route(f"{PERSONA_BAR}/index.html", self.personabar_document)]
