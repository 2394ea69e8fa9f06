"""``--replay CAPTURE``: a real site's markup, from a capture file, with the sandbox behind it.

A capture (``dnn_runbook.captures``) holds static HTML: the Persona Bar's document as it was
with its Settings menu shown, and the About panel in each state the tool met (the list, the
Add License form, the Manual Activation page), each marked where the page objects found each
control. This front end gives that markup behaviour again, so that the page objects can be
run against a site the project has never seen:

- the server serves the captured Persona Bar document (its scripts were never captured; the
  captured stylesheets are put back inline) with ``static/replay.js`` and the panel states as
  data, and the sandbox's login page, site page, About API and licensing service, as always;
- ``replay.js``, one small generic script, shows a hover menu while its item is hovered
  (DNN's ``<id>hovermenu``), opens the panel from the menu item whose ``data-path`` was the
  panel's, and draws each panel state from its captured markup: the license rows are the
  captured row, cloned for each license the sandbox holds now with each marked cell's text
  replaced, the empty state or the licensing notice are the captured ones, the Web Server and
  the Server ID are this server's; each marked control gets the sandbox's action (Add
  License's fields and buttons, the trash can, ``[ renew ]``, Manual Activation's key), with
  the Persona Bar's own dialogs (DNN's ``#notification-dialog`` and ``#confirmation-dialog``).

What a replay cannot be: the real site's scripts (its animations, timing, the requests it
makes) are not run, only stood in for; a drop-down's options are drawn by the replay (a
captured closed DNN drop-down holds none); a control the page objects did not find when the
capture was made carries no mark and so does nothing until it is marked by hand (``MARK`` and
friends in ``dnn_runbook.captures``); and every response must be served under a strict
Content-Security-Policy, so no captured script or handler could ever run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from dnn_runbook.captures import PANEL_STATES, Capture
from dnn_runbook.exceptions import ReplayError
from dnn_runbook.sandbox import messages
from dnn_runbook.sandbox.frontend_classic import anonymous_block, user_block
from dnn_runbook.sandbox.markup import render
from dnn_runbook.sandbox.paths import BUILD_NUMBER, PERSONA_BAR, STATIC, login_url

if TYPE_CHECKING:
    from dnn_runbook.sandbox.accounts import Account, DnnServerConfig, SessionLookup
    from dnn_runbook.sandbox.personabar_services import UserSettings

__all__ = ["CSP", "ReplayFrontEnd", "ReplayProfile"]

#: No captured markup may run code or load from elsewhere: only the replay's own script runs.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'self'"
)
#: The About panel's id and its menu item's path (``docs/dnn-ui.md`` section 4).
PANEL_ID = "Licensing-panel"
PANEL_PATH = "Licensing"

# Belt and braces: a capture is a file from elsewhere; no script or handler is served again.
_SCRIPTS = re.compile(r"<script\b.*?</script\s*>|<script\b[^>]*>", re.IGNORECASE | re.DOTALL)
_HANDLERS = re.compile(r"\son[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)


def _inert(html: str) -> str:
    return _HANDLERS.sub("", _SCRIPTS.sub("", html))


def _css(text: str) -> str:
    # A stylesheet cannot end its <style> element early.
    return text.replace("</", "<\\/")


def _json(value: object) -> str:
    # The closing-tag escape keeps a "</script>" in a value inert.
    return json.dumps(value).replace("</", "<\\/")


@dataclass(frozen=True, slots=True)
class ReplayProfile:
    """What a replay serves, taken from a capture: the bar's document, its CSS, and the About
    panel's captured states (every server's, since one may have had licenses and another none)."""

    source: str
    document: str
    styles: tuple[str, ...]
    #: The captured panel HTML of each state, every server's, in the capture's order.
    states: dict[str, list[str]]
    panel_parent: str | None

    @classmethod
    def load(cls, path: Path) -> ReplayProfile:
        """Read ``path`` and pick what a replay needs.

        Raises:
            ReplayError: the file cannot be read, is not a capture, or lacks the Persona Bar's
                document or the About panel's list.
        """
        try:
            capture = Capture.loads(path.read_text(encoding="utf-8"), where=str(path))
        except OSError as exc:
            raise ReplayError(
                f"The capture {path} cannot be read ({exc.strerror or exc})."
            ) from exc
        except ValueError as exc:
            raise ReplayError(str(exc)) from exc
        menus = [(s, shot) for s in capture.servers if (shot := s.snapshot("menu")) is not None]
        if not menus:
            raise ReplayError(
                f"The capture {path} holds no Persona Bar document (a 'menu' snapshot), so it "
                "cannot be replayed: make it again with --capture."
            )
        server, menu = menus[0]
        states: dict[str, list[str]] = {state: [] for state in PANEL_STATES}
        parent = None
        for captured in capture.servers:
            for shot in captured.snapshots:
                if shot.name in states:
                    states[shot.name].append(_inert(shot.html))
                    parent = parent or shot.parent_id
        if not states["about"]:
            raise ReplayError(
                f"The capture {path} holds no About panel (an 'about' snapshot), so it cannot "
                "be replayed: make it again with --capture."
            )
        return cls(str(path), _inert(menu.html), server.styles, states, parent)


class ReplayFrontEnd:
    """The site page and the Persona Bar document of one DNN server, from a capture."""

    def __init__(
        self,
        config: DnnServerConfig,
        profile: ReplayProfile,
        current: SessionLookup,
        user_settings: UserSettings,
    ) -> None:
        self.config = config
        self.profile = profile
        self.current = current
        self.user_settings = user_settings

    def site_page(self, request: Request, account: Account | None) -> Response:
        """The home page; an administrator's carries the Persona Bar's iframe, full size."""
        container = ""
        user = anonymous_block()
        if account is not None:
            user = user_block(account)
            # Full size from the start: the replay does not resize it as DNN's shell does.
            container = (
                f'<iframe id="personaBar-iframe" title="Persona Bar" src="{PERSONA_BAR}/index.html'
                f'?cdv={BUILD_NUMBER}" style="position: fixed; inset: 0; width: 100%; '
                'height: 100%; border: 0; background: transparent"></iframe>'
            )
        return HTMLResponse(
            render(
                "replay_site.html",
                raw={"static": STATIC, "user_block": user, "container": container},
                server_name=self.config.identity.name,
            ),
            headers={"Content-Security-Policy": CSP},
        )

    async def document(self, request: Request) -> Response:
        """The captured Persona Bar document, with the replay's script and data."""
        session, _ = self.current(request)
        if session is None:
            return HTMLResponse(render("session_ended.html", login_url=login_url()))
        account = session.account
        data = {
            "panelId": PANEL_ID,
            "panelPath": PANEL_PATH,
            "panelParent": self.profile.panel_parent,
            "states": self.profile.states,
            "isHost": account.is_host,
            "userSettings": self.user_settings.get(account.username),
            "api": "/API/PersonaBar/",
            "loginUrl": login_url(),
            "messages": {
                "emptyState": messages.EMPTY_STATE,
                "emptyStateHint": messages.EMPTY_STATE_HINT,
                "cannotReach": messages.CANNOT_REACH_ON_LOAD,
                "confirmDelete": messages.CONFIRM_DELETE,
                "unknown": messages.UNKNOWN,
            },
        }
        styles = "".join(f"<style>{_css(css)}</style>" for css in self.profile.styles)
        tail = (
            f'<script type="application/json" id="dnn-runbook-replay">{_json(data)}</script>'
            f'<script src="{STATIC}/replay.js?cdv={BUILD_NUMBER}"></script>'
        )
        html = _insert(self.profile.document, "</head>", styles)
        html = _insert(html, "</body>", tail)
        return HTMLResponse(html, headers={"Content-Security-Policy": CSP})

    def routes(self) -> list[BaseRoute]:
        """The Persona Bar document's route (the replay's script is under ``STATIC``)."""
        return [Route(f"{PERSONA_BAR}/index.html", self.document)]


def _insert(html: str, before: str, text: str) -> str:
    """``text`` inserted before the last ``before`` tag (at the end when there is none)."""
    at = html.lower().rfind(before)
    return html + text if at < 0 else html[:at] + text + html[at:]


def describe(profile: ReplayProfile) -> str:
    """One line for the sandbox's banner: which capture, and which panel states it holds."""
    held = ", ".join(f"{name} ({len(found)})" for name, found in profile.states.items() if found)
    return f"replaying {profile.source} (About panel states: {held})"
