"""Who can log in to a sandbox DNN server, what the server knows about itself, and its sessions."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from starlette.requests import Request

from dnn_runbook.sandbox import messages
from dnn_runbook.sandbox.state import SandboxState, ServerIdentity

#: The sandbox's two front ends: DNN's components (the default) and the project's own markup.
UiName = Literal["dnn", "classic"]
UI_NAMES: tuple[UiName, ...] = ("dnn", "classic")


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
    ui: UiName = "dnn"
    #: A Persona Bar folder from a DNN install, served instead of the sandbox's shell.
    persona_bar_dir: Path | None = None

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
    started: float


class Sessions:
    """The server's sessions, keyed by the random token in the session cookie."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._sessions: dict[str, Session] = {}

    def create(self, account: Account) -> str:
        """Start a session for ``account``; return its token."""
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        self._sessions[token] = Session(account, last_seen=now, started=now)
        return token

    def end(self, token: str | None) -> None:
        """End the session ``token`` if there is one."""
        if token:
            self._sessions.pop(token, None)

    def lookup(self, token: str | None) -> tuple[Session | None, bool]:
        """Return ``(session, expired)``; an idle session ends after ``session-expiry``, and every
        session ends at :meth:`SandboxState.end_sessions`."""
        session = self._sessions.get(token or "")
        if session is None:
            return None, False
        expiry = self._state.faults.session_expiry
        now = time.monotonic()
        ended = session.started <= self._state.sessions_ended_at
        if ended or (expiry is not None and now - session.last_seen >= expiry):
            del self._sessions[token or ""]
            return None, True
        session.last_seen = now
        return session, False


#: A session as a request finds it: ``(session, expired)``.
SessionLookup = Callable[[Request], tuple[Session | None, bool]]


def accounts_for(passwords: Mapping[str, str]) -> tuple[Account, ...]:
    """The two accounts of every sandbox server: the host (superuser) and a non-host admin."""
    return (
        Account("host", passwords["host"], "Host Account", is_host=True),
        Account("admin", passwords["admin"], "Site Administrator", is_host=False),
    )
