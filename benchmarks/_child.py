"""Run ``dnn-runbook ARGS`` in a child process and report what it cost.

::

    python benchmarks/_child.py REPORT.json ARGS...

Runs the real entry point, :func:`dnn_runbook.cli.main`, then writes to ``REPORT.json``
the exit code, the process's own peak resident set size (``ru_maxrss`` of ``RUSAGE_SELF``:
this Python process only, not the Playwright driver or the browser, which are children) and
whether Playwright was imported. This file imports nothing of the benchmark package, so the
process holds what ``dnn-runbook`` itself loads and very little else.
"""

from __future__ import annotations

import json
import resource
import sys


def _peak_rss_kib() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux counts kibibytes, macOS bytes.
    return peak // 1024 if sys.platform == "darwin" else peak


def main() -> None:
    """Run the command named by ``sys.argv[2:]``; report to ``sys.argv[1]``."""
    report, args = sys.argv[1], sys.argv[2:]
    sys.argv = ["dnn-runbook", *args]
    code: int | str | None = 0
    try:
        from dnn_runbook.cli import main as cli_main

        cli_main()
    except SystemExit as exc:
        code = exc.code
    finally:
        imported = sorted(
            name for name in sys.modules if name == "playwright" or name.startswith("playwright.")
        )
        with open(report, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "exit_code": code if isinstance(code, int) else (0 if code is None else 1),
                    "peak_rss_kib": _peak_rss_kib(),
                    "playwright_imported": bool(imported),
                    "modules": len(sys.modules),
                },
                out,
            )
    raise SystemExit(code)


if __name__ == "__main__":
    main()
