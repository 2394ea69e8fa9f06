"""``dnn-runbook check``: everything a run would need, on the real servers, changing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.cli import _params as opt


def check(
    runbook: Annotated[
        Path,
        typer.Argument(
            metavar="RUNBOOK",
            help="The runbook file.",
            exists=True,
            dir_okay=False,
            resolve_path=True,
            show_default=False,
        ),
    ],
    env_file: opt.EnvFile = None,
    capture: opt.CaptureFile = None,
    headed: opt.Headed = False,
    slow_mo: opt.SlowMo = 0,
    evidence_dir: opt.EvidenceDir = Path("screenshots"),
    browser_path: opt.BrowserPath = None,
    proxy: opt.Proxy = None,
    show_license_ids: opt.ShowLicenseIds = False,
    screenshots: opt.Screenshots = True,
    timeout: opt.Timeout = 30,
    log_format: opt.LogFormatOption = "console",
) -> None:
    """Check RUNBOOK on its servers, changing nothing: log in once to each, read its
    licenses, find every control the run will use without pressing it, and tell the plan as
    it would unfold. The browser lets no request that could change a license leave it.

    Exit codes: 0 the run would go through; 1 a control the run needs was not found; 2 the
    runbook or the command line is invalid; 4 the run would be refused (preflight or an
    interlock).
    """
    from dnn_runbook.app.check import check as check_runbook

    options = opt.run_options(
        evidence_dir=evidence_dir,
        assume_yes=False,
        headed=headed,
        slow_mo=slow_mo,
        browser_path=browser_path,
        proxy=proxy,
        show_license_ids=show_license_ids,
        screenshots=screenshots,
        timeout=timeout,
        trace="off",
        log_format=log_format,
        capture=capture,
    )
    result = check_runbook(runbook, options, env_file=env_file)
    opt.finish(result.exit_code, problems=result.run.problems, error=result.run.error)
