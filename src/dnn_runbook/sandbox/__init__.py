"""A simulated pair of DNN Evoq servers and the DNN licensing service, on 127.0.0.1.

::

    from dnn_runbook.sandbox import Sandbox

    with Sandbox.start(faults=["licensing-down:old"]) as sb:
        sb.old.url, sb.new.url, sb.licensing.url  # "http://127.0.0.1:PORT"
        sb.old.username, sb.old.password  # the host (superuser); fresh password each start
        sb.env()  # DNN_OLD_URL ... DNN_LICENSING_URL, as `dnn-runbook sandbox --env-file` writes
        sb.set_faults(["licensing-slow=2"])
        sb.state()  # licenses, activations and the timestamped history

At start the old server holds an active Production license for the account's production
invoice (``sb.license_invoice``) and the new server holds none. Modules:

- :mod:`.faults` the fault specs; :mod:`.catalogue` invoices and license types;
  :mod:`.state` the shared truth and its history; :mod:`.keys` Server IDs and activation keys;
- :mod:`.licensing` the licensing service; :mod:`.dnn_server` a DNN server (login, site page,
  Persona Bar); :mod:`.about_api` its About panel API; :mod:`.personabar` the menu;
  :mod:`.messages` the page's texts; :mod:`.markup`, ``templates/`` and ``static/`` the pages;
- :mod:`.server` uvicorn in a thread.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import Any

import httpx

from dnn_runbook.exceptions import SandboxError
from dnn_runbook.sandbox import dnn_server, licensing
from dnn_runbook.sandbox.catalogue import (
    ACCOUNT_EMAIL,
    PRODUCTION_INVOICE,
    LicenseType,
    seed_invoices,
    standard_invoices,
)
from dnn_runbook.sandbox.faults import KNOWN_SPECS, Faults, parse_runtime
from dnn_runbook.sandbox.keys import KeySigner, server_id_for
from dnn_runbook.sandbox.server import ServerThread, bind
from dnn_runbook.sandbox.state import SandboxState, ServerIdentity

__all__ = [
    "KNOWN_SPECS",
    "Faults",
    "LicenseType",
    "LicensingInfo",
    "Sandbox",
    "ServerInfo",
]

SERVER_NAMES = {"old": "WEB-OLD", "new": "WEB-NEW"}
PORT_KEYS = ("old", "new", "licensing")
MAX_SEED_LICENSES = 10_000


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """How to reach and log in to one sandbox DNN server. Passwords stay out of ``repr``."""

    key: str
    url: str
    server_name: str
    server_id: str
    username: str
    password: str = field(repr=False)
    admin_username: str
    admin_password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class LicensingInfo:
    """How to reach the sandbox's licensing service."""

    url: str

    @property
    def request_url(self) -> str:
        """The manual-activation request page ("Request an activation key")."""
        return f"{self.url}/activation/request"


def _password() -> str:
    return secrets.token_urlsafe(12)


def _spaced(text: str) -> bool:
    return any(ch.isspace() for ch in text)


def _known_values(
    host_password: str | Mapping[str, str] | None,
    license_email: str | None,
    license_invoice: str | None,
    seed_licenses: int,
) -> tuple[str, str, dict[str, str]]:
    """Check ``Sandbox.start``'s chosen secrets; return the email, invoice and passwords."""
    if isinstance(host_password, str):
        passwords = dict.fromkeys(SERVER_NAMES, host_password)
    else:
        passwords = dict(host_password or {})
    unknown = sorted(set(passwords) - set(SERVER_NAMES))
    if unknown:
        raise SandboxError(
            f"host_password may name the servers 'old' and 'new', got {', '.join(map(repr, unknown))}."
        )
    if any(not value for value in passwords.values()):
        raise SandboxError("host_password must not be empty (got an empty password).")
    email = ACCOUNT_EMAIL if license_email is None else license_email
    if not email or _spaced(email) or "@" not in email:
        raise SandboxError(
            f"license_email must be an address with an @ and no white space (got one of "
            f"{len(email)} characters)."
        )
    invoice = PRODUCTION_INVOICE if license_invoice is None else license_invoice
    taken = set(standard_invoices(date.today())) | {
        item.number for item in seed_invoices(seed_licenses, date.today())
    }
    taken.discard(PRODUCTION_INVOICE)
    if not invoice or invoice != invoice.upper() or _spaced(invoice):
        raise SandboxError(
            "license_invoice must be a non-empty, upper-case invoice number without white space "
            f"(got one of {len(invoice)} characters that is not)."
        )
    if invoice in taken:
        raise SandboxError(
            "license_invoice must not be another invoice of the catalogue (INV002-1 to "
            "INV007-1, or a seeded INV1000-1 and up), but it is one; choose another number."
        )
    return email, invoice, passwords


class Sandbox:
    """A running sandbox; make one with :meth:`start`, end it with :meth:`stop` (or ``with``)."""

    def __init__(
        self,
        *,
        old: ServerInfo,
        new: ServerInfo,
        licensing: LicensingInfo,
        state: SandboxState,
        threads: list[ServerThread],
        evoq_version: str,
        license_email: str = ACCOUNT_EMAIL,
        license_invoice: str = PRODUCTION_INVOICE,
    ) -> None:
        self.old = old
        self.new = new
        self.licensing = licensing
        self.evoq_version = evoq_version
        self.license_email = license_email
        self.license_invoice = license_invoice
        self._state = state
        self._threads = threads

    def __repr__(self) -> str:
        return (
            f"<Sandbox old={self.old.url} new={self.new.url} licensing={self.licensing.url} "
            f"running={self.running}>"
        )

    @classmethod
    def start(
        cls,
        *,
        faults: Iterable[str] = (),
        evoq_version: str = "9.1",
        seed_licenses: int = 0,
        ports: Mapping[str, int | None] | None = None,
        host_password: str | Mapping[str, str] | None = None,
        license_email: str | None = None,
        license_invoice: str | None = None,
    ) -> Sandbox:
        """Start the three services on 127.0.0.1 and return once all of them answer.

        Args:
            faults: fault specs in force from the start (see :mod:`.faults`).
            evoq_version: ``"9.1"`` (title "About") or ``"9.0"`` (title "Licensing").
            seed_licenses: extra licenses of varied types to put on the old server.
            ports: ``{"old": N, "new": N, "licensing": N}``; a missing or ``None`` port is
                chosen free.
            host_password: the host account's password on both servers, or per server
                (``{"old": ..., "new": ...}``); by default a fresh random one each start.
            license_email: the account email of every invoice (default
                ``licensing@example.com``).
            license_invoice: the production invoice number (default ``INV001-1``); upper
                case, and not one of the catalogue's other numbers.

        Known, distinctive values let a test look for them in every artifact of a run.

        Raises:
            FaultSpecError: a fault spec is unknown.
            SandboxError: an argument is invalid, or a port is taken.
        """
        parsed = Faults.parse(list(faults))
        if not re.fullmatch(r"\d+\.\d+", evoq_version):
            raise SandboxError(
                f"evoq_version must look like '9.1' (major.minor), got {evoq_version!r}."
            )
        if not 0 <= seed_licenses <= MAX_SEED_LICENSES:
            raise SandboxError(
                f"seed_licenses must be between 0 and {MAX_SEED_LICENSES}, got {seed_licenses}."
            )
        email, invoice, host_passwords = _known_values(
            host_password, license_email, license_invoice, seed_licenses
        )
        wanted = dict(ports or {})
        unknown = sorted(set(wanted) - set(PORT_KEYS))
        if unknown:
            raise SandboxError(
                f"ports may name {', '.join(PORT_KEYS)}, got {', '.join(map(repr, unknown))}."
            )
        sockets = []
        try:
            for key, what in (
                ("old", "old DNN server"),
                ("new", "new DNN server"),
                ("licensing", "licensing service"),
            ):
                sockets.append(bind(wanted.get(key), what=what, option=f"--port-{key}"))
        except SandboxError:
            for sock in sockets:
                sock.close()
            raise
        old_sock, new_sock, licensing_sock = sockets
        urls = {
            key: f"http://127.0.0.1:{sock.getsockname()[1]}"
            for key, sock in zip(PORT_KEYS, sockets, strict=True)
        }
        identities = [
            ServerIdentity(key, name, server_id_for(name)) for key, name in SERVER_NAMES.items()
        ]
        state = SandboxState(
            identities,
            faults=parsed,
            seed_licenses=seed_licenses,
            email=email,
            production_invoice=invoice,
        )
        signer = KeySigner()
        infos = {}
        threads = [
            ServerThread(
                licensing.create_app(state, signer, urls={k: urls[k] for k in SERVER_NAMES}),
                licensing_sock,
                name="licensing",
            )
        ]
        for identity, sock in zip(identities, (old_sock, new_sock), strict=True):
            passwords = {
                "host": host_passwords.get(identity.key) or _password(),
                "admin": _password(),
            }
            config = dnn_server.DnnServerConfig(
                identity=identity,
                url=urls[identity.key],
                licensing_url=urls["licensing"],
                accounts=dnn_server.accounts_for(passwords),
                evoq_version=evoq_version,
            )
            threads.append(
                ServerThread(dnn_server.create_app(config, state, signer), sock, name=identity.key)
            )
            infos[identity.key] = ServerInfo(
                key=identity.key,
                url=urls[identity.key],
                server_name=identity.name,
                server_id=identity.server_id,
                username="host",
                password=passwords["host"],
                admin_username="admin",
                admin_password=passwords["admin"],
            )
        sandbox = cls(
            old=infos["old"],
            new=infos["new"],
            licensing=LicensingInfo(urls["licensing"]),
            state=state,
            threads=threads,
            evoq_version=evoq_version,
            license_email=email,
            license_invoice=invoice,
        )
        try:
            for thread in threads:
                thread.start()
            sandbox._check_answering()
        except BaseException:
            sandbox.stop()
            raise
        return sandbox

    def _check_answering(self) -> None:
        # Paths that no fault slows down or fails, so a sandbox started with faults starts fast.
        with httpx.Client(trust_env=False, timeout=10) as client:
            for url in (
                f"{self.licensing.url}/_sandbox/state",
                f"{self.old.url}{dnn_server.STATIC}/site.css",
                f"{self.new.url}{dnn_server.STATIC}/site.css",
            ):
                try:
                    client.get(url).raise_for_status()
                except httpx.HTTPError as exc:
                    raise SandboxError(
                        f"The sandbox started but {url} did not answer: {exc}."
                    ) from exc

    # -- running -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether all three services are still running."""
        return bool(self._threads) and all(thread.alive for thread in self._threads)

    def stop(self) -> None:
        """Stop all three services and release their ports; safe to call twice."""
        for thread in self._threads:
            thread.request_stop()
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what tests and rehearsals use --------------------------------------------------------

    def server(self, key: str) -> ServerInfo:
        """``old`` or ``new``."""
        if key not in SERVER_NAMES:
            raise SandboxError(f"The sandbox's servers are 'old' and 'new', got {key!r}.")
        return self.old if key == "old" else self.new

    def env(self) -> dict[str, str]:
        """The ``KEY=value`` pairs a runbook reads (issue 3's list), secrets included."""
        return {
            "DNN_OLD_URL": self.old.url,
            "DNN_NEW_URL": self.new.url,
            "DNN_OLD_USERNAME": self.old.username,
            "DNN_OLD_PASSWORD": self.old.password,
            "DNN_NEW_USERNAME": self.new.username,
            "DNN_NEW_PASSWORD": self.new.password,
            "DNN_LICENSE_EMAIL": self.license_email,
            "DNN_LICENSE_INVOICE": self.license_invoice,
            "DNN_LICENSING_URL": self.licensing.url,
        }

    @property
    def faults(self) -> Faults:
        """The faults in force now."""
        return self._state.faults

    def set_faults(self, specs: Iterable[str]) -> None:
        """Replace the faults in force; the same as ``POST <licensing>/_sandbox/faults``.

        Raises:
            FaultSpecError: a spec is unknown, or is ``old-unlicensed`` (a start-only fault).
        """
        self._state.set_faults(parse_runtime(list(specs)))

    def clear_faults(self) -> None:
        """Switch every fault off; the same as ``DELETE <licensing>/_sandbox/faults``."""
        self._state.set_faults(Faults())

    def reset(self) -> None:
        """Back to the starting state (licenses, activations, start faults, a new history).

        Sessions and passwords stay, so logged-in browsers stay logged in. The same as
        ``POST <licensing>/_sandbox/reset``.
        """
        self._state.reset()

    def state(self) -> dict[str, Any]:
        """The truth as JSON; the same as ``GET <licensing>/_sandbox/state``."""
        return self._state.snapshot({"old": self.old.url, "new": self.new.url})
