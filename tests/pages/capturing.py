"""Captures of the sandbox's own front ends, made as ``dnn-runbook check --capture`` makes them:
what ``captures/`` holds for the page-object suite to replay.

``python -m tests.pages.capturing`` (``make captures``) writes them again, one per front end,
from fresh sandboxes, with the seed runbook.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from dnn_runbook.app.check import CheckCommandResult, check
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.options import RunOptions
from dnn_runbook.sandbox import Sandbox
from tests.support import SEED_RUNBOOK

#: The sandbox's front ends, each captured into ``captures/<name>.json``.
FRONT_ENDS = ("dnn", "classic")
CAPTURES = Path(__file__).parent / "captures"


def capture_front_end(
    sandbox: Sandbox, path: Path, evidence_dir: Path
) -> tuple[CheckCommandResult, str]:
    """Check the seed runbook on ``sandbox`` with ``--capture path``; the result and what the
    check printed."""
    out = io.StringIO()
    result = check(
        SEED_RUNBOOK,
        RunOptions(evidence_dir=evidence_dir, capture=path, timeout_s=20),
        environ=sandbox.env(),
        console=Console(out, interactive=False),
    )
    return result, out.getvalue()


def main() -> int:
    """Write ``captures/<front end>.json`` for every front end of the sandbox."""
    with tempfile.TemporaryDirectory() as evidence:
        for ui in FRONT_ENDS:
            path = CAPTURES / f"{ui}.json"
            with Sandbox.start(ui=ui) as sandbox:
                result, printed = capture_front_end(sandbox, path, Path(evidence))
            if result.exit_code != 0:
                print(printed, file=sys.stderr)
                return int(result.exit_code)
            print(f"{path}: written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
