"""``dnn-runbook sandbox``: run the simulated Evoq servers and licensing service until Ctrl-C."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dnn_runbook.cli._params import FAULTS_HELP, PersonaBarDir, SandboxUi, check_persona_bar_ui
from dnn_runbook.exit_codes import ExitCode

if TYPE_CHECKING:
    from dnn_runbook.sandbox import Sandbox

_PORT = {"min": 1, "max": 65535}


def sandbox(
    port_old: Annotated[
        int | None,
        typer.Option("--port-old", metavar="PORT", help="Port of the old DNN server.", **_PORT),
    ] = None,
    port_new: Annotated[
        int | None,
        typer.Option("--port-new", metavar="PORT", help="Port of the new DNN server.", **_PORT),
    ] = None,
    port_licensing: Annotated[
        int | None,
        typer.Option(
            "--port-licensing", metavar="PORT", help="Port of the licensing service.", **_PORT
        ),
    ] = None,
    fault: Annotated[
        list[str] | None,
        typer.Option(
            "--fault",
            metavar="SPEC",
            help=f"Switch a fault on from the start (repeatable): {FAULTS_HELP}.",
        ),
    ] = None,
    env_file: Annotated[
        Path | None,
        typer.Option(
            "--env-file",
            metavar="FILE",
            dir_okay=False,
            resolve_path=True,
            help="Write DNN_OLD_URL ... DNN_LICENSING_URL as KEY=value lines here (mode 0600).",
        ),
    ] = None,
    ui: SandboxUi = "dnn",
    replay: Annotated[
        Path | None,
        typer.Option(
            "--replay",
            metavar="CAPTURE",
            exists=True,
            dir_okay=False,
            help="Serve the markup of CAPTURE (a file written with --capture) instead of --ui's, "
            "with the sandbox's licenses and actions behind it.",
            show_default=False,
        ),
    ] = None,
    persona_bar: PersonaBarDir = None,
    evoq_version: Annotated[
        str,
        typer.Option(
            "--evoq-version", metavar="VERSION", help="9.1 shows 'About'; 9.0 shows 'Licensing'."
        ),
    ] = "9.1",
    seed_licenses: Annotated[
        int,
        typer.Option(
            "--seed-licenses",
            metavar="N",
            min=0,
            max=10_000,
            help="Extra licenses on the old server.",
        ),
    ] = 0,
    show_secrets: Annotated[
        bool,
        typer.Option(
            "--show-secrets",
            help="Also print the passwords, account email and invoice (hidden by default).",
        ),
    ] = False,
) -> None:
    """Run an old and a new Evoq server and the licensing service on 127.0.0.1 until Ctrl-C."""
    from dnn_runbook.exceptions import FaultSpecError, ReplayError, SandboxError
    from dnn_runbook.sandbox import Sandbox
    from dnn_runbook.sandbox.envfile import write_env_file

    check_persona_bar_ui(persona_bar, ui)
    ports = {"old": port_old, "new": port_new, "licensing": port_licensing}
    try:
        sb = Sandbox.start(
            faults=fault or [],
            evoq_version=evoq_version,
            ui=ui,
            seed_licenses=seed_licenses,
            ports=ports,
            replay=replay,
            persona_bar_dir=persona_bar,
        )
    except (FaultSpecError, ReplayError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(ExitCode.INVALID) from None
    except SandboxError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(ExitCode.STEP_FAILED) from None
    stop = threading.Event()
    # SIGTERM (a service manager's stop) ends the command as Ctrl-C does; the handler is in
    # place before "Ready." is printed, so a signal sent on seeing it is never missed.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        if env_file is not None:
            write_env_file(env_file, sb.env())
        _print_banner(sb, env_file, show_secrets=show_secrets)
        _serve_until_interrupted(sb, stop)
    except KeyboardInterrupt:
        # Ctrl-C is how this command is meant to end, even before "Ready." was printed.
        pass
    except SandboxError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(ExitCode.STEP_FAILED) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
        sb.stop()
    typer.echo("Sandbox stopped.")


def _print_banner(sb: Sandbox, env_file: Path | None, *, show_secrets: bool) -> None:
    def secret(value: str, name: str | None) -> str:
        if show_secrets:
            return value
        if name and env_file:
            return f"(hidden: {name} in {env_file})"
        return "(hidden: see --show-secrets)"

    faults = ", ".join(sb.faults.specs()) or "none"
    lines = [
        f"Sandbox running: Evoq {sb.evoq_version}, {sb.ui} front end, faults: {faults}.",
        *([f"  {sb.replaying}"] if sb.replaying else []),
        f"  old server         {sb.old.url}  (web server {sb.old.server_name})",
        f"      host login     {sb.old.username} / {secret(sb.old.password, 'DNN_OLD_PASSWORD')}",
        f"      non-host admin {sb.old.admin_username} / {secret(sb.old.admin_password, None)}",
        f"  new server         {sb.new.url}  (web server {sb.new.server_name})",
        f"      host login     {sb.new.username} / {secret(sb.new.password, 'DNN_NEW_PASSWORD')}",
        f"      non-host admin {sb.new.admin_username} / {secret(sb.new.admin_password, None)}",
        *(
            [f"  Persona Bar shell  {sb.persona_bar_dir} (About panel: the sandbox's)"]
            if sb.persona_bar_dir is not None
            else []
        ),
        f"  licensing service  {sb.licensing.url}",
        f"      key requests   {sb.licensing.request_url}",
        f"      truth          {sb.licensing.url}/_sandbox/state",
        f"  license email      {secret(sb.license_email, 'DNN_LICENSE_EMAIL')}",
        f"  license invoice    {secret(sb.license_invoice, 'DNN_LICENSE_INVOICE')}",
    ]
    if env_file is not None:
        lines.append(f"Wrote {env_file} (KEY=value lines, mode 0600).")
    lines.append("Ready. Press Ctrl-C to stop.")
    for line in lines:
        typer.echo(line)


def _serve_until_interrupted(sb: Sandbox, stop: threading.Event) -> None:
    """Block until Ctrl-C or ``stop`` is set (both end in a clean stop), or a server dies."""
    # A bounded wait, so Ctrl-C is seen on Windows too and a dead server ends the command.
    while sb.running and not stop.wait(0.5):
        pass
    if not stop.is_set() and not sb.running:
        from dnn_runbook.exceptions import SandboxError

        raise SandboxError("A sandbox server stopped unexpectedly; see the log above.")
