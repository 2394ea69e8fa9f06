"""Faults a rehearsal or a test can switch on in the sandbox, and the parser for their specs.

A spec is a short string, the same on the command line (``--fault SPEC``), in
``Sandbox.start(faults=[...])`` and in the JSON posted to ``<licensing url>/_sandbox/faults``:

==========================  ===========================================================
``licensing-down``          neither DNN server can reach the licensing service
``licensing-down:old``      the old server cannot reach it (the firewall case); also ``:new``
``licensing-slow=SECONDS``  every call to the licensing service answers that much later
``licensing-flaky=FRACTION`` that fraction of licensing calls fail (HTTP 503)
``licensing-down-after=N``  the DNN servers' first N calls to the licensing service (counted
                            from when the fault is put in force) go through, every later
                            one finds it unreachable
``pages-slow=SECONDS``      every DNN page and API call answers that much later
``api-slow=SECONDS``        every Persona Bar API call (the resource strings included) answers
                            that much later; pages and static files do not
``session-expiry=SECONDS``  a DNN session ends after that many idle seconds (0: at once)
``old-unlicensed``          the old server starts without its Production license
``custom-login=PATH:N``     both servers serve their login page at PATH only, as a custom
                            login page hosting the login module with id N (its controls are
                            ``dnn_ctrN_Login_Login_DNN_*``); ``/Login`` and ``/?ctl=Login``
                            answer 404
==========================  ===========================================================
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from dnn_runbook.exceptions import FaultSpecError

SERVER_KEYS = ("old", "new")

#: Every form a spec can take, for error messages and ``--help``.
KNOWN_SPECS = (
    "licensing-down",
    "licensing-down:old",
    "licensing-down:new",
    "licensing-slow=SECONDS",
    "licensing-flaky=FRACTION",
    "licensing-down-after=N",
    "pages-slow=SECONDS",
    "api-slow=SECONDS",
    "session-expiry=SECONDS",
    "old-unlicensed",
    "custom-login=PATH:N",
)

#: A delay longer than this is surely a typo (milliseconds given as seconds).
MAX_DELAY_SECONDS = 600.0
#: More calls than this before the service goes away is surely a typo.
MAX_CALLS = 1_000_000


@dataclass(frozen=True, slots=True)
class Faults:
    """The set of faults in force; the default instance means "everything works"."""

    licensing_down: frozenset[str] = frozenset()
    licensing_slow: float = 0.0
    licensing_flaky: float = 0.0
    #: After this many calls to the licensing service it goes away; ``None``: it stays.
    licensing_down_after: int | None = None
    pages_slow: float = 0.0
    api_slow: float = 0.0
    session_expiry: float | None = None
    old_unlicensed: bool = False
    #: ``(path, module id)`` of a custom login page, the only one the servers serve.
    custom_login: tuple[str, int] | None = None

    @classmethod
    def parse(cls, specs: Iterable[str]) -> Faults:
        """Parse ``specs`` into one ``Faults``; a later value-fault overrides an earlier one.

        Raises:
            FaultSpecError: a spec is unknown or its value is out of range.
        """
        if isinstance(specs, str):
            # A bare string would be parsed character by character: say so plainly.
            raise FaultSpecError(
                f"Fault specs must be a list of strings, got the single string {specs!r}; "
                f"wrap it in a list: [{specs!r}]."
            )
        faults = cls()
        for spec in specs:
            faults = _apply(faults, spec)
        return faults

    def specs(self) -> list[str]:
        """Return the canonical specs of these faults, the inverse of :meth:`parse`."""
        out: list[str] = []
        if self.licensing_down >= set(SERVER_KEYS):
            out.append("licensing-down")
        else:
            out += [f"licensing-down:{key}" for key in SERVER_KEYS if key in self.licensing_down]
        if self.licensing_slow:
            out.append(f"licensing-slow={self.licensing_slow:g}")
        if self.licensing_flaky:
            out.append(f"licensing-flaky={self.licensing_flaky:g}")
        if self.licensing_down_after is not None:
            out.append(f"licensing-down-after={self.licensing_down_after}")
        if self.pages_slow:
            out.append(f"pages-slow={self.pages_slow:g}")
        if self.api_slow:
            out.append(f"api-slow={self.api_slow:g}")
        if self.session_expiry is not None:
            out.append(f"session-expiry={self.session_expiry:g}")
        if self.old_unlicensed:
            out.append("old-unlicensed")
        if self.custom_login is not None:
            out.append(f"custom-login={self.custom_login[0]}:{self.custom_login[1]}")
        return out

    def licensing_reachable_from(self, server_key: str) -> bool:
        """Whether the DNN server ``server_key`` (``old``/``new``) can reach the licensing service."""
        return server_key not in self.licensing_down


def _unknown(spec: str) -> FaultSpecError:
    return FaultSpecError(
        f"Fault spec {spec!r} is not one the sandbox knows: expected one of "
        f"{', '.join(KNOWN_SPECS)}."
    )


def _number(spec: str, name: str, raw: str, *, upper: float, unit: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise FaultSpecError(
            f"Fault spec {spec!r}: the value of {name!r} must be a number of {unit} "
            f"between 0 and {upper:g}, got {raw!r}."
        ) from None
    if not math.isfinite(value) or not 0 <= value <= upper:
        raise FaultSpecError(
            f"Fault spec {spec!r}: the value of {name!r} must be a number of {unit} "
            f"between 0 and {upper:g}, got {value:g}."
        )
    return value


def _count(spec: str, name: str, raw: str) -> int:
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_CALLS:
        raise FaultSpecError(
            f"Fault spec {spec!r}: the value of {name!r} must be a whole number of calls "
            f"between 0 and {MAX_CALLS}, got {raw!r}."
        )
    return int(text)


def _apply(faults: Faults, spec: object) -> Faults:
    if not isinstance(spec, str):
        raise FaultSpecError(
            f"Each fault spec must be a string such as 'licensing-down:old', "
            f"got {spec!r} (a {type(spec).__name__})."
        )
    text = spec.strip()
    if text == "licensing-down":
        return replace(faults, licensing_down=frozenset(SERVER_KEYS))
    if text.startswith("licensing-down:"):
        key = text.partition(":")[2]
        if key not in SERVER_KEYS:
            raise FaultSpecError(
                f"Fault spec {spec!r}: the server after 'licensing-down:' must be 'old' or "
                f"'new', got {key!r}."
            )
        return replace(faults, licensing_down=faults.licensing_down | {key})
    if text == "old-unlicensed":
        return replace(faults, old_unlicensed=True)
    name, sep, raw = text.partition("=")
    if not sep:
        raise _unknown(spec)
    if name == "custom-login":
        return replace(faults, custom_login=_custom_login(spec, raw))
    if name == "licensing-slow":
        return replace(
            faults,
            licensing_slow=_number(spec, name, raw, upper=MAX_DELAY_SECONDS, unit="seconds"),
        )
    if name == "licensing-flaky":
        return replace(
            faults,
            licensing_flaky=_number(spec, name, raw, upper=1.0, unit="the calls (a fraction)"),
        )
    if name == "licensing-down-after":
        return replace(faults, licensing_down_after=_count(spec, name, raw))
    if name == "pages-slow":
        return replace(
            faults, pages_slow=_number(spec, name, raw, upper=MAX_DELAY_SECONDS, unit="seconds")
        )
    if name == "api-slow":
        return replace(
            faults, api_slow=_number(spec, name, raw, upper=MAX_DELAY_SECONDS, unit="seconds")
        )
    if name == "session-expiry":
        return replace(
            faults,
            session_expiry=_number(spec, name, raw, upper=float(10**9), unit="seconds"),
        )
    raise _unknown(spec)


_LOGIN_PATH = re.compile(r"/[A-Za-z0-9._~/-]*")


def _custom_login(spec: str, raw: str) -> tuple[str, int]:
    path, sep, module = raw.rpartition(":")
    if not sep or not _LOGIN_PATH.fullmatch(path) or not module.isdigit() or len(module) > 9:
        raise FaultSpecError(
            f"Fault spec {spec!r}: 'custom-login=' takes a path starting with / and a module "
            f"id, such as 'custom-login=/sign-in:412', got {raw!r}."
        )
    if path.casefold() == "/login":
        raise FaultSpecError(
            f"Fault spec {spec!r}: a custom login page must be at another path than /Login."
        )
    return path, int(module)


def parse_runtime(specs: object) -> Faults:
    """Parse the faults posted at run time; ``old-unlicensed`` only makes sense at start.

    Raises:
        FaultSpecError: a spec is unknown, or describes the starting state.
    """
    if isinstance(specs, Mapping):
        specs = specs.get("faults", specs)
    if not isinstance(specs, list | tuple):
        raise FaultSpecError(
            'The faults must be a list of specs such as ["licensing-down:old"] '
            f'(or {{"faults": [...]}}), got {json.dumps(specs, default=repr)[:80]}.'
        )
    faults = Faults.parse(specs)
    if faults.old_unlicensed:
        raise FaultSpecError(
            "Fault spec 'old-unlicensed' describes how the sandbox starts and cannot be switched "
            "on at run time: start the sandbox with it instead (--fault old-unlicensed)."
        )
    return faults
