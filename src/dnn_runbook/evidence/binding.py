"""What a run resolved its runbook to, bound into its manifest and journal.

A runbook names servers and secrets through ``${VARIABLES}``; the same file run with another
env file acts on other servers, accounts or invoice. A run therefore records what it resolved,
and a resumed run must resolve to the same, or it is refused (exit 2) with what changed::

    {
      "tool": {"name": "dnn-runbook", "version": "0.1.0"},
      "runbook": {"name": "migrate-evoq-license", "sha256": "<hex of the file's bytes>"},
      "servers": {"old": {"url": "https://old.example.com", "username": "host",
                          "how": {"login_path": "/Login", "tls_verify": true, "tls_ca": null}},
                  ...},
      "key": "<64 hex digits, random per run>",
      "license": {"invoice": "<HMAC-SHA256 hex>", "email": "<HMAC-SHA256 hex>"},
      "steps": [{"id": "add-dev-on-new", "action": "add_license",
                 "what": {"server": "new", "type": "Development", "invoice": "<HMAC…>", ...},
                 "how": {"activation": "automatic", "activation_key_file": null, ...}}, ...]
    }

- The invoice and the email are secrets, so they are recorded as keyed hashes: HMAC-SHA256
  with ``key`` (32 random bytes drawn for the run) over the value as the runner compares it
  (surrounding space stripped, lower-cased), in UTF-8. The key keeps two runs' hashes apart;
  it is no secret, so whoever knows an invoice can check it against a run
  (``printf %s inv001-1 | openssl dgst -sha256 -mac HMAC -macopt hexkey:KEY``).
- ``steps`` records, for each step, *what* it does (its server, license type, invoice and
  email; the part a resume may never change) apart from *how* it does it (activation mode,
  key file or key, timeouts, addresses polled, messages, with every secret of the runbook
  masked in them): a resume that allows changes of "how" can compare the two separately and
  show the difference. :func:`differences` names what differs in ``what`` (a resume is
  refused); :func:`how_differences` names each field of ``how`` that changed, which a resume
  may accept for the steps that have not finished (see :mod:`dnn_runbook.evidence.runs`).

The binding is part of the manifest's header, so its genesis hash and every entry after it
depend on it: editing it breaks the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Collection, Mapping
from typing import Any

from dnn_runbook import __version__
from dnn_runbook.runbook import (
    AddLicenseStep,
    ConfirmStep,
    PreflightStep,
    RemoveLicenseStep,
    Runbook,
    ScreenshotStep,
    Secret,
    ServerSpec,
    Step,
    VerifyLicenseStep,
    WaitCutoverStep,
    WaitHttpStep,
    format_duration,
)
from dnn_runbook.runbook.secrets import mask_values

TOOL = "dnn-runbook"


def new_key() -> str:
    """A fresh HMAC key for a new run: 32 random bytes, as hex."""
    return secrets.token_hex(32)


def keyed_hash(key: str, value: Secret | str) -> str:
    """HMAC-SHA256 (hex) of ``value`` stripped and lower-cased, keyed with ``key`` (hex)."""
    text = value.reveal() if isinstance(value, Secret) else value
    normalised = text.strip().casefold().encode("utf-8")
    return hmac.new(bytes.fromhex(key), normalised, hashlib.sha256).hexdigest()


def bind(runbook: Runbook, *, key: str, version: str = __version__) -> dict[str, Any]:
    """What ``runbook`` resolved to, as the manifest and the journal record it (see the module)."""
    return {
        "tool": {"name": TOOL, "version": version},
        "runbook": {"name": runbook.name, "sha256": runbook.sha256},
        "servers": {
            name: {"url": spec.url, "username": spec.username, "how": _server_how(spec)}
            for name, spec in runbook.servers.items()
        },
        "key": key,
        "license": {
            "invoice": keyed_hash(key, runbook.license.invoice),
            "email": keyed_hash(key, runbook.license.email),
        },
        "steps": [_step(step, key, _masker(runbook)) for step in runbook.steps],
    }


def _server_how(spec: ServerSpec) -> dict[str, Any]:
    """How the run reaches a server, apart from which server it is (``url``, ``username``):
    the login page and how its certificate is trusted. Not compared on a resume (the
    runbook's SHA-256 covers it), so that a certificate setting could be changed to continue."""
    return {
        "login_path": spec.login_path,
        "tls_verify": spec.tls_verify,
        "tls_ca": str(spec.tls_ca) if spec.tls_ca is not None else None,
    }


def _masker(runbook: Runbook) -> Callable[[str], str]:
    """Masks every secret of ``runbook`` (as written and stripped) in a text."""
    forms = {v for s in runbook.secrets() for v in (s.reveal(), s.reveal().strip())}
    return lambda text: mask_values(text, forms)


def _step(step: Step, key: str, mask: Callable[[str], str]) -> dict[str, Any]:
    what: dict[str, Any] = {}
    how: dict[str, Any] = {}
    match step:
        case PreflightStep():
            what["servers"] = [server.name for server in step.servers]
            what["expect"] = {
                name: [str(t) for t in types] for name, types in sorted(step.expect.items())
            }
            what["invoice"] = keyed_hash(key, step.invoice)
        case AddLicenseStep():
            what.update(server=step.server.name, type=str(step.type))
            what["invoice"] = keyed_hash(key, step.invoice)
            what["email"] = keyed_hash(key, step.email)
            how["activation"] = step.activation.value
            how["activation_key_file"] = (
                str(step.activation_key_file) if step.activation_key_file else None
            )
            how["activation_key"] = (
                keyed_hash(key, step.activation_key) if step.activation_key else None
            )
        case RemoveLicenseStep():
            what.update(server=step.server.name, type=str(step.type) if step.type else None)
            what["invoice"] = keyed_hash(key, step.invoice)
        case VerifyLicenseStep():
            what.update(server=step.server.name, type=str(step.type), only=step.only)
            what["invoice"] = keyed_hash(key, step.invoice)
            how["expires"] = str(step.expires) if step.expires != "future" else "future"
        case ConfirmStep():
            how["message"] = mask(step.message)
        case WaitHttpStep():
            how.update(
                url=mask(step.url),
                expect_status=step.expect_status,
                contains=mask(step.contains) if step.contains is not None else None,
                timeout=format_duration(step.timeout),
                interval=format_duration(step.interval),
            )
        case WaitCutoverStep():
            marker = step.marker
            parts = ("header", "value", "path", "contains")
            how.update(
                url=mask(step.url),
                address=mask(step.address) if step.address is not None else None,
                marker=None
                if marker is None
                else {k: mask(v) for k in parts if (v := getattr(marker, k)) is not None},
                timeout=format_duration(step.timeout),
                interval=format_duration(step.interval),
            )
        case ScreenshotStep():
            what["server"] = step.server.name
            how["label"] = step.label
    return {"id": step.id, "action": step.action.value, "what": what, "how": how}


def recorded_key(binding: Mapping[str, Any]) -> str | None:
    """The HMAC key a recorded binding was made with, or ``None`` if it holds none."""
    key = binding.get("key")
    if isinstance(key, str) and len(key) == 64:
        try:
            bytes.fromhex(key)
        except ValueError:
            return None
        return key
    return None


def differences(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """What differs between a run's recorded binding and what its runbook resolves to now,
    one phrase each (``servers.old.url was 'http://a', now 'http://b'``); empty when equal.

    Keyed hashes are never shown, only that the value they stand for changed.
    """
    found: list[str] = []
    tool, now_tool = _dict(recorded, "tool"), _dict(current, "tool")
    if tool.get("version") != now_tool.get("version"):
        found.append(
            f"the tool: dnn-runbook {tool.get('version')!r} started the run, this is "
            f"{now_tool.get('version')!r}"
        )
    book, now_book = _dict(recorded, "runbook"), _dict(current, "runbook")
    if book.get("name") != now_book.get("name"):
        found.append(f"the runbook's name was {book.get('name')!r}, now {now_book.get('name')!r}")
    found += _server_differences(_dict(recorded, "servers"), _dict(current, "servers"))
    lic, now_lic = _dict(recorded, "license"), _dict(current, "license")
    for field, what in (("invoice", "license.invoice"), ("email", "license.email")):
        if lic.get(field) != now_lic.get(field):
            found.append(f"{what}: it resolves to another value than the run's")
    if not found:
        # A step's own invoice or email (or its server) changed while the license did not.
        found += _step_differences(recorded.get("steps"), current.get("steps"))
    return found


def _step_differences(was: Any, now: Any) -> list[str]:
    """What each step acts on that changed (its "what"; its "how" is
    :func:`how_differences`'s)."""
    if not isinstance(was, list) or not isinstance(now, list):
        return [] if was == now else ["the steps: they cannot be compared"]
    before = [(s.get("id"), s.get("action"), s.get("what")) for s in was if isinstance(s, dict)]
    after = [(s.get("id"), s.get("action"), s.get("what")) for s in now if isinstance(s, dict)]
    if [b[:2] for b in before] != [a[:2] for a in after]:
        return ["the steps: their ids, actions or order differ"]
    return [
        f"steps {step_id!r}: what it acts on (server, license type, invoice or email) differs"
        + _fields(what, now_what)
        for (step_id, _action, what), (_id, _act, now_what) in zip(before, after, strict=True)
        if what != now_what
    ]


def _fields(was: Any, now: Any) -> str:
    """`` (type was 'Production', now 'Staging')``: the fields of a step's what that changed,
    a keyed hash only as changed."""
    if not isinstance(was, dict) or not isinstance(now, dict):
        return ""
    changed = [
        f"{name} {_shown(name, was.get(name), now.get(name))}"
        for name in sorted(set(was) | set(now))
        if was.get(name) != now.get(name)
    ]
    return f" ({'; '.join(changed)})" if changed else ""


#: Fields recorded as keyed hashes: a difference is named, never shown.
_HASHED = frozenset({"invoice", "email", "activation_key"})


def _shown(name: str, was: Any, now: Any) -> str:
    if name in _HASHED:
        return "resolves to another value"
    return f"was {was!r}, now {now!r}"


def how_differences(
    recorded: Mapping[str, Any], current: Mapping[str, Any], *, finished: Collection[str] = ()
) -> tuple[list[str], list[str]]:
    """How the steps are done, compared: ``(refused, changed)``, one phrase each.

    ``changed`` names each field of an unfinished step's ``how`` that differs
    (``steps 'add-prod-on-new'.activation was 'automatic', now 'manual'``), led by the runbook
    file's new SHA-256; a resume may accept those. ``refused`` names a change to a step in
    ``finished`` (the evidence says how it was done, and that cannot change). Call it once
    :func:`differences` found nothing: the steps are then the same ids in the same order.
    """
    refused: list[str] = []
    changed: list[str] = []
    was = {s.get("id"): s for s in _list(recorded, "steps")}
    for step in _list(current, "steps"):
        step_id = step.get("id")
        before, after = _dict(was.get(step_id, {}), "how"), _dict(step, "how")
        for name in sorted(set(before) | set(after)):
            if before.get(name) == after.get(name):
                continue
            phrase = f"steps {step_id!r}.{name} {_shown(name, before.get(name), after.get(name))}"
            if step_id in finished:
                refused.append(f"{phrase} (the step has finished: how it was done is recorded)")
            else:
                changed.append(phrase)
    book, now_book = _dict(recorded, "runbook"), _dict(current, "runbook")
    if book.get("sha256") != now_book.get("sha256"):
        changed.insert(
            0,
            f"the runbook file: its SHA-256 was {str(book.get('sha256'))[:12]}…, now "
            f"{str(now_book.get('sha256'))[:12]}…",
        )
    return refused, changed


def _list(mapping: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = mapping.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _server_differences(was: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for name in sorted(set(was) | set(now)):
        before, after = was.get(name), now.get(name)
        if not isinstance(before, dict):
            found.append(f"servers.{name}: the run had no such server")
            continue
        if not isinstance(after, dict):
            found.append(f"servers.{name}: the runbook no longer names it")
            continue
        for field in ("url", "username"):
            if before.get(field) != after.get(field):
                found.append(
                    f"servers.{name}.{field} was {before.get(field)!r}, now {after.get(field)!r}"
                )
    return found


def _dict(mapping: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = mapping.get(key)
    return value if isinstance(value, dict) else {}
