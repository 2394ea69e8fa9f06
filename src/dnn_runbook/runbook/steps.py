"""The rules of each step action: which settings it takes, and how they are read.

``ACTION_SETTINGS`` is the single table of required and optional settings per action; the
validator and its messages follow it. A reader here returns ``None`` when a required part is
missing; when only an optional part is wrong it still builds the step, with the default in
its place, since the problem recorded for it already makes the whole runbook invalid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Final

from yaml.nodes import Node, ScalarNode

from dnn_runbook.runbook.fields import Entry, Reader, did_you_mean
from dnn_runbook.runbook.model import (
    DEFAULT_EXPECT_STATUS,
    DEFAULT_WAIT_INTERVAL,
    DEFAULT_WAIT_TIMEOUT,
    EXPIRES_FUTURE,
    Action,
    Activation,
    AddLicenseStep,
    ConfirmStep,
    Expiry,
    LicenseSpec,
    LicenseType,
    PreflightStep,
    RemoveLicenseStep,
    ScreenshotStep,
    ServerSpec,
    Step,
    VerifyLicenseStep,
    WaitHttpStep,
)
from dnn_runbook.runbook.secrets import Secret, SecretKind

#: Every step has these.
COMMON_SETTINGS: Final = ("id", "action")

#: Per action: (required settings, optional settings), besides id and action.
ACTION_SETTINGS: Final[Mapping[Action, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    Action.PREFLIGHT: ((), ("servers", "expect")),
    Action.ADD_LICENSE: (
        ("server", "type"),
        ("activation", "activation_key_file", "activation_key", "invoice", "email"),
    ),
    Action.REMOVE_LICENSE: (("server",), ("type", "invoice")),
    Action.VERIFY_LICENSE: (("server", "type"), ("invoice", "expires", "only")),
    Action.CONFIRM: (("message",), ()),
    Action.WAIT_HTTP: (("url",), ("expect_status", "contains", "timeout", "interval")),
    Action.SCREENSHOT: (("server",), ("label",)),
}

ACTIONS: Final = tuple(action.value for action in Action)
LICENSE_TYPES: Final = tuple(license_type.value for license_type in LicenseType)
_EXPIRES = "future, or the date EXPIRES must show written YYYY-MM-DD (such as 2027-06-30)"


@dataclass(frozen=True, slots=True)
class StepContext:
    """What steps refer to.

    ``servers`` maps every declared server name to its spec, or to ``None`` when the server
    itself has problems (already reported, so steps naming it stay quiet); ``servers`` is
    ``None`` as a whole when the section is missing or unusable, and then no step's server is
    checked. ``license`` is ``None`` when invalid; ``base_dir`` is the runbook's folder.
    """

    servers: Mapping[str, ServerSpec | None] | None
    license: LicenseSpec | None
    base_dir: Path


@dataclass(frozen=True, slots=True)
class _Step:
    """A step being read: its settings and where it is."""

    reader: Reader
    entries: dict[str, Entry]
    ctx: StepContext
    id: str
    index: int
    node: Node

    @property
    def path(self) -> str:
        return f"steps[{self.index}]"

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def value(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return None if entry is None else entry.value

    def at(self, key: str) -> str:
        return f"{self.path}.{key}"


def _actions_taking(key: str) -> str | None:
    takers = [action.value for action, (req, opt) in ACTION_SETTINGS.items() if key in req + opt]
    return ", ".join(takers) or None


def read_step(reader: Reader, node: Node, index: int, ctx: StepContext) -> Step | None:
    """Read the step at ``node`` (the ``index``-th, from 1); ``None`` when it cannot be built."""
    path = f"steps[{index}]"
    entries = reader.mapping(node, path, "a mapping with id, action and the action's settings")
    if entries is None:
        return None
    step_id = None
    if "id" in entries:
        step_id = reader.slug(entries["id"].value, f"{path}.id", "a step id")
    else:
        reader.report(
            node, f"{path} has no id; give every step a unique id such as add-dev-on-new."
        )
    action_name = None
    if "action" in entries:
        action_name = reader.choice(entries["action"].value, f"{path}.action", ACTIONS)
    else:
        reader.report(node, f"{path} has no action; it must be one of {', '.join(ACTIONS)}.")
    if action_name is None:
        every = sorted({key for req, opt in ACTION_SETTINGS.values() for key in req + opt})
        reader.check_keys(entries, path, COMMON_SETTINGS + tuple(every), owner="any action")
        return None
    action = Action(action_name)
    required, optional = ACTION_SETTINGS[action]
    reader.check_keys(
        entries,
        path,
        COMMON_SETTINGS + required + optional,
        owner=action.value,
        elsewhere=_actions_taking,
    )
    needs = " and ".join(required)
    complete = reader.require(entries, node, path, required, f"{action.value} needs {needs}.")
    step = _Step(reader, entries, ctx, step_id or f"step-{index}", index, node)
    built = _READERS[action](step)
    return built if complete and step_id is not None else None


# Settings several actions share ----------------------------------------------------------


def _server_named(reader: Reader, node: Node, path: str, ctx: StepContext) -> str | None:
    """Return the declared server name ``node`` holds, or report why it is not one."""
    names = list(ctx.servers or ())
    name = reader.string(node, path, f"the name of a server under servers: ({', '.join(names)})")
    if name is None or ctx.servers is None:
        return None
    if name not in ctx.servers:
        message = f"{path} names {name!r}, which is not one of the servers ({', '.join(names)})"
        guess = did_you_mean(name, names)
        reader.report(node, message + (f"; did you mean {guess!r}?" if guess else "."))
        return None
    return name


def _server(step: _Step) -> ServerSpec | None:
    node = step.value("server")
    if node is None:
        return None
    name = _server_named(step.reader, node, step.at("server"), step.ctx)
    return None if name is None or step.ctx.servers is None else step.ctx.servers[name]


def _license_type(reader: Reader, node: Node | None, path: str) -> LicenseType | None:
    if node is None:
        return None
    name = reader.choice(node, path, LICENSE_TYPES)
    return None if name is None else LicenseType(name)


def _invoice(step: _Step) -> Secret | None:
    node = step.value("invoice")
    if node is not None:
        variable = step.id.upper().replace("-", "_") + "_INVOICE"
        return step.reader.secret(node, step.at("invoice"), SecretKind.INVOICE, variable)
    return step.ctx.license.invoice if step.ctx.license else None


# One reader per action --------------------------------------------------------------------


def _preflight(step: _Step) -> PreflightStep | None:
    reader, ctx = step.reader, step.ctx
    if ctx.servers is None:
        return None
    names: list[str] = list(ctx.servers)
    node = step.value("servers")
    if node is not None:
        items = reader.sequence(
            node, step.at("servers"), "a list of server names, such as [old, new]"
        )
        if items == []:
            reader.report(
                node,
                f"{step.at('servers')} is empty; name at least one server, or leave servers "
                "out to visit them all.",
            )
        names = []
        for number, item in enumerate(items or [], start=1):
            item_path = f"{step.at('servers')}[{number}]"
            name = _server_named(reader, item, item_path, ctx)
            if name in names:
                reader.report(item, f"{item_path} names {name!r} a second time.")
            elif name is not None:
                names.append(name)
    expect: dict[str, tuple[LicenseType, ...]] = {}
    node = step.value("expect")
    if node is not None:
        _read_expect(reader, node, step.at("expect"), names, expect)
    servers = [ctx.servers[name] for name in names]
    invoice = ctx.license.invoice if ctx.license else None
    if invoice is None or not servers or None in servers:
        return None
    return PreflightStep(
        id=step.id,
        index=step.index,
        line=step.line,
        servers=tuple(server for server in servers if server is not None),
        expect=MappingProxyType(expect),
        invoice=invoice,
    )


def _read_expect(
    reader: Reader,
    node: Node,
    path: str,
    visited: list[str],
    expect: dict[str, tuple[LicenseType, ...]],
) -> None:
    entries = reader.mapping(
        node,
        path,
        "a mapping of server names to the license types each holds, such as old: [Production]",
    )
    for name, entry in (entries or {}).items():
        item_path = f"{path}.{name}"
        if name not in visited:
            guess = did_you_mean(name, visited)
            reader.report(
                entry.key,
                f"{item_path}: this preflight does not visit {name!r} (it visits "
                f"{', '.join(visited) or 'no server'})"
                + (f"; did you mean {guess!r}?" if guess else "."),
            )
            continue
        value = entry.value
        if isinstance(value, ScalarNode) and value.tag != "tag:yaml.org,2002:null":
            items: list[Node] | None = [value]  # a single type needs no brackets
        else:
            items = reader.sequence(
                value,
                item_path,
                f"a list of license types ({', '.join(LICENSE_TYPES)}), or [] for none",
            )
        types: list[LicenseType] = []
        for number, item in enumerate(items or [], start=1):
            license_type = _license_type(reader, item, f"{item_path}[{number}]")
            if license_type in types:
                reader.report(item, f"{item_path}[{number}] lists {license_type} twice.")
            elif license_type is not None:
                types.append(license_type)
        expect[name] = tuple(types)


def _add_license(step: _Step) -> AddLicenseStep | None:
    reader = step.reader
    server = _server(step)
    license_type = _license_type(reader, step.value("type"), step.at("type"))
    activation = Activation.AUTOMATIC
    activation_read = True
    node = step.value("activation")
    if node is not None:
        name = reader.choice(node, step.at("activation"), tuple(Activation))
        activation_read = name is not None
        activation = Activation(name) if name else activation
    key_file: Path | None = None
    node = step.value("activation_key_file")
    if node is not None:
        text = reader.string(node, step.at("activation_key_file"), "the path of a file")
        if text is not None:
            key_file = (step.ctx.base_dir / Path(text).expanduser()).absolute()
    key: Secret | None = None
    node = step.value("activation_key")
    if node is not None:
        key = reader.secret(
            node, step.at("activation_key"), SecretKind.ACTIVATION_KEY, "DNN_ACTIVATION_KEY"
        )
    manual_only = [s for s in ("activation_key_file", "activation_key") if s in step.entries]
    if activation is Activation.AUTOMATIC and activation_read:
        for setting in manual_only:
            reader.report(
                step.entries[setting].key,
                f"{step.at(setting)} is only used with manual activation; add "
                "activation: manual to this step, or remove it.",
            )
    if len(manual_only) == 2:
        reader.report(
            step.entries["activation_key"].key,
            f"{step.path} gives both activation_key and activation_key_file; keep one.",
        )
    node = step.value("email")
    email: Secret | None
    if node is not None:
        email = reader.secret(node, step.at("email"), SecretKind.EMAIL, "DNN_LICENSE_EMAIL")
    else:
        email = step.ctx.license.email if step.ctx.license else None
    invoice = _invoice(step)
    if server is None or license_type is None or email is None or invoice is None:
        return None
    return AddLicenseStep(
        id=step.id,
        index=step.index,
        line=step.line,
        server=server,
        type=license_type,
        email=email,
        invoice=invoice,
        activation=activation,
        activation_key_file=key_file,
        activation_key=key,
    )


def _remove_license(step: _Step) -> RemoveLicenseStep | None:
    server = _server(step)
    license_type = _license_type(step.reader, step.value("type"), step.at("type"))
    invoice = _invoice(step)
    if "type" not in step.entries and "invoice" not in step.entries:
        step.reader.report(
            step.node,
            f"{step.path} must say which license to remove: give type, invoice or both "
            "(invoice defaults to license.invoice).",
        )
    if server is None or invoice is None:
        return None
    return RemoveLicenseStep(
        id=step.id,
        index=step.index,
        line=step.line,
        server=server,
        invoice=invoice,
        type=license_type,
    )


def _verify_license(step: _Step) -> VerifyLicenseStep | None:
    reader = step.reader
    server = _server(step)
    license_type = _license_type(reader, step.value("type"), step.at("type"))
    invoice = _invoice(step)
    expires: Expiry = EXPIRES_FUTURE
    node = step.value("expires")
    if node is not None:
        text = reader.text(node, step.at("expires"), _EXPIRES)
        if text is not None and text.value.strip().casefold() != EXPIRES_FUTURE:
            day: date | None = reader.iso_date(text, step.at("expires"), _EXPIRES)
            expires = day if day is not None else expires
    only = False
    node = step.value("only")
    if node is not None:
        only = bool(reader.boolean(node, step.at("only")))
    if server is None or license_type is None or invoice is None:
        return None
    return VerifyLicenseStep(
        id=step.id,
        index=step.index,
        line=step.line,
        server=server,
        type=license_type,
        invoice=invoice,
        expires=expires,
        only=only,
    )


def _confirm(step: _Step) -> ConfirmStep | None:
    node = step.value("message")
    message = None
    if node is not None:
        message = step.reader.string(
            node, step.at("message"), "the instruction to show the operator"
        )
    if message is None:
        return None
    return ConfirmStep(id=step.id, index=step.index, line=step.line, message=message)


def _wait_http(step: _Step) -> WaitHttpStep | None:
    reader = step.reader
    node = step.value("url")
    url = None if node is None else reader.http_url(node, step.at("url"))
    status = DEFAULT_EXPECT_STATUS
    node = step.value("expect_status")
    if node is not None:
        expected = "an HTTP status code from 100 to 599, such as 200"
        number = reader.integer(node, step.at("expect_status"), expected)
        if number is not None and not 100 <= number <= 599:
            reader.report(node, f"{step.at('expect_status')} must be {expected} (got {number}).")
        elif number is not None:
            status = number
    contains = None
    node = step.value("contains")
    if node is not None:
        contains = reader.string(node, step.at("contains"), "the text the page must contain")
    timeout = DEFAULT_WAIT_TIMEOUT
    timeout_node = step.value("timeout")
    if timeout_node is not None:
        timeout = reader.duration(timeout_node, step.at("timeout")) or timeout
    interval = DEFAULT_WAIT_INTERVAL
    interval_node = step.value("interval")
    if interval_node is not None:
        interval = reader.duration(interval_node, step.at("interval")) or interval
    if interval > timeout:
        reader.report(
            interval_node or timeout_node or step.node,
            f"{step.at('interval')} must not be longer than the timeout, or the address would "
            "be checked only once; shorten the interval or lengthen the timeout.",
        )
    if url is None:
        return None
    return WaitHttpStep(
        id=step.id,
        index=step.index,
        line=step.line,
        url=url,
        expect_status=status,
        contains=contains,
        timeout=timeout,
        interval=interval,
    )


def _screenshot(step: _Step) -> ScreenshotStep | None:
    server = _server(step)
    label: str | None = step.id
    node = step.value("label")
    if node is not None:
        label = step.reader.slug(node, step.at("label"), "a label for the file name")
    if server is None or label is None:
        return None
    return ScreenshotStep(id=step.id, index=step.index, line=step.line, server=server, label=label)


_READERS: Final[Mapping[Action, Callable[[_Step], Step | None]]] = {
    Action.PREFLIGHT: _preflight,
    Action.ADD_LICENSE: _add_license,
    Action.REMOVE_LICENSE: _remove_license,
    Action.VERIFY_LICENSE: _verify_license,
    Action.CONFIRM: _confirm,
    Action.WAIT_HTTP: _wait_http,
    Action.SCREENSHOT: _screenshot,
}
