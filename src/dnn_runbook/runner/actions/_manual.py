"""Manual activation, for a server whose firewall keeps it from the licensing service.

The run records the Server ID into the evidence, shows it to the operator with the vendor's
request link, and takes the activation key from the runbook, a file, a provider (the
rehearsal's sandbox) or a prompt, in that order.
"""

from __future__ import annotations

from pathlib import Path

from dnn_runbook.exceptions import StepFailedError
from dnn_runbook.runbook import AddLicenseStep
from dnn_runbook.runner import attention
from dnn_runbook.runner.context import ServerHandle, StepContext
from pages import AboutPage, AddLicenseForm, Outcome


def _read_key_file(path: Path) -> str:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise StepFailedError(
            f"activation_key_file {path} could not be read "
            f"({exc.strerror or exc}); write the key there, then resume."
        ) from exc
    if not key:
        raise StepFailedError(
            f"activation_key_file {path} is empty; paste the activation key into it, then resume."
        )
    return key


def activate(
    ctx: StepContext, server: ServerHandle, step: AddLicenseStep, form: AddLicenseForm[AboutPage]
) -> Outcome:
    """Go through the Manual Activation page and return the server's answer."""
    ctx.console.activity(f"opening Manual Activation on {server.name}")
    page = form.start_manual_activation()
    server_id = page.server_id()
    link = page.request_url() or "the activation key request page on dnnsoftware.com"
    ctx.record.screenshots.append(
        ctx.evidence.text(
            step.index,
            step.id,
            "server-id",
            f"Server ID of {server.name}:\n{server_id}\n\nRequest the activation key at:\n{link}\n",
        )
    )
    server.screenshot("manual")
    ctx.log.info(
        "manual_activation_server_id", server=server.name, server_id=server_id, request_url=link
    )
    ctx.console.line(f"    Server ID of {server.name}: {server_id}")
    ctx.console.line(f"    Request the activation key at: {link}")
    if step.activation_key is not None:
        key = step.activation_key.reveal()
    elif step.activation_key_file is not None:
        key = _read_key_file(step.activation_key_file)
    elif ctx.options.activation_key_provider is not None:
        key = ctx.options.activation_key_provider(server_id, step)
    else:
        notice = attention.waiting(
            ctx.options.notify_command, bell=ctx.options.bell, step_id=ctx.step.id
        )
        key = ctx.console.prompt_secret(f"Activation key for {server.name}")
        if notice is not None:
            notice.settle(ctx.log)
    if not key.strip():
        raise StepFailedError(
            f"no activation key was given for {server.name}; resume the run and "
            "paste the key at the prompt, or name a file with activation_key_file."
        )
    ctx.secrets.add(key)
    ctx.console.activity(f"submitting the activation key on {server.name}")
    outcome = page.submit_activation_key(key.strip())
    page.back_to_licensing()
    return outcome
