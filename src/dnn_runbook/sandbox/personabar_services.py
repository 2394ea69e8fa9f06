"""The Persona Bar's own services, which the shell calls whatever panel is open.

====================================================  =========================================
``GET  /API/PersonaBar/Localization/GetTable``         the resource strings; the menu waits for
                                                       them (:mod:`.resources`)
``POST /API/PersonaBar/UserSettings/UpdateUserSettings``  the open panel, remembered per user on
                                                       the server and published again in the
                                                       next page's ``personaBarSettings``
``GET  /API/PersonaBar/ServerSummary/GetUpdateLink``   no update to announce
``GET  /API/PersonaBar/MenuExtensions/GetExtensions``  no extension in any menu
====================================================  =========================================
"""

from __future__ import annotations

import json
import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dnn_runbook.sandbox import resources

#: What a user's settings hold, with the type each must have; other keys are ignored.
_SETTING_TYPES: dict[str, tuple[type, ...]] = {
    "expandPersonaBar": (bool,),
    "activeIdentifier": (str, type(None)),
    "activePath": (str, type(None)),
}


class UserSettings:
    """Each user's Persona Bar settings on one DNN server (which panel was left open)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_user: dict[str, dict[str, Any]] = {}

    def get(self, username: str) -> dict[str, Any]:
        """The settings of ``username``: ``{"expandPersonaBar": False}`` until saved once."""
        with self._lock:
            return dict(self._by_user.get(username.casefold(), {"expandPersonaBar": False}))

    def update(self, username: str, values: dict[str, Any]) -> dict[str, Any]:
        """Merge the known, well-typed ``values`` into the settings of ``username``."""
        with self._lock:
            current = self._by_user.setdefault(username.casefold(), {"expandPersonaBar": False})
            for key, kinds in _SETTING_TYPES.items():
                if key in values and isinstance(values[key], kinds):
                    current[key] = values[key]
            return dict(current)


class PersonaBarServices:
    """The handlers of the Persona Bar's own API for one DNN server."""

    def __init__(self, *, licensing_title: str, user_settings: UserSettings) -> None:
        self.licensing_title = licensing_title
        self.user_settings = user_settings

    async def get_table(self, request: Request, username: str) -> Response:
        """The resource tables (the ``culture`` asked for is answered in English)."""
        return JSONResponse(resources.table(self.licensing_title))

    async def update_user_settings(self, request: Request, username: str) -> Response:
        """Remember what the user left open; answer the settings now stored."""
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            return JSONResponse({"message": "The settings are not JSON."}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"message": "The settings must be an object."}, status_code=400)
        return JSONResponse(self.user_settings.update(username, body))

    async def get_update_link(self, request: Request, username: str) -> Response:
        """No update is announced in the sandbox."""
        return JSONResponse({"Url": "", "Type": 0})

    async def get_extensions(self, request: Request, username: str) -> Response:
        """No menu has extensions in the sandbox."""
        return JSONResponse([])
