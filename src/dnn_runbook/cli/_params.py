"""The flags several commands share, declared once, and how they become :class:`RunOptions`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from dnn_runbook.printable import printable

if TYPE_CHECKING:
    from dnn_runbook.runner.options import RunOptions

# Plain literals, not the runner's enums: importing the runner here would cost every
# command's start-up (validate's most of all) the evidence and console modules.
TraceChoice = Literal["on", "retain-on-failure", "off"]
LogFormatChoice = Literal["console", "json"]

RunbookArgument = Annotated[
    Path,
    typer.Argument(
        metavar="RUNBOOK", help="The runbook file, such as runbook.yaml.", show_default=False
    ),
]
EnvFile = Annotated[
    Path | None,
    typer.Option(
        "--env-file",
        metavar="FILE",
        help="Read ${VAR} values from this KEY=value file; the environment wins over it.",
        show_default=False,
    ),
]
AssumeYes = Annotated[
    bool,
    typer.Option("--yes", "-y", help="Confirm every human step (for unattended rehearsals)."),
]
Headed = Annotated[bool, typer.Option("--headed", help="Show the browser window.")]
SlowMo = Annotated[
    float,
    typer.Option(
        "--slow-mo", metavar="MS", min=0, help="Slow every browser action by MS milliseconds."
    ),
]
EvidenceDir = Annotated[
    Path,
    typer.Option(
        "--evidence-dir",
        metavar="DIR",
        help="The folder that receives one new run directory per run.",
        file_okay=False,
    ),
]
BrowserPath = Annotated[
    str | None,
    typer.Option(
        "--browser-path",
        metavar="PATH",
        envvar="DNN_RUNBOOK_BROWSER",
        help="Use this Chromium, Chrome or Edge binary.",
        show_default=False,
    ),
]
Proxy = Annotated[
    str | None,
    typer.Option(
        "--proxy",
        metavar="URL",
        help="Reach the servers through this proxy (http://host:port, https://..., "
        "socks5://...); this machine's own addresses never go through it.",
        show_default=False,
    ),
]
ShowLicenseIds = Annotated[
    bool,
    typer.Option(
        "--show-license-ids",
        help="Do not mask the account email and invoice number in screenshots (passwords and "
        "activation keys are always masked).",
    ),
]
Screenshots = Annotated[
    bool,
    typer.Option(
        "--screenshots/--no-screenshots",
        help="Take before/after screenshots (the default); --no-screenshots keeps only the "
        "journal, the events, the manifest and a report without images.",
    ),
]
Trace = Annotated[
    TraceChoice,
    typer.Option(
        "--trace",
        metavar="MODE",
        help="Keep a Playwright trace of each server's browser, scrubbed of every secret: "
        "on, retain-on-failure (only when the run fails) or off.",
    ),
]
Timeout = Annotated[
    float,
    typer.Option(
        "--timeout", metavar="SECONDS", min=1, help="How long to wait for a page to answer."
    ),
]
CaptureFile = Annotated[
    Path | None,
    typer.Option(
        "--capture",
        metavar="FILE",
        dir_okay=False,
        help="Also write FILE: what the tool met on each server (the pages' markup, "
        "accessibility trees, loaded paths, versions, timings), every secret and license id "
        "replaced by a placeholder; to attach to a bug report.",
        show_default=False,
    ),
]
UiChoice = Literal["dnn", "classic"]
SandboxUi = Annotated[
    UiChoice,
    typer.Option(
        "--ui",
        metavar="FRONT_END",
        help="The sandbox's front end: dnn (DNN's Persona Bar shell and an About panel built "
        "from DNN's React components) or classic (plain hand-made markup).",
    ),
]


def _persona_bar_dir(value: Path | None) -> Path | None:
    if value is None:
        return None
    from dnn_runbook.exceptions import SandboxError
    from dnn_runbook.sandbox.persona_bar_folder import checked_dir

    try:
        return checked_dir(value)
    except SandboxError as exc:
        raise typer.BadParameter(str(exc).replace("persona_bar_dir", "DIR", 1)) from None


PersonaBarDir = Annotated[
    Path | None,
    typer.Option(
        "--persona-bar",
        metavar="DIR",
        callback=_persona_bar_dir,
        help="Serve this Persona Bar folder (a copy of DesktopModules/admin/Dnn.PersonaBar from "
        "your DNN install) instead of the sandbox's own shell; the About panel stays the "
        "sandbox's. Only with --ui dnn.",
        show_default=False,
    ),
]


def check_persona_bar_ui(persona_bar: Path | None, ui: str) -> None:
    """Refuse ``--persona-bar`` with a front end other than ``dnn``.

    Raises:
        typer.BadParameter: both were given.
    """
    if persona_bar is not None and ui != "dnn":
        raise typer.BadParameter(
            f"needs --ui dnn (DNN's shell loads the About panel as a module), got --ui {ui}; "
            "leave --ui out.",
            param_hint="--persona-bar",
        )


#: The fault specs, for the help of the commands that start a sandbox.
FAULTS_HELP = (
    "licensing-down, licensing-down:old, licensing-down:new, licensing-slow=SECONDS, "
    "licensing-flaky=FRACTION, pages-slow=SECONDS, api-slow=SECONDS, session-expiry=SECONDS, "
    "old-unlicensed, custom-login=PATH:N"
)
LogFormatOption = Annotated[
    LogFormatChoice,
    typer.Option(
        "--log-format",
        metavar="FORMAT",
        help="How events reach the console: console (one readable line each, on a terminal) "
        "or json (one JSON object a line on stderr, for machines). events.jsonl is always JSON.",
    ),
]


SignKey = Annotated[
    Path | None,
    typer.Option(
        "--sign-key",
        metavar="PATH",
        dir_okay=False,
        help="Sign the ticket hash with this SSH private key (ssh-keygen -Y sign, namespace "
        "dnn-runbook) as head.txt.sig, so OpenSSH alone can tell who ran it.",
        show_default=False,
    ),
]
TsaUrl = Annotated[
    str | None,
    typer.Option(
        "--tsa-url",
        metavar="URL",
        help="Timestamp the ticket hash at this RFC 3161 time-stamping authority as "
        "head.txt.tsr, so OpenSSL alone can tell since when it exists.",
        show_default=False,
    ),
]
TsaCa = Annotated[
    Path | None,
    typer.Option(
        "--tsa-ca",
        metavar="FILE",
        dir_okay=False,
        help="The time-stamping authority's CA certificates, to check its answer at once.",
        show_default=False,
    ),
]


def _notify_command(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    import shutil

    from dnn_runbook.runner.attention import split_command

    try:
        words = split_command(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} cannot be split into words: {exc}.") from None
    program = words[0]
    if shutil.which(program) is None:
        raise typer.BadParameter(
            f"the program {program!r} was not found (neither on PATH nor as an executable file); "
            "give its full path."
        )
    return tuple(words)


NotifyCommand = Annotated[
    str | None,
    typer.Option(
        "--notify-command",
        metavar="CMD",
        help="Run CMD (no shell) as 'CMD waiting STEP_ID' when the run waits for you and "
        "'CMD ended EXIT_CODE REPORT_PATH' when it ends; killed after 10 s, never stops the run.",
        show_default=False,
    ),
]
Bell = Annotated[
    bool,
    typer.Option(
        "--bell/--no-bell",
        help="Ring the terminal's bell when the run waits for you and when it ends (only when "
        "standard error is a terminal).",
    ),
]


def run_options(
    *,
    evidence_dir: Path,
    assume_yes: bool,
    headed: bool,
    slow_mo: float,
    browser_path: str | None,
    show_license_ids: bool,
    screenshots: bool,
    timeout: float,
    trace: TraceChoice,
    log_format: LogFormatChoice,
    resume: Path | None = None,
    capture: Path | None = None,
    sign_key: Path | None = None,
    tsa_url: str | None = None,
    tsa_ca: Path | None = None,
    proxy: str | None = None,
    notify_command: str | None = None,
    bell: bool = True,
) -> RunOptions:
    """The run options the flags ask for."""
    from dnn_runbook.evidence.trace import TraceMode
    from dnn_runbook.runner.console import LogFormat
    from dnn_runbook.runner.options import RunOptions

    return RunOptions(
        evidence_dir=evidence_dir,
        resume=resume,
        assume_yes=assume_yes,
        headed=headed,
        slow_mo_ms=slow_mo,
        browser_path=browser_path,
        proxy=proxy,
        timeout_s=timeout,
        screenshots=screenshots,
        show_license_ids=show_license_ids,
        trace=TraceMode(trace),
        log_format=LogFormat(log_format),
        capture=capture,
        sign_key=sign_key,
        tsa_url=tsa_url,
        tsa_ca=tsa_ca,
        notify_command=_notify_command(notify_command),
        bell=bell,
    )


def finish(exit_code: int, *, problems: Sequence[object] = (), error: str | None = None) -> None:
    """Print the problems and the error (to standard error), control characters shown as
    escapes, then end with ``exit_code``."""
    for problem in problems:
        typer.echo(printable(str(problem)), err=True)
    if error:
        typer.echo(printable(error if problems else f"error: {error}"), err=True)
    if exit_code:
        raise typer.Exit(exit_code)
