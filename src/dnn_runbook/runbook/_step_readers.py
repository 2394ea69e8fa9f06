"""How each action's step is read from its YAML mapping: one reader per action, and the
parts they share (the server a step names, its license type, its invoice).

A reader returns ``None`` when a required part is missing; when only an optional part is
wrong it still builds the step, with the default in its place, since the problem recorded for
it already makes the whole runbook invalid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Final

from yaml.nodes import Node, ScalarNode

from dnn_runbook.runbook import _wait_readers
from dnn_runbook.runbook._fields import Reader, did_you_mean
from dnn_runbook.runbook._step_node import StepNode, StepReferences
from dnn_runbook.runbook.model import (
    EXPIRES_FUTURE,
    Action,
    Activation,
    AddLicenseStep,
    ConfirmStep,
    Expiry,
    LicenseType,
    PreflightStep,
    RemoveLicenseStep,
    ScreenshotStep,
    ServerSpec,
    Step,
    VerifyLicenseStep,
)
from dnn_runbook.runbook.secrets import Secret, SecretKind

LICENSE_TYPES: Final = tuple(license_type.value for license_type in LicenseType)
_EXPIRES = "future, or the date EXPIRES must show written YYYY-MM-DD (such as 2027-06-30)"


def _server_named(reader: Reader, node: Node, path: str, ctx: StepReferences) -> str | None:
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


def _server(step: StepNode) -> ServerSpec | None:
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


def _invoice(step: StepNode) -> Secret | None:
    node = step.value("invoice")
    if node is not None:
        variable = step.id.upper().replace("-", "_") + "_INVOICE"
        return step.reader.secret(node, step.at("invoice"), SecretKind.INVOICE, variable)
    return step.ctx.license.invoice if step.ctx.license else None


# One reader per action --------------------------------------------------------------------


def _preflight(step: StepNode) -> PreflightStep | None:
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


def _add_license(step: StepNode) -> AddLicenseStep | None:
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


def _remove_license(step: StepNode) -> RemoveLicenseStep | None:
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


def _verify_license(step: StepNode) -> VerifyLicenseStep | None:
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


def _confirm(step: StepNode) -> ConfirmStep | None:
    node = step.value("message")
    message = None
    if node is not None:
        message = step.reader.string(
            node, step.at("message"), "the instruction to show the operator"
        )
    if message is None:
        return None
    return ConfirmStep(id=step.id, index=step.index, line=step.line, message=message)


def _screenshot(step: StepNode) -> ScreenshotStep | None:
    server = _server(step)
    label: str | None = step.id
    node = step.value("label")
    if node is not None:
        label = step.reader.slug(node, step.at("label"), "a label for the file name")
    if server is None or label is None:
        return None
    return ScreenshotStep(id=step.id, index=step.index, line=step.line, server=server, label=label)


READERS: Final[Mapping[Action, Callable[[StepNode], Step | None]]] = {
    Action.PREFLIGHT: _preflight,
    Action.ADD_LICENSE: _add_license,
    Action.REMOVE_LICENSE: _remove_license,
    Action.VERIFY_LICENSE: _verify_license,
    Action.CONFIRM: _confirm,
    Action.WAIT_HTTP: _wait_readers.wait_http,
    Action.WAIT_CUTOVER: _wait_readers.wait_cutover,
    Action.SCREENSHOT: _screenshot,
}
