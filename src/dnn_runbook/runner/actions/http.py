"""``wait_http``: poll a URL until it answers as expected (for example, until DNS has moved)."""

from __future__ import annotations

import time

import httpx

from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.exceptions import StepFailedError
from dnn_runbook.runbook import WaitHttpStep
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext


def _check(client: httpx.Client, step: WaitHttpStep) -> str | None:
    """``None`` when the URL answers as expected, else what it answered instead."""
    try:
        response = client.get(step.url)
    except httpx.HTTPError as exc:
        return f"no answer ({type(exc).__name__})"
    if response.status_code != step.expect_status:
        return f"HTTP {response.status_code}"
    if step.contains is not None and step.contains not in response.text:
        return f"HTTP {response.status_code} without {step.contains!r} in the page"
    return None


def wait(ctx: StepContext, step: WaitHttpStep) -> ActionResult:
    """Poll every ``interval`` until the URL answers, for at most ``timeout``."""
    deadline = time.monotonic() + step.timeout.total_seconds()
    interval = step.interval.total_seconds()
    polls = 0
    with httpx.Client(timeout=min(interval, 30.0) or 5.0, follow_redirects=True) as client:
        while True:
            polls += 1
            ctx.console.activity(f"polling {step.url} (try {polls})")
            seen = _check(client, step)
            ctx.log.info("http_poll", url=step.url, answer=seen or "expected", poll=polls)
            if seen is None:
                return ActionResult(
                    StepStatus.DONE,
                    f"{step.url} answered HTTP {step.expect_status} "
                    + ("at the first try." if polls == 1 else f"after {polls} tries."),
                )
            if time.monotonic() + interval > deadline:
                raise StepFailedError(
                    f"{step.url} did not answer HTTP {step.expect_status} within "
                    f"{step.timeout}; the last answer was {seen}. Check the cut-over, then resume."
                )
            ctx.wait(interval)
