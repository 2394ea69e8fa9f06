"""The ``dnn-runbook`` command line: thin commands over the library.

Each command lives in its own module and imports heavy things (Playwright, the sandbox) only
when it runs, so that ``--help`` and ``validate`` start fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dnn_runbook import __version__
from dnn_runbook.cli import doctor, plan, rehearse, report, run, validate, verify
from dnn_runbook.cli import sandbox as sandbox_command

app = typer.Typer(
    name="dnn-runbook",
    help="Move a DNN Evoq license to a new server without downtime, and leave proof.",
    no_args_is_help=True,
    add_completion=False,
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


app.command("validate")(validate.validate)
app.command("plan")(plan.plan)
app.command("run")(run.run)
app.command("doctor")(doctor.doctor)
app.command("rehearse")(rehearse.rehearse)
app.command("sandbox")(sandbox_command.sandbox)
app.command("verify")(verify.verify)
app.command("report")(report.report)


def main() -> None:
    """Run the ``dnn-runbook`` command line."""
    # validate and plan start about twice as fast without typer's parameter conversion;
    # validate.fast_path takes only their plain forms and leaves the rest to typer.
    code = validate.fast_path(sys.argv[1:])
    if code is not None:
        raise SystemExit(code)
    app()
