"""``dnn-runbook validate`` and ``plan``: what a runbook says, without starting anything.

Both import only the runbook language (no Playwright, no typer), so that they start fast:
``validate`` runs often, in editors, commit hooks and CI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.problems import Problem


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What ``validate`` or ``plan`` found: the problems (warnings too), the verdict line or
    the plan to print, and the exit code."""

    exit_code: ExitCode
    problems: tuple[Problem, ...]
    #: Printed on standard output when the runbook is valid (the plan, or "valid, N steps").
    output: str | None
    #: Printed on standard error after the problems when the runbook is invalid.
    verdict: str | None = None


def validate(runbook: Path, env_file: Path | None = None) -> CheckResult:
    """Check ``runbook`` (with ``env_file``'s variables) and say whether it is valid."""
    from dnn_runbook.runbook import check

    loaded, problems = check(runbook, env_file=env_file)
    if loaded is None:
        errors = sum(1 for problem in problems if problem.is_error)
        verdict = f"{runbook}: invalid, {errors} error{'s' if errors != 1 else ''}"
        return CheckResult(ExitCode.INVALID, tuple(problems), None, verdict)
    warnings = len(problems)
    note = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
    line = f"{runbook}: valid, {len(loaded.steps)} steps{note}\n"
    return CheckResult(ExitCode.OK, tuple(problems), line)


def plan(runbook: Path, env_file: Path | None = None) -> CheckResult:
    """The plan of ``runbook`` in plain words, secrets hidden, or its problems."""
    from dnn_runbook.runbook import check
    from dnn_runbook.runbook.plan import render_plan

    loaded, problems = check(runbook, env_file=env_file)
    if loaded is None:
        return CheckResult(ExitCode.INVALID, tuple(problems), None)
    return CheckResult(ExitCode.OK, tuple(problems), render_plan(loaded, label=str(runbook)))


def schema() -> str:
    """The runbook's JSON Schema (draft 7), for editors, as indented JSON."""
    import json

    from dnn_runbook.runbook.jsonschema import json_schema

    return json.dumps(json_schema(), indent=2) + "\n"
