"""``dnn-runbook rollback RUN_DIR``: back out a run stopped before the old server's Production
license was removed (see ``dnn_runbook.app.rollback``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dnn_runbook.cli import _params as opt
from dnn_runbook.printable import printable


def rollback(
    run_dir: Annotated[
        Path,
        typer.Argument(
            metavar="RUN_DIR",
            help="The run directory of the run to back out.",
            exists=True,
            file_okay=False,
            show_default=False,
        ),
    ],
    env_file: opt.EnvFile = None,
    assume_yes: opt.AssumeYes = False,
    headed: opt.Headed = False,
    slow_mo: opt.SlowMo = 0,
    evidence_dir: Annotated[
        Path | None,
        typer.Option(
            "--evidence-dir",
            metavar="DIR",
            help="The folder that receives the rollback's run directory (default: the one "
            "that holds RUN_DIR).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    browser_path: opt.BrowserPath = None,
    show_license_ids: opt.ShowLicenseIds = False,
    screenshots: opt.Screenshots = True,
    timeout: opt.Timeout = 30,
    trace: opt.Trace = "off",
    log_format: opt.LogFormatOption = "console",
    sign_key: opt.SignKey = None,
    tsa_url: opt.TsaUrl = None,
    tsa_ca: opt.TsaCa = None,
) -> None:
    """Back out the run in RUN_DIR: remove the license it added on the new server, with
    preflight, interlocks and evidence of its own. Refused once the run removed the old
    server's Production license (then finish the run with --resume).

    Exit codes: 0 done (or nothing to back out); 1 a step failed; 2 refused, nothing changed;
    3 the operator declined; 4 preflight refused; 130 interrupted (Ctrl-C).
    """
    from dnn_runbook.app.rollback import rollback as back_out

    options = opt.run_options(
        evidence_dir=evidence_dir if evidence_dir is not None else run_dir.resolve().parent,
        assume_yes=assume_yes,
        headed=headed,
        slow_mo=slow_mo,
        browser_path=browser_path,
        show_license_ids=show_license_ids,
        screenshots=screenshots,
        timeout=timeout,
        trace=trace,
        log_format=log_format,
        sign_key=sign_key,
        tsa_url=tsa_url,
        tsa_ca=tsa_ca,
    )
    result = back_out(run_dir, options, env_file=env_file)
    if result.exit_code == 0 and result.error:
        typer.echo(printable(result.error))
        return
    opt.finish(result.exit_code, problems=result.problems, error=result.error)
