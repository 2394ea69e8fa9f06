"""Where a DNN server serves what: the addresses the sandbox shares with real DNN sites."""

from __future__ import annotations

from urllib.parse import quote

#: DNN's Persona Bar folder (``DesktopModules/admin/Dnn.PersonaBar``): its document, scripts,
#: styles and the modules of its panels.
PERSONA_BAR = "/DesktopModules/admin/Dnn.PersonaBar"
#: The sandbox's own assets: the site's skin and the classic front end's scripts.
STATIC = f"{PERSONA_BAR}/static"
#: The Persona Bar's cache-busting build number (``?cdv=``), as an Evoq 9.1 build has one.
BUILD_NUMBER = 207
#: The page's id, which the Persona Bar sends as the ``TabId`` header of its API calls.
TAB_ID = 21


def login_url(return_url: str = "/") -> str:
    """The login page that brings the browser back to ``return_url`` afterwards."""
    return f"/Login?returnurl={quote(return_url, safe='')}"
