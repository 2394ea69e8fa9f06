"""``dnn-runbook schema``: print the runbook's JSON Schema, for editors."""

from __future__ import annotations

import typer


def schema() -> None:
    """Print the runbook's JSON Schema (draft 7) for editors; redirect it to a file, such
    as runbook.schema.json, and point the editor's YAML support at it."""
    from dnn_runbook.app.checks import schema as json_schema

    typer.echo(json_schema(), nl=False)
