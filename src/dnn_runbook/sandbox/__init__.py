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
  :mod:`.state` the shared truth and its history (:mod:`.records` its records);
  :mod:`.outside` changes behind a run's back; :mod:`.keys` Server IDs and activation keys;
- :mod:`.licensing` the licensing service; :mod:`.dnn_server` a DNN server (login, site page,
  Persona Bar) with :mod:`.accounts` its users and sessions; :mod:`.about_api` its About
  panel's API; :mod:`.personabar` the menu and :mod:`.personabar_services` the bar's own API;
  :mod:`.messages` and :mod:`.resources` the page's texts;
- the two front ends: :mod:`.frontend_dnn` (the default: a Persona Bar shell and an About
  panel built from DNN's React components, bundled from ``frontend/`` into ``static/dnn/``)
  and :mod:`.frontend_classic` (hand-made markup, ``templates/`` and ``static/``);
  :mod:`.persona_bar_folder` a DNN install's own Persona Bar folder served instead of the
  default front end's shell (``persona_bar_dir``); :mod:`.replay` a capture's markup with the
  sandbox's behaviour behind it (``replay``);
- :mod:`.server` uvicorn in a thread.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from dnn_runbook.exceptions import ReplayError, SandboxError
from dnn_runbook.sandbox import dnn_server, licensing, outside
from dnn_runbook.sandbox._start import (
    SERVER_NAMES,
    bind_ports,
    check_answering,
    known_values,
    password,
)
from dnn_runbook.sandbox.accounts import UI_NAMES, DnnServerConfig, accounts_for
from dnn_runbook.sandbox.catalogue import (
    ACCOUNT_EMAIL,
    PRODUCTION_INVOICE,
    LicenseType,
)
from dnn_runbook.sandbox.faults import KNOWN_SPECS, Faults, parse_runtime
from dnn_runbook.sandbox.keys import KeySigner, server_id_for
from dnn_runbook.sandbox.persona_bar_folder import checked_dir
from dnn_runbook.sandbox.replay import ReplayProfile
from dnn_runbook.sandbox.replay import describe as describe_replay
from dnn_runbook.sandbox.server import ServerThread
from dnn_runbook.sandbox.state import SandboxState, ServerIdentity

__all__ = [
    "KNOWN_SPECS",
    "Faults",
    "LicenseType",
    "LicensingInfo",
    "Sandbox",
    "ServerInfo",
]

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
        ui: str = "dnn",
        license_email: str = ACCOUNT_EMAIL,
        license_invoice: str = PRODUCTION_INVOICE,
        persona_bar_dir: Path | None = None,
        replaying: str | None = None,
    ) -> None:
        #: What the servers replay ("replaying FILE (About panel states: ...)"), if anything.
        self.replaying = replaying
        self.old = old
        self.new = new
        self.licensing = licensing
        self.evoq_version = evoq_version
        self.ui = ui
        self.license_email = license_email
        self.license_invoice = license_invoice
        #: The Persona Bar folder served instead of the sandbox's shell, or ``None``.
        self.persona_bar_dir = persona_bar_dir
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
        ui: str = "dnn",
        seed_licenses: int = 0,
        ports: Mapping[str, int | None] | None = None,
        host_password: str | Mapping[str, str] | None = None,
        license_email: str | None = None,
        license_invoice: str | None = None,
        persona_bar_dir: Path | None = None,
        replay: str | os.PathLike[str] | None = None,
    ) -> Sandbox:
        """Start the three services on 127.0.0.1 and return once all of them answer.

        Args:
            faults: fault specs in force from the start (see :mod:`.faults`).
            evoq_version: ``"9.1"`` (title "About") or ``"9.0"`` (title "Licensing").
            ui: the front end: ``"dnn"``, the Persona Bar shell and an About panel built
                from DNN's React components (the default), or ``"classic"``, the project's
                own hand-made markup.
            seed_licenses: extra licenses of varied types to put on the old server.
            ports: ``{"old": N, "new": N, "licensing": N}``; a missing or ``None`` port is
                chosen free.
            host_password: the host account's password on both servers, or per server
                (``{"old": ..., "new": ...}``); by default a fresh random one each start.
            license_email: the account email of every invoice (default
                ``licensing@example.com``).
            license_invoice: the production invoice number (default ``INV001-1``); upper
                case, and not one of the catalogue's other numbers.
            persona_bar_dir: a copy of ``DesktopModules/admin/Dnn.PersonaBar/`` from a DNN
                install, served instead of the sandbox's own Persona Bar shell (the About
                panel's module stays the sandbox's; see :mod:`.persona_bar_folder`); only with
                the ``"dnn"`` front end.
            replay: a capture file (``--capture``) whose markup both servers serve instead of
                ``ui``'s, with the sandbox's behaviour behind it (:mod:`.replay`).

        Known, distinctive values let a test look for them in every artifact of a run.

        Raises:
            FaultSpecError: a fault spec is unknown.
            SandboxError: an argument is invalid, or a port is taken.
        """
        parsed = Faults.parse(list(faults))
        profile = ReplayProfile.load(Path(replay)) if replay is not None else None
        if ui not in UI_NAMES:
            raise SandboxError(f"ui must be one of {', '.join(UI_NAMES)}, got {ui!r}.")
        if not re.fullmatch(r"\d+\.\d+", evoq_version):
            raise SandboxError(
                f"evoq_version must look like '9.1' (major.minor), got {evoq_version!r}."
            )
        if persona_bar_dir is not None:
            if replay is not None:
                raise ReplayError(
                    "replay serves a capture's whole Persona Bar, so persona_bar_dir cannot be "
                    "given with it; choose one."
                )
            if ui != "dnn":
                raise SandboxError(
                    f"persona_bar_dir needs the 'dnn' front end (DNN's shell loads the About "
                    f"panel as a module), got ui={ui!r}; leave ui out or set it to 'dnn'."
                )
            persona_bar_dir = checked_dir(persona_bar_dir)
        if not 0 <= seed_licenses <= MAX_SEED_LICENSES:
            raise SandboxError(
                f"seed_licenses must be between 0 and {MAX_SEED_LICENSES}, got {seed_licenses}."
            )
        email, invoice, host_passwords = known_values(
            host_password, license_email, license_invoice, seed_licenses
        )
        sockets = bind_ports(ports, PORT_KEYS)
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
        server_urls = {k: urls[k] for k in SERVER_NAMES}
        threads = [
            ServerThread(
                licensing.create_app(
                    state,
                    signer,
                    urls=server_urls,
                    extra_routes=[outside.route(state, server_urls, production_invoice=invoice)],
                ),
                licensing_sock,
                name="licensing",
            )
        ]
        for identity, sock in zip(identities, (old_sock, new_sock), strict=True):
            passwords = {
                "host": host_passwords.get(identity.key) or password(),
                "admin": password(),
            }
            config = DnnServerConfig(
                identity=identity,
                url=urls[identity.key],
                licensing_url=urls["licensing"],
                accounts=accounts_for(passwords),
                evoq_version=evoq_version,
                ui="classic" if ui == "classic" else "dnn",
                persona_bar_dir=persona_bar_dir,
            )
            threads.append(
                ServerThread(
                    dnn_server.create_app(config, state, signer, replay=profile),
                    sock,
                    name=identity.key,
                )
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
            ui="replay" if profile is not None else ui,
            license_email=email,
            license_invoice=invoice,
            persona_bar_dir=persona_bar_dir,
            replaying=describe_replay(profile) if profile is not None else None,
        )
        try:
            for thread in threads:
                thread.start()
            check_answering(sandbox.licensing.url, sandbox.old.url, sandbox.new.url)
        except BaseException:
            sandbox.stop()
            raise
        return sandbox

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
            "DNN_SITE_URL": self.new.url,  # no DNS to cut over: new stands for the public site
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

    def end_sessions(self) -> None:
        """End every session on both servers now, as a site's session timeout would."""
        self._state.end_sessions()

    def reset(self) -> None:
        """Back to the starting state (licenses, activations, start faults, a new history).

        Sessions and passwords stay, so logged-in browsers stay logged in. The same as
        ``POST <licensing>/_sandbox/reset``.
        """
        self._state.reset()

    def state(self) -> dict[str, Any]:
        """The truth as JSON; the same as ``GET <licensing>/_sandbox/state``."""
        return self._state.snapshot({"old": self.old.url, "new": self.new.url})

    # -- changes behind a run's back: another administrator, DNN support (see .outside) -----

    def add_license(self, server: str, license_type: str, invoice: str | None = None) -> None:
        """Add and activate a license on ``server`` as its own About page would, recorded with
        ``via: outside``; ``invoice`` defaults to the catalogue's of that type. Raises
        SandboxError when the server or type is unknown or the licensing service refuses."""
        kind = outside.parse_type(license_type)
        outside.add_license(
            self._state, server, kind, invoice, production_invoice=self.license_invoice
        )

    def remove_license(self, server: str, license_type: str, invoice: str | None = None) -> None:
        """Remove ``server``'s license of that type, its activation returned, recorded with
        ``via: outside``. Raises SandboxError when there is no such license."""
        outside.remove_license(self._state, server, outside.parse_type(license_type), invoice)

    def restore_activation(self, invoice: str | None = None) -> None:
        """DNN support giving a lost activation back to ``invoice`` (default: the production
        invoice). Raises SandboxError when no server holds that invoice's activation."""
        outside.restore_activation(self._state, invoice or self.license_invoice)
