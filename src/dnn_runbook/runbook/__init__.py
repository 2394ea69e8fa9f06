"""The runbook language: load a ``runbook.yaml`` into frozen, typed objects, or say what is wrong.

::

    from dnn_runbook.runbook import load

    runbook = load("runbook.yaml", env_file="sandbox.env")
    for step in runbook.steps:
        print(step.index, step.describe())

``load`` raises ``RunbookInvalidError`` carrying every ``Problem``; ``check`` returns the
runbook (or ``None``) and the problems, warnings included, for ``dnn-runbook validate``.
Nothing here imports Playwright.
"""

from __future__ import annotations

from dnn_runbook.problems import Problem, Severity
from dnn_runbook.runbook._loader import MAX_BYTES as MAX_RUNBOOK_BYTES
from dnn_runbook.runbook._schema import SUPPORTED_VERSIONS, check, load
from dnn_runbook.runbook._variables import parse_env_text, read_env_file
from dnn_runbook.runbook.durations import format_duration, parse_duration
from dnn_runbook.runbook.model import (
    DEFAULT_LOGIN_PATH,
    EXPIRES_FUTURE,
    Action,
    Activation,
    AddLicenseStep,
    ConfirmStep,
    CutoverMarker,
    Expiry,
    LicenseSpec,
    LicenseType,
    PreflightStep,
    RemoveLicenseStep,
    Runbook,
    ScreenshotStep,
    ServerSpec,
    Step,
    StepBase,
    VerifyLicenseStep,
    WaitCutoverStep,
    WaitHttpStep,
)
from dnn_runbook.runbook.secrets import Secret, SecretKind

__all__ = [
    "DEFAULT_LOGIN_PATH",
    "EXPIRES_FUTURE",
    "MAX_RUNBOOK_BYTES",
    "SUPPORTED_VERSIONS",
    "Action",
    "Activation",
    "AddLicenseStep",
    "ConfirmStep",
    "CutoverMarker",
    "Expiry",
    "LicenseSpec",
    "LicenseType",
    "PreflightStep",
    "Problem",
    "RemoveLicenseStep",
    "Runbook",
    "ScreenshotStep",
    "Secret",
    "SecretKind",
    "ServerSpec",
    "Severity",
    "Step",
    "StepBase",
    "VerifyLicenseStep",
    "WaitCutoverStep",
    "WaitHttpStep",
    "check",
    "format_duration",
    "load",
    "parse_duration",
    "parse_env_text",
    "read_env_file",
]
