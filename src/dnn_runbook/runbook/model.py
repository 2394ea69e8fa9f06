"""The runbook as the runner sees it: frozen, typed objects, every reference resolved.

Nothing here parses or validates; ``schema`` builds these objects only from a runbook that
passed every check. A step holds the ``ServerSpec`` it acts on (not just its name) and the
invoice it concerns (``license.invoice`` unless the step names another), so the runner never
looks anything up. Secrets are ``Secret`` objects; ``describe()`` never reveals them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Final, Literal, TypeAlias

from dnn_runbook.licenses import LicenseType as LicenseType
from dnn_runbook.runbook.durations import format_duration
from dnn_runbook.runbook.secrets import Secret, SecretKind

#: Where the DNN login page is unless a server says otherwise (``/?ctl=Login`` is the fallback).
DEFAULT_LOGIN_PATH: Final = "/Login"
#: ``verify_license``'s default: EXPIRES must be a date after today.
EXPIRES_FUTURE: Final = "future"
DEFAULT_EXPECT_STATUS: Final = 200
DEFAULT_WAIT_TIMEOUT: Final = timedelta(minutes=5)
DEFAULT_WAIT_INTERVAL: Final = timedelta(seconds=5)

Expiry: TypeAlias = date | Literal["future"]


class Activation(StrEnum):
    """How ``add_license`` activates: through the licensing service, or with a pasted key."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"


class Action(StrEnum):
    """The actions a step can take."""

    PREFLIGHT = "preflight"
    ADD_LICENSE = "add_license"
    REMOVE_LICENSE = "remove_license"
    VERIFY_LICENSE = "verify_license"
    CONFIRM = "confirm"
    WAIT_HTTP = "wait_http"
    WAIT_CUTOVER = "wait_cutover"
    SCREENSHOT = "screenshot"


@dataclass(frozen=True, slots=True)
class ServerSpec:
    """A DNN server the runbook logs in to; ``url`` has no trailing slash."""

    name: str
    url: str
    username: str
    password: Secret
    login_path: str = DEFAULT_LOGIN_PATH
    #: ``False``: the browser accepts any certificate this server shows (``tls_verify: false``).
    tls_verify: bool = True
    #: A CA bundle (absolute) that this server's certificate must verify against (``tls_ca``).
    tls_ca: Path | None = None

    @property
    def login_url(self) -> str:
        """The address of the login page: ``url`` followed by ``login_path``."""
        return self.url + self.login_path

    def describe(self) -> str:
        """``'old (https://old.example.com)'``."""
        return f"{self.name} ({self.url})"


@dataclass(frozen=True, slots=True)
class LicenseSpec:
    """The license being moved: the Evoq account email and the (production) invoice number."""

    email: Secret
    invoice: Secret


def _types_in_words(types: tuple[LicenseType, ...]) -> str:
    if not types:
        return "no license"
    names = [str(t) for t in types]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"a {joined} license" if len(names) == 1 else f"{joined} licenses"


def _in_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True, slots=True, kw_only=True)
class StepBase:
    """What every step has: ``id``, ``action``, ``index`` (from 1) and the ``line`` it starts on."""

    action: ClassVar[Action]

    id: str
    index: int
    line: int

    def describe(self) -> str:
        """Say in plain words what the step will do; secrets never shown."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True, kw_only=True)
class PreflightStep(StepBase):
    """Log in to ``servers``, read their license tables, check the licensing service is
    reachable from each, and check the starting state.

    ``expect`` maps a server's name to the exact license types it must hold for ``invoice``
    (an empty tuple: none); a server it does not name is not checked.
    """

    action: ClassVar[Action] = Action.PREFLIGHT

    servers: tuple[ServerSpec, ...]
    expect: Mapping[str, tuple[LicenseType, ...]]
    invoice: Secret

    def describe(self) -> str:
        visits = _in_words([server.describe() for server in self.servers])
        text = (
            f"Preflight, changing nothing: log in to {visits}, open Settings > About, record "
            "each license table and check that each server can reach the licensing service"
        )
        if self.expect:
            held = [
                f"{name} to hold {_types_in_words(types)}" for name, types in self.expect.items()
            ]
            text += f"; expect {_in_words(held)} for invoice {self.invoice.masked()}"
        return text + "."


@dataclass(frozen=True, slots=True, kw_only=True)
class AddLicenseStep(StepBase):
    """Add and activate a license of ``type`` for ``invoice`` on ``server``.

    With manual activation the key comes from ``activation_key`` (given in the runbook, through
    a variable), else from ``activation_key_file`` (an absolute path, read when the step runs,
    since the key can only be requested once the Server ID is known), else from a prompt.
    """

    action: ClassVar[Action] = Action.ADD_LICENSE

    server: ServerSpec
    type: LicenseType
    email: Secret
    invoice: Secret
    activation: Activation = Activation.AUTOMATIC
    activation_key_file: Path | None = None
    activation_key: Secret | None = None

    def describe(self) -> str:
        text = (
            f"Add a {self.type} license on {self.server.describe()} for invoice "
            f"{self.invoice.masked()}, with {self.activation} activation"
        )
        if self.activation is Activation.MANUAL:
            if self.activation_key is not None:
                text += " (the activation key given in the runbook)"
            elif self.activation_key_file is not None:
                text += f" (the activation key read from {self.activation_key_file})"
            else:
                text += " (the operator pastes the activation key)"
        return text + "."


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveLicenseStep(StepBase):
    """Remove from ``server`` the license for ``invoice``, of ``type`` when one is given.

    Without a type, exactly one license on the server may hold the invoice.
    """

    action: ClassVar[Action] = Action.REMOVE_LICENSE

    server: ServerSpec
    invoice: Secret
    type: LicenseType | None = None

    def describe(self) -> str:
        what = f"the {self.type} license" if self.type else "the license"
        return f"Remove {what} for invoice {self.invoice.masked()} from {self.server.describe()}."


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyLicenseStep(StepBase):
    """Check that ``server`` holds an activated ``type`` license for ``invoice``.

    ``expires`` is ``"future"`` (EXPIRES after today) or the exact date EXPIRES must show;
    with ``only``, the server must hold no other license at all.
    """

    action: ClassVar[Action] = Action.VERIFY_LICENSE

    server: ServerSpec
    type: LicenseType
    invoice: Secret
    expires: Expiry = EXPIRES_FUTURE
    only: bool = False

    def describe(self) -> str:
        when = (
            f"on {self.expires.isoformat()}" if isinstance(self.expires, date) else "in the future"
        )
        text = (
            f"Check that {self.server.describe()} holds an activated {self.type} license for "
            f"invoice {self.invoice.masked()} that expires {when}"
        )
        return text + (", and no other license." if self.only else ".")


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmStep(StepBase):
    """Show ``message`` to the operator and wait for them to confirm (``--yes`` confirms)."""

    action: ClassVar[Action] = Action.CONFIRM

    message: str

    def describe(self) -> str:
        return f"Ask the operator to confirm: {self.message.strip()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitHttpStep(StepBase):
    """Poll ``url`` every ``interval`` until it answers ``expect_status`` (and, when given,
    its body ``contains`` the text), for at most ``timeout``."""

    action: ClassVar[Action] = Action.WAIT_HTTP

    url: str
    expect_status: int = DEFAULT_EXPECT_STATUS
    contains: str | None = None
    timeout: timedelta = DEFAULT_WAIT_TIMEOUT
    interval: timedelta = DEFAULT_WAIT_INTERVAL

    def describe(self) -> str:
        text = f"Wait until {self.url} answers HTTP {self.expect_status}"
        if self.contains is not None:
            text += f" with {self.contains!r} in the page"
        return (
            text + f", checking every {format_duration(self.interval)} for at most "
            f"{format_duration(self.timeout)}."
        )


@dataclass(frozen=True, slots=True)
class CutoverMarker:
    """What only the new server serves: a response ``header`` whose value is ``value``, or a
    ``path`` (on the public site) whose page contains ``contains``."""

    header: str | None = None
    value: str | None = None
    path: str | None = None
    contains: str | None = None

    def describe(self) -> str:
        if self.header is not None:
            return f"the response header {self.header}: {self.value}"
        return f"{self.path} containing {self.contains!r}"


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitCutoverStep(StepBase):
    """Poll the public site ``url`` every ``interval``, for at most ``timeout``, until it is
    served by the new server: its host name resolves only to the addresses of ``address`` (an
    IP address or a host name) and/or it answers with ``marker``."""

    action: ClassVar[Action] = Action.WAIT_CUTOVER

    url: str
    address: str | None = None
    marker: CutoverMarker | None = None
    timeout: timedelta = DEFAULT_WAIT_TIMEOUT
    interval: timedelta = DEFAULT_WAIT_INTERVAL

    def describe(self) -> str:
        checks = []
        if self.address is not None:
            checks.append(f"its host name resolves to the address of {self.address}")
        if self.marker is not None:
            checks.append(f"it answers with {self.marker.describe()}")
        return (
            f"Wait until the public site {self.url} is served by the new server: "
            + " and ".join(checks)
            + f"; checking every {format_duration(self.interval)} for at most "
            f"{format_duration(self.timeout)}."
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreenshotStep(StepBase):
    """Take a screenshot of ``server``'s Settings > About page; ``label`` goes in the file name."""

    action: ClassVar[Action] = Action.SCREENSHOT

    server: ServerSpec
    label: str

    def describe(self) -> str:
        return (
            f"Take a screenshot of Settings > About on {self.server.describe()}, "
            f"labelled {self.label}."
        )


Step: TypeAlias = (
    PreflightStep
    | AddLicenseStep
    | RemoveLicenseStep
    | VerifyLicenseStep
    | ConfirmStep
    | WaitHttpStep
    | WaitCutoverStep
    | ScreenshotStep
)


@dataclass(frozen=True, slots=True)
class Runbook:
    """A valid runbook.

    ``servers`` keeps the file's order and, like a preflight's ``expect``, is read-only.
    ``source`` is the runbook's absolute path and
    ``sha256`` the hash of its bytes, so a run can record exactly which runbook it ran and a
    resumed run can refuse a runbook that changed since.
    """

    version: int
    name: str
    description: str
    servers: Mapping[str, ServerSpec]
    license: LicenseSpec
    steps: tuple[Step, ...]
    max_development_window: timedelta | None
    source: Path
    sha256: str

    def secrets(self) -> tuple[Secret, ...]:
        """Every secret the runbook names, each once: the servers' passwords, the license's
        email and invoice, and each step's own invoice, email and activation key."""
        found: list[Secret] = [server.password for server in self.servers.values()]
        found += [self.license.email, self.license.invoice]
        for step in self.steps:
            for name in ("invoice", "email", "activation_key"):
                value = getattr(step, name, None)
                if isinstance(value, Secret):
                    found.append(value)
        return tuple(dict.fromkeys(secret for secret in found if secret.reveal()))

    def license_ids(self) -> tuple[Secret, ...]:
        """The account emails and invoice numbers among :meth:`secrets`: what a screenshot
        paints over unless the run is told to show license ids."""
        ids = (SecretKind.EMAIL, SecretKind.INVOICE)
        return tuple(secret for secret in self.secrets() if secret.kind in ids)

    def step(self, step_id: str) -> Step:
        """Return the step with id ``step_id``.

        Raises:
            KeyError: no step has that id.
        """
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)
