"""A rehearsal: a fresh sandbox, the runbook run against it, and what the sandbox saw.

The runbook's ``${DNN_*}`` variables are taken from the sandbox (they win over the
environment), so the repository's own ``runbook.yaml`` rehearses unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer

from dnn_runbook.cli.run_options import execute
from dnn_runbook.exceptions import SandboxError
from dnn_runbook.exit_codes import ExitCode


def rehearse(runbook: Path, *, faults: list[str], **run: Any) -> int:
    """Start the sandbox, run ``runbook`` against it, report, stop it; return the exit code."""
    from dnn_runbook.sandbox import Sandbox

    try:
        sandbox = Sandbox.start(faults=faults)
    except SandboxError as exc:
        typer.echo(f"error: {exc}", err=True)
        return ExitCode.INVALID
    with sandbox:
        typer.echo(
            f"Sandbox: old {sandbox.old.url}, new {sandbox.new.url}, "
            f"licensing {sandbox.licensing.url}"
            + (f", faults: {', '.join(faults)}" if faults else "")
        )
        environ = {**os.environ, **sandbox.env()}
        code = execute(
            runbook, env_file=None, environ=environ, key_provider=_key_provider(sandbox), **run
        )
        typer.echo("Sandbox state afterwards: " + summarize(sandbox.state()))
    return code


def _key_provider(sandbox: Any) -> Any:
    issue = getattr(sandbox, "activation_key", None)
    if issue is None:
        return None

    def provide(server_id: str, step: Any) -> str:
        return str(
            issue(
                server_id=server_id,
                invoice=step.invoice.reveal(),
                email=step.email.reveal(),
                license_type=step.type.value,
            )
        )

    return provide


def summarize(state: dict[str, Any]) -> str:
    """One line: which server holds which license types (invoices not shown)."""
    servers = state.get("servers", {})
    parts = []
    for name, server in servers.items():
        licenses = server.get("licenses", []) if isinstance(server, dict) else []
        types = ", ".join(str(lic.get("type", "?")) for lic in licenses) or "no license"
        parts.append(f"{name}: {types}")
    return "; ".join(parts) or "unknown"
