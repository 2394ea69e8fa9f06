"""Start-up: ``dnn-runbook --help`` and ``dnn-runbook validate runbook.yaml`` as new processes.

Both are timed from ``exec`` to exit, as a shell runs them, with the installed console script
(``python -m dnn_runbook`` where there is none). Neither may import Playwright: each is run
once more under :mod:`benchmarks._child`, which reports whether it did.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.checks import BenchmarkError

CHILD = Path(__file__).resolve().with_name("_child.py")


@dataclass(frozen=True, slots=True)
class ChildReport:
    """What :mod:`benchmarks._child` saw of one ``dnn-runbook`` process."""

    exit_code: int
    peak_rss_kib: int
    playwright_imported: bool
    modules: int


def command() -> list[str]:
    """How to start ``dnn-runbook``: the console script beside this Python, if installed."""
    script = Path(sys.executable).with_name("dnn-runbook")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "dnn_runbook"]


def time_once(argv: Sequence[str], env: Mapping[str, str]) -> float:
    """Seconds from starting ``argv`` to its exit.

    Raises:
        BenchmarkError: it exited non-zero.
    """
    started = time.perf_counter()
    done = subprocess.run(
        list(argv),
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchmarkError(
            f"{' '.join(argv[-2:])} exited {done.returncode}, expected 0; it said: "
            f"{done.stderr.decode(errors='replace').strip()[-500:]}"
        )
    return elapsed


def child_report(
    args: Sequence[str], env: Mapping[str, str], *, stdout: int | None = subprocess.DEVNULL
) -> ChildReport:
    """Run ``dnn-runbook ARGS`` under :mod:`benchmarks._child` and return its report."""
    with tempfile.TemporaryDirectory(prefix="dnn-bench-") as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [sys.executable, str(CHILD), str(report), *args],
            env={**os.environ, **env},
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        return read_report(report)


def read_report(path: Path) -> ChildReport:
    """Read the report a :mod:`benchmarks._child` process wrote.

    Raises:
        BenchmarkError: there is none: the child died before it could write it.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BenchmarkError(
            f"The child process wrote no readable report at {path} ({exc}); it died before its end."
        ) from None
    return ChildReport(
        exit_code=int(data["exit_code"]),
        peak_rss_kib=int(data["peak_rss_kib"]),
        playwright_imported=bool(data["playwright_imported"]),
        modules=int(data["modules"]),
    )


@dataclass(frozen=True, slots=True)
class StartupResult:
    """The start-up figures: times in seconds per command, and what each imported."""

    times: dict[str, list[float]]
    reports: dict[str, ChildReport]


def measure(runbook: Path, env: Mapping[str, str], *, repeats: int) -> StartupResult:
    """Time ``python -c pass`` (the interpreter's own floor), ``--help`` and ``validate``,
    alternating them ``repeats`` times, then check what each imported.

    Raises:
        BenchmarkError: a command failed, or ``--help``/``validate`` imported Playwright.
    """
    base = command()
    commands = {
        "python": [sys.executable, "-c", "pass"],
        "help": [*base, "--help"],
        "validate": [*base, "validate", str(runbook)],
    }
    # One untimed run of each, so that every timed run finds the files in the page cache.
    for argv in commands.values():
        time_once(argv, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, argv in commands.items():
            times[name].append(time_once(argv, env))
    reports = {
        "help": child_report(["--help"], env),
        "validate": child_report(["validate", str(runbook)], env),
    }
    for name, report in reports.items():
        if report.exit_code != 0:
            raise BenchmarkError(f"dnn-runbook {name} exited {report.exit_code}, expected 0.")
        if report.playwright_imported:
            raise BenchmarkError(
                f"dnn-runbook {name} imported Playwright; it must start without it (the "
                "browser layer is imported only by the commands that start a browser)."
            )
    return StartupResult(times, reports)
