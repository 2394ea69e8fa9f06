"""The runbook's JSON Schema, for editors (the VS Code YAML extension validates and completes
runbook files with it).

It is built from the same tables the validator follows (``ACTION_SETTINGS`` and the document's
settings), so the two cannot drift apart on which keys exist. It is looser than ``validate``
where JSON Schema cannot say what the runbook means (unique step ids, servers that exist, real
dates), and it accepts ``${VAR}`` wherever a value may be one; ``dnn-runbook validate`` stays
the authority. ``dnn-runbook schema > runbook.schema.json`` writes it (as does ``python -m
dnn_runbook.runbook.jsonschema``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from dnn_runbook.runbook._schema import (
    LICENSE_SETTINGS,
    REQUIRED_SERVER_SETTINGS,
    REQUIRED_TOP_LEVEL,
    SERVER_SETTINGS,
    SUPPORTED_VERSIONS,
)
from dnn_runbook.runbook._steps import ACTION_SETTINGS, COMMON_SETTINGS
from dnn_runbook.runbook.model import Action, Activation, LicenseType

_SLUG = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": 64}
_VARIABLE = {"type": "string", "pattern": r"\$\{"}
_DURATION = {"type": "string", "pattern": r"^(?=\w)(\d+d)?(\d+h)?(\d+m)?(\d+s)?$"}


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


def _or_variable(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema``, or a string holding ``${VAR}`` (checked once substituted)."""
    return {"anyOf": [dict(schema), _VARIABLE]}


_LICENSE_TYPE = _or_variable(
    {
        "type": "string",
        "pattern": "^(" + "|".join(_any_case(t.value) for t in LicenseType) + ")$",
        "examples": [t.value for t in LicenseType],
    }
)

#: What each setting holds, shown by editors on hover.
_DOCS: Final[Mapping[str, str]] = {
    "version": "The runbook language version; 1 is the only one.",
    "name": "A slug (a-z, 0-9, -) naming the runbook; it names the run folders.",
    "description": "What the runbook does, in words.",
    "max_development_window": "The longest the production invoice may serve as a Development "
    "license, such as 2h.",
    "servers": "The DNN servers the steps act on, by name (such as old and new).",
    "license": "The license being moved.",
    "steps": "The steps, run in order.",
    "url": "The site's address, http:// or https://, without credentials.",
    "username": "A superuser (host) account.",
    "password": "The account's password; write ${VAR}, never the password itself.",
    "login_path": (
        "The login page's path; default /Login (then /?ctl=Login). A path of the site's own "
        "is the only place a run logs in."
    ),
    "tls_verify": "false: accept any certificate this server shows (a staging server's "
    "self-signed one); default true. Prefer tls_ca.",
    "tls_ca": "A CA bundle (PEM), relative to the runbook's folder, that this server's "
    "certificate must verify against (checked before the browser goes there).",
    "email": "The Evoq account email; a secret, best written as ${VAR}.",
    "invoice": "The invoice number (such as INV001-1); a secret, best written as ${VAR}.",
    "id": "A unique slug naming the step; evidence files carry it.",
    "action": "What the step does.",
    "server": "The name of the server (under servers:) the step acts on.",
    "type": "The license type: Production, Staging, Failover, Test or Development.",
    "activation": "automatic (through the licensing service) or manual (with a pasted key).",
    "activation_key_file": "Manual activation: a file holding the key, relative to the "
    "runbook's folder; read when the step runs.",
    "activation_key": "Manual activation: the key itself, as ${VAR}.",
    "expect": "Per server, the exact license types it holds for the invoice before the run "
    "([] for none).",
    "expires": "future (the default), or the date EXPIRES must show, YYYY-MM-DD.",
    "only": "true: the server may hold no other license.",
    "message": "The instruction shown to the operator, who confirms it.",
    "expect_status": "The HTTP status to wait for; default 200.",
    "contains": "Text the page must contain.",
    "timeout": "How long to keep trying; default 5m.",
    "interval": "How long between tries; default 5s.",
    "label": "A slug for the screenshot's file name; default the step id.",
    "address": "The new server's IP address, host name or http(s) address: the public "
    "site's host name must resolve to its addresses only.",
    "marker": "What only the new server serves: header and value (a response header), or "
    "path and contains (a page of the public site and text in it).",
}

_VALUES: Final[Mapping[str, Mapping[str, Any]]] = {
    "server": {"type": "string"},
    "type": _LICENSE_TYPE,
    "activation": _or_variable(
        {
            "type": "string",
            "pattern": "^(" + "|".join(_any_case(a.value) for a in Activation) + ")$",
            "examples": [a.value for a in Activation],
        }
    ),
    "activation_key_file": {"type": "string"},
    "activation_key": {"type": "string"},
    "invoice": {"type": "string"},
    "email": {"type": "string"},
    "servers": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
    "expect": {
        "type": "object",
        "additionalProperties": {
            "anyOf": [
                _LICENSE_TYPE,
                {"type": "array", "items": _LICENSE_TYPE, "uniqueItems": True},
            ]
        },
    },
    "expires": _or_variable(
        {"type": "string", "pattern": r"^([Ff][Uu][Tt][Uu][Rr][Ee]|\d{4}-\d{2}-\d{2})$"}
    ),
    "only": {"anyOf": [{"type": "boolean"}, _VARIABLE]},
    "message": {"type": "string", "minLength": 1},
    "url": _or_variable({"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}),
    "expect_status": {"anyOf": [{"type": "integer", "minimum": 100, "maximum": 599}, _VARIABLE]},
    "contains": {"type": "string", "minLength": 1},
    "timeout": _or_variable(_DURATION),
    "interval": _or_variable(_DURATION),
    "label": _or_variable(_SLUG),
    "address": {"type": "string", "minLength": 1},
    "marker": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "header": {"type": "string", "minLength": 1},
            "value": {"type": "string", "minLength": 1},
            "path": {"type": "string", "pattern": "^(/|\\$\\{)"},
            "contains": {"type": "string", "minLength": 1},
        },
        "oneOf": [{"required": ["header", "value"]}, {"required": ["path", "contains"]}],
    },
}


#: Where a step's setting means something else than the document's setting of that name.
_STEP_DOCS: Final[Mapping[str, str]] = {
    "servers": "The servers this preflight visits; default all of them.",
    "invoice": "The invoice number, when not license.invoice; a secret, best written as ${VAR}.",
    "email": "The account email, when not license.email; a secret, best written as ${VAR}.",
}


def _setting(name: str, *, in_step: bool = False) -> dict[str, Any]:
    doc = _STEP_DOCS.get(name, _DOCS[name]) if in_step else _DOCS[name]
    return {**_VALUES.get(name, {"type": "string"}), "description": doc}


def _step(action: Action) -> dict[str, Any]:
    required, optional = ACTION_SETTINGS[action]
    properties = {
        "id": {**_SLUG, "description": _DOCS["id"]},
        "action": {"const": action.value, "description": _DOCS["action"]},
        **{name: _setting(name, in_step=True) for name in required + optional},
    }
    return {
        "if": {"properties": {"action": {"const": action.value}}, "required": ["action"]},
        "then": {
            "required": [*COMMON_SETTINGS, *required],
            "properties": properties,
            "additionalProperties": False,
        },
    }


def _server_value(name: str) -> dict[str, Any]:
    if name == "url":
        return _or_variable(_VALUES["url"])
    if name == "tls_verify":
        return {"anyOf": [{"type": "boolean"}, _VARIABLE]}
    return {"type": "string"}


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft-07) of a runbook file, as a JSON-ready dict."""
    server = {
        "type": "object",
        "required": list(REQUIRED_SERVER_SETTINGS),
        "additionalProperties": False,
        "properties": {
            name: {
                **_server_value(name),
                "description": _DOCS[name],
            }
            for name in SERVER_SETTINGS
        },
    }
    properties: dict[str, Any] = {
        "version": {"enum": list(SUPPORTED_VERSIONS), "description": _DOCS["version"]},
        "name": {**_SLUG, "description": _DOCS["name"]},
        "description": {"type": "string", "description": _DOCS["description"]},
        "max_development_window": {
            **_or_variable(_DURATION),
            "description": _DOCS["max_development_window"],
        },
        "servers": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": _SLUG,
            "additionalProperties": server,
            "description": _DOCS["servers"],
        },
        "license": {
            "type": "object",
            "required": list(LICENSE_SETTINGS),
            "additionalProperties": False,
            "properties": {name: _setting(name) for name in LICENSE_SETTINGS},
            "description": _DOCS["license"],
        },
        "steps": {
            "type": "array",
            "minItems": 1,
            "description": _DOCS["steps"],
            "items": {
                "type": "object",
                "required": list(COMMON_SETTINGS),
                "properties": {
                    "id": {**_SLUG, "description": _DOCS["id"]},
                    "action": {
                        "enum": [action.value for action in Action],
                        "description": _DOCS["action"],
                    },
                },
                "allOf": [_step(action) for action in Action],
            },
        },
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "dnn-runbook runbook",
        "description": "A runbook for dnn-runbook: check it with `dnn-runbook validate`.",
        "type": "object",
        "required": list(REQUIRED_TOP_LEVEL),
        "additionalProperties": False,
        "properties": properties,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(json_schema(), indent=2))
