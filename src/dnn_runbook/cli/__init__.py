"""The ``dnn-runbook`` command line: thin commands over the library.

Each command lives in its own module, translates its flags into a call of the application
layer (``dnn_runbook.app``) and prints what it returns. Heavy things (Playwright, the sandbox)
are imported only when a command runs, so that ``--help`` and ``validate`` start fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dnn_runbook import __version__
from dnn_runbook.cli import (
    check,
    doctor,
    plan,
    rehearse,
    report,
    rollback,
    run,
    schema,
    validate,
    verify,
)
from dnn_runbook.cli import sandbox as sandbox_command
from dnn_runbook.cli._fast import fast_path
from dnn_runbook.cli._help import PlainCommand
from dnn_runbook.cli._streams import utf8_when_redirected

app = typer.Typer(
    name="dnn-runbook",
    help="Move a DNN Evoq license to a new server without downtime, and leave proof.",
    no_args_is_help=True,
    add_completion=False,
    # Plain help, as click writes it: it wraps whole words at the terminal's width and shows
    # each option with its metavar, where rich's boxed tables break lines mid-sentence at 80
    # columns and print a type (<bool>, <file>) after every flag.
    rich_markup_mode=None,
    # Locals may hold passwords: a traceback must never print them.
    pretty_exceptions_show_locals=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"dnn-runbook {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Move a DNN Evoq license to a new server without downtime, and leave proof."""


app.command("validate", cls=PlainCommand)(validate.validate)
app.command("plan", cls=PlainCommand)(plan.plan)
app.command("check", cls=PlainCommand)(check.check)
app.command("run", cls=PlainCommand)(run.run)
app.command("rollback", cls=PlainCommand)(rollback.rollback)
app.command("doctor", cls=PlainCommand)(doctor.doctor)
app.command("rehearse", cls=PlainCommand)(rehearse.rehearse)
app.command("sandbox", cls=PlainCommand)(sandbox_command.sandbox)
app.command("verify", cls=PlainCommand)(verify.verify)
app.command("report", cls=PlainCommand)(report.report)
app.command("schema", cls=PlainCommand)(schema.schema)


def main() -> None:
    """Run the ``dnn-runbook`` command line."""
    utf8_when_redirected()
    # validate and plan start about twice as fast without typer's parameter conversion;
    # fast_path takes only their plain forms and leaves the rest to typer.
    code = fast_path(sys.argv[1:])
    if code is not None:
        raise SystemExit(code)
    app()
