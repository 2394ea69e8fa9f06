"""A rehearsal: a fresh sandbox, the runbook run against it, and what the sandbox saw.

The runbook's ``${DNN_*}`` variables are taken from the sandbox (they win over the
environment), so the repository's own ``runbook.yaml`` rehearses unchanged. Manual activation
is rehearsed end to end: the sandbox's licensing service issues the key for the Server ID the
run read, as the vendor's request page would for a person.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from dnn_runbook.cli.run_options import execute
from dnn_runbook.exceptions import SandboxError, StepFailedError
from dnn_runbook.exit_codes import ExitCode

if TYPE_CHECKING:
    from dnn_runbook.runbook import AddLicenseStep
    from dnn_runbook.sandbox import Sandbox


@dataclass(frozen=True, slots=True)
class RehearsalResult:
    """How the rehearsal's run ended, and the sandbox's truth at the end."""

    exit_code: int
    state: dict[str, Any]


def rehearse(
    runbook: Path,
    *,
    faults: list[str],
    echo: Callable[[str], None] = print,
    **run: Any,
) -> RehearsalResult:
    """Start the sandbox, run ``runbook`` against it, stop it; return the outcome and truth."""
    from dnn_runbook.sandbox import Sandbox

    try:
        sandbox = Sandbox.start(faults=faults)
    except SandboxError as exc:
        echo(f"error: {exc}")
        return RehearsalResult(ExitCode.INVALID, {})
    with sandbox:
        echo(
            f"Sandbox: old {sandbox.old.url}, new {sandbox.new.url}, licensing "
            f"{sandbox.licensing.url}" + (f"; faults: {', '.join(faults)}" if faults else "")
        )
        environ = {**os.environ, **sandbox.env()}
        code = execute(
            runbook, env_file=None, environ=environ, key_provider=key_provider(sandbox), **run
        )
        state = sandbox.state()
    echo("Sandbox afterwards: " + summarize(state))
    return RehearsalResult(code, state)


_KEY = re.compile(r'<textarea id="activationKey"[^>]*>([0-9A-Fa-f]+)</textarea>')
_ERROR = re.compile(r'<p class="error" role="alert">(.*?)</p>', re.DOTALL)


def key_provider(sandbox: Sandbox) -> Callable[[str, AddLicenseStep], str]:
    """Get manual activation keys from the sandbox's request page, as a person would: post
    the Server ID, invoice, email and type, and copy the key it shows."""

    def provide(server_id: str, step: AddLicenseStep) -> str:
        form = {
            "serverId": server_id,
            "invoice": step.invoice.reveal(),
            "email": step.email.reveal(),
            "licenseType": step.type.value,
        }
        with httpx.Client(trust_env=False, timeout=30) as client:
            page = client.post(sandbox.licensing.request_url, data=form).text
        found = _KEY.search(page)
        if found is None:
            error = _ERROR.search(page)
            said = html.unescape(error.group(1)).strip() if error else "no key and no reason"
            raise StepFailedError(
                f"Step {step.id!r}: the sandbox's activation key request page refused the "
                f"request: {said}"
            )
        return found.group(1)

    return provide


def summarize(state: dict[str, Any]) -> str:
    """One line: which server holds which license types (invoices not shown)."""
    parts = []
    for name, server in state.get("servers", {}).items():
        licenses = server.get("licenses", []) if isinstance(server, dict) else []
        types = ", ".join(str(lic.get("type", "?")) for lic in licenses) or "no license"
        parts.append(f"{name}: {types}")
    return "; ".join(parts) or "unknown"
