"""Validating a runbook document and building the model from it: ``check`` and ``load``.

The order of work: read the env file, read the runbook's bytes, compose the YAML into
positioned nodes, then read the document top-down with ``Reader``, which reports every
problem and carries on. Cross-step rules (unique ids, servers used) come last. A runbook is
built only when no error was found; warnings never stop it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

from yaml.nodes import MappingNode, Node, ScalarNode

from dnn_runbook.exceptions import RunbookInvalidError
from dnn_runbook.problems import Problem, Severity
from dnn_runbook.runbook._fields import Entry, Reader, describe_node, slugify
from dnn_runbook.runbook._flow import flow_warnings
from dnn_runbook.runbook._loader import compose, read_source
from dnn_runbook.runbook._step_node import StepReferences
from dnn_runbook.runbook._steps import read_step
from dnn_runbook.runbook._variables import read_env_file
from dnn_runbook.runbook.model import (
    DEFAULT_LOGIN_PATH,
    LicenseSpec,
    PreflightStep,
    Runbook,
    ServerSpec,
    Step,
)
from dnn_runbook.runbook.secrets import SecretKind

#: The runbook versions this release understands.
SUPPORTED_VERSIONS: Final = (1,)
TOP_LEVEL_SETTINGS: Final = (
    "version",
    "name",
    "description",
    "max_development_window",
    "servers",
    "license",
    "steps",
)
REQUIRED_TOP_LEVEL: Final = ("version", "name", "servers", "license", "steps")
SERVER_SETTINGS: Final = ("url", "username", "password", "login_path", "tls_verify", "tls_ca")
REQUIRED_SERVER_SETTINGS: Final = ("url", "username", "password")
LICENSE_SETTINGS: Final = ("email", "invoice")


def check(
    path: str | os.PathLike[str],
    env_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[Runbook | None, list[Problem]]:
    """Validate the runbook at ``path``; return it (``None`` if invalid) and every problem.

    ``${VAR}`` values come from ``environ`` (the process environment by default) and then
    from ``env_file``: the environment wins. Problems come sorted: the env file's first, then
    the runbook's by line and column. Warnings never make the runbook ``None``.
    """
    file_values: dict[str, str] = {}
    problems: list[Problem] = []
    if env_file is not None:
        file_values, problems = read_env_file(env_file)
    environment = os.environ if environ is None else environ

    def lookup(name: str) -> str | None:
        value = environment.get(name)
        return value if value is not None else file_values.get(name)

    env_label = None if env_file is None else os.fspath(env_file)
    known = set(environment) | set(file_values)
    source, read_problems = read_source(path)
    problems += read_problems
    runbook = (
        None
        if source is None
        else _read_document(Reader(source, lookup, env_label, known=known), problems)
    )
    if any(problem.is_error for problem in problems):
        runbook = None
    return runbook, _sorted(problems, os.fspath(path))


def load(
    path: str | os.PathLike[str],
    env_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Runbook:
    """Validate and return the runbook at ``path``, as ``check`` does; warnings are dropped.

    Raises:
        RunbookInvalidError: the runbook or the env file has at least one error; the
            exception carries every problem, warnings included.
    """
    runbook, problems = check(path, env_file, environ)
    if runbook is None:
        raise RunbookInvalidError(problems)
    return runbook


def _read_document(reader: Reader, problems: list[Problem]) -> Runbook | None:
    """Compose and read the runbook of ``reader``, adding its problems to ``problems`` (which
    already holds the env file's)."""
    root, yaml_problems = compose(reader.source)
    problems += yaml_problems
    if root is None:
        return None
    runbook = _read_runbook(reader, root)
    problems += reader.redact()
    # The flow is only worth walking in a runbook that is otherwise right.
    if runbook is not None and not any(problem.is_error for problem in problems):
        problems += flow_warnings(runbook, reader.source.label, reader.source.text)
    return runbook


def _sorted(problems: list[Problem], runbook_label: str) -> list[Problem]:
    # The env file's problems first: an undefined variable in the runbook is often their echo.
    return sorted(problems, key=lambda p: (p.file == runbook_label, p.line, p.col))


def _read_runbook(reader: Reader, root: Node) -> Runbook | None:
    if not isinstance(root, MappingNode):
        reader.report(
            root,
            "a runbook must be a mapping with version, name, servers, license and steps "
            f"(got {describe_node(root)}).",
        )
        return None
    entries = reader.entries(root)
    reader.check_keys(entries, "", TOP_LEVEL_SETTINGS, owner="a runbook")
    for key in REQUIRED_TOP_LEVEL:
        if key not in entries:
            hint = "add 'version: 1' at the top" if key == "version" else _TOP_HINTS[key]
            reader.report(root, f"the runbook has no {key}; {hint}.")
    version = _read_version(reader, entries.get("version"))
    name = None
    if "name" in entries:
        name = reader.slug(entries["name"].value, "name", "a slug (it names the run folders)")
    description = ""
    if "description" in entries:
        description = (
            reader.string(entries["description"].value, "description", empty_ok=True) or ""
        )
    window = None
    if "max_development_window" in entries:
        window = reader.duration(entries["max_development_window"].value, "max_development_window")
    servers = _read_servers(reader, entries.get("servers"))
    license_spec = _read_license(reader, entries.get("license"))
    context = StepReferences(servers, license_spec, reader.source.path.absolute().parent)
    steps = _read_steps(reader, entries.get("steps"), context)
    _check_servers_used(reader, entries.get("servers"), servers or {}, steps)
    if version is None or name is None or license_spec is None or steps is None:
        return None
    if servers is None or None in servers.values():
        return None
    return Runbook(
        version=version,
        name=name,
        description=description.strip(),
        servers=MappingProxyType({key: spec for key, spec in servers.items() if spec is not None}),
        license=license_spec,
        steps=steps,
        max_development_window=window,
        source=reader.source.path.absolute(),
        sha256=reader.source.sha256,
    )


_TOP_HINTS: Final = {
    "name": "add a slug such as 'name: migrate-evoq-license'",
    "servers": "add the servers the steps act on, each with url, username and password",
    "license": "add license: with email and invoice",
    "steps": "add the steps to run",
}


def _read_version(reader: Reader, entry: Entry | None) -> int | None:
    if entry is None:
        return None
    (supported,) = SUPPORTED_VERSIONS
    expected = f"{supported}, the only runbook version this dnn-runbook knows"
    version = reader.integer(entry.value, "version", expected)
    if version is not None and version not in SUPPORTED_VERSIONS:
        reader.report(entry.value, f"version must be {expected} (got {version}).")
        return None
    return version


def _read_servers(reader: Reader, entry: Entry | None) -> dict[str, ServerSpec | None] | None:
    if entry is None:
        return None
    entries = reader.mapping(
        entry.value,
        "servers",
        "a mapping of server names (such as old and new) to their url, username and password",
    )
    if entries is None:
        return None
    servers: dict[str, ServerSpec | None] = {}
    if not entries:
        reader.report(entry.value, "servers is empty; name at least one server.")
    for name, server in entries.items():
        servers[name] = _read_server(reader, name, server)
    return servers


def _read_server(reader: Reader, name: str, entry: Entry) -> ServerSpec | None:
    path = f"servers.{name}"
    slug_ok = slugify(name) == name
    if not slug_ok:
        reader.report(
            entry.key,
            f"{path}: a server name must be a slug (lower-case letters, digits and hyphens), as "
            f"it names files; did you mean {slugify(name) or 'old'!r}?",
        )
    entries = reader.mapping(entry.value, path, "a mapping with url, username and password")
    if entries is None:
        return None
    reader.check_keys(entries, path, SERVER_SETTINGS, owner="a server")
    reader.require(
        entries,
        entry.value,
        path,
        REQUIRED_SERVER_SETTINGS,
        "a server needs url, username and password.",
    )
    url = username = password = None
    if "url" in entries:
        url = reader.http_url(entries["url"].value, f"{path}.url", strip_slash=True)
    if "username" in entries:
        username = reader.string(entries["username"].value, f"{path}.username", "a user name")
    if "password" in entries:
        variable = "DNN_" + name.upper().replace("-", "_") + "_PASSWORD"
        password = reader.secret(
            entries["password"].value, f"{path}.password", SecretKind.PASSWORD, variable
        )
    login_path = DEFAULT_LOGIN_PATH
    if "login_path" in entries:
        node = entries["login_path"].value
        text = reader.string(node, f"{path}.login_path", "a path starting with /, such as /Login")
        if text is not None and not text.startswith("/"):
            reader.report(
                node,
                f"{path}.login_path must be a path starting with /, such as /Login (got {text!r}).",
            )
        elif text is not None:
            login_path = text
    tls = _read_tls(reader, path, entries)
    if url is None or username is None or password is None or not slug_ok or tls is None:
        return None
    return ServerSpec(name, url, username, password, login_path, *tls)


def _read_tls(
    reader: Reader, path: str, entries: dict[str, Entry]
) -> tuple[bool, Path | None] | None:
    """``tls_verify`` and ``tls_ca`` (a file, relative to the runbook's folder, that must exist
    now); ``None`` when either is invalid or both are given."""
    verify: bool | None = True
    if "tls_verify" in entries:
        verify = reader.boolean(entries["tls_verify"].value, f"{path}.tls_verify")
    bundle: Path | None = None
    if "tls_ca" in entries:
        node = entries["tls_ca"].value
        text = reader.string(node, f"{path}.tls_ca", "the path of a CA bundle (PEM)")
        if text is None:
            return None
        bundle = (reader.source.path.absolute().parent / Path(text).expanduser()).absolute()
        if not bundle.is_file():
            reader.report(
                node,
                f"{path}.tls_ca must name a CA bundle file (PEM), relative to the runbook's "
                f"folder; there is no file at {bundle}.",
            )
            return None
        if verify is False:
            reader.report(
                entries["tls_verify"].value,
                f"{path} gives both tls_ca and tls_verify: false; keep one (tls_ca checks the "
                "certificate against the bundle, tls_verify: false checks nothing).",
            )
            return None
    return None if verify is None else (verify, bundle)


def _read_license(reader: Reader, entry: Entry | None) -> LicenseSpec | None:
    if entry is None:
        return None
    entries = reader.mapping(entry.value, "license", "a mapping with email and invoice")
    if entries is None:
        return None
    reader.check_keys(entries, "license", LICENSE_SETTINGS, owner="license")
    reader.require(
        entries,
        entry.value,
        "license",
        LICENSE_SETTINGS,
        "license needs the Evoq account email and the invoice number.",
    )
    email = invoice = None
    if "email" in entries:
        node = entries["email"].value
        email = reader.secret(node, "license.email", SecretKind.EMAIL, "DNN_LICENSE_EMAIL")
        if email is not None:
            local, at, domain = email.reveal().strip().rpartition("@")
            if not (local and at and domain):
                # The value itself is never shown, even when it is malformed.
                reader.report(
                    node, "license.email must be an email address (the value is not shown here)."
                )
    if "invoice" in entries:
        invoice = reader.secret(
            entries["invoice"].value, "license.invoice", SecretKind.INVOICE, "DNN_LICENSE_INVOICE"
        )
    if email is None or invoice is None:
        return None
    return LicenseSpec(email, invoice)


def _read_steps(
    reader: Reader, entry: Entry | None, context: StepReferences
) -> tuple[Step, ...] | None:
    if entry is None:
        return None
    items = reader.sequence(entry.value, "steps", "a list of steps")
    if items is None:
        return None
    if not items:
        reader.report(entry.value, "steps is empty; a runbook needs at least one step.")
        return None
    steps: list[Step | None] = []
    first_use: dict[str, int] = {}
    for index, node in enumerate(items, start=1):
        step = read_step(reader, node, index, context)
        steps.append(step)
        pairs = node.value if isinstance(node, MappingNode) else []
        for key, value in pairs:
            if key.value != "id" or not isinstance(value, ScalarNode):
                continue
            step_id = str(value.value)
            if step_id in first_use:
                reader.report(
                    value,
                    f"steps[{index}].id {step_id!r} is already the id of "
                    f"steps[{first_use[step_id]}]; step ids must be unique.",
                )
            else:
                first_use[step_id] = index
    if None in steps:
        return None
    return tuple(step for step in steps if step is not None)


def _check_servers_used(
    reader: Reader,
    entry: Entry | None,
    servers: Mapping[str, ServerSpec | None],
    steps: tuple[Step, ...] | None,
) -> None:
    """Warn about a server no step acts on (often a misspelt name, or a step left out)."""
    if entry is None or steps is None or not isinstance(entry.value, MappingNode):
        return
    used: set[str] = set()
    for step in steps:
        if isinstance(step, PreflightStep):
            used.update(server.name for server in step.servers)
        elif (server := getattr(step, "server", None)) is not None:
            used.add(server.name)
    for key, _ in entry.value.value:
        name = key.value
        if isinstance(name, str) and name in servers and name not in used:
            reader.report(
                key,
                f"servers.{name} is not used by any step; remove it, or add the steps that "
                "should act on it.",
                severity=Severity.WARNING,
            )
