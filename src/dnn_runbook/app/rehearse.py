"""``dnn-runbook rehearse``: a fresh sandbox, the runbook run against it, and what the sandbox saw.

The runbook's ``${DNN_*}`` variables are taken from the sandbox (they win over the
environment), so the repository's own ``runbook.yaml`` rehearses unchanged. Manual activation
is rehearsed end to end: the sandbox's licensing service issues the key for the Server ID the
run read, as the vendor's request page would for a person.
"""

from __future__ import annotations

import dataclasses
import html
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from dnn_runbook.app.run import RunResult, load_runbook, notify_end, options_refused, run_loaded
from dnn_runbook.exceptions import SandboxError, StepFailedError
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.options import RunOptions

if TYPE_CHECKING:
    from dnn_runbook.runbook import AddLicenseStep
    from dnn_runbook.sandbox import Sandbox


@dataclass(frozen=True, slots=True)
class RehearsalResult:
    """How the rehearsal's run ended, and the sandbox's truth at the end."""

    run: RunResult
    state: dict[str, Any]

    @property
    def exit_code(self) -> ExitCode:
        """The run's exit code."""
        return self.run.exit_code


def rehearse(
    runbook: Path,
    options: RunOptions,
    *,
    faults: Sequence[str] = (),
    ui: str = "dnn",
    persona_bar_dir: Path | None = None,
    console: Console | None = None,
) -> RehearsalResult:
    """Start a sandbox, run ``runbook`` against it with ``options``, stop it; return the
    outcome and the sandbox's truth. ``ui`` is the sandbox's front end (``"dnn"``, DNN's own
    components, or ``"classic"``); ``persona_bar_dir``, a copy of a DNN install's
    ``DesktopModules/admin/Dnn.PersonaBar/``, replaces the sandbox's own Persona Bar shell
    (``Sandbox.start(persona_bar_dir=...)``). The sandbox issues manual activation keys unless
    ``options`` names another provider."""
    from dnn_runbook.sandbox import Sandbox

    if not runbook.is_file():
        missing = RunResult(ExitCode.INVALID, error=f"the runbook {runbook} does not exist.")
        return RehearsalResult(missing, {})
    refused = options_refused(options)
    if refused is not None:
        return RehearsalResult(refused, {})
    shown = console if console is not None else Console(log_format=options.log_format)
    try:
        sandbox = Sandbox.start(faults=list(faults), ui=ui, persona_bar_dir=persona_bar_dir)
    except SandboxError as exc:
        return RehearsalResult(RunResult(ExitCode.INVALID, error=str(exc)), {})
    with sandbox:
        shown.line(
            f"Sandbox: old {sandbox.old.url}, new {sandbox.new.url}, licensing "
            f"{sandbox.licensing.url}"
            + (f"; faults: {', '.join(faults)}" if faults else "")
            + ("; classic front end" if ui == "classic" else "")
            + (f"; Persona Bar from {persona_bar_dir}" if persona_bar_dir is not None else "")
        )
        loaded = load_runbook(runbook, environ={**os.environ, **sandbox.env()})
        if isinstance(loaded, RunResult):
            return RehearsalResult(notify_end(options, loaded, shown), sandbox.state())
        options = dataclasses.replace(options, rehearsal=True)
        if options.activation_key_provider is None:
            options = dataclasses.replace(options, activation_key_provider=key_provider(sandbox))
        result = run_loaded(loaded, options, console=shown)
        state = sandbox.state()
    shown.line("Sandbox afterwards: " + summarize(state))
    return RehearsalResult(result, state)


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
                f"the sandbox's activation key request page refused the request: {said}"
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
