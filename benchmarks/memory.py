"""Peak memory of a run: the runner's own process, Playwright's driver, and the browser.

The run is ``dnn-runbook run runbook.yaml --yes`` in a child process (under
:mod:`benchmarks._child`, which reports the Python process's own peak RSS when it ends:
``tracemalloc`` would see only Python's allocations, not the interpreter, the libraries and
the C heap). Meanwhile this process samples, from ``/proc``, the resident memory of the
child's descendants: Playwright's driver (``node``) and every Chromium process under it. The
browser's figure is the peak of the sum over its processes, both as RSS (which counts pages
shared between Chromium's processes once per process, so overstates) and as PSS (each shared
page divided among its sharers: the browser's fair footprint). Linux only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from benchmarks.checks import BenchmarkError
from benchmarks.startup import CHILD, ChildReport, read_report

PROC = Path("/proc")
#: How often the browser's processes are sampled.
INTERVAL_S = 0.05


@dataclass(frozen=True, slots=True)
class Sample:
    """One moment: the summed memory of each group of processes, in KiB."""

    driver_rss: int
    browser_rss: int
    browser_pss: int
    browser_processes: int


@dataclass(frozen=True, slots=True)
class MemoryResult:
    """The peaks of one run, in KiB, and how many samples they come from."""

    runner_peak_rss: int
    driver_peak_rss: int
    browser_peak_rss: int
    browser_peak_pss: int
    browser_processes: int
    samples: int


def _parents() -> dict[int, int]:
    """Every process's parent, read from ``/proc/PID/stat``."""
    found = {}
    for entry in os.listdir(PROC):
        if not entry.isdigit():
            continue
        try:
            stat = (PROC / entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        # The command name in parentheses may hold spaces: the fields follow its last ")".
        fields = stat.rpartition(")")[2].split()
        found[int(entry)] = int(fields[1])
    return found


def descendants(pid: int, parents: Mapping[int, int]) -> list[int]:
    """Every process below ``pid`` in the tree ``parents`` describes."""
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _field_kib(path: Path, name: str) -> int:
    """The ``name:`` line of a ``/proc`` status-like file, in KiB (0 when unreadable)."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass  # the process ended while it was read
    return 0


def _comm(pid: int) -> str:
    try:
        return (PROC / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""


def sample(runner: int) -> Sample:
    """The memory of ``runner``'s Playwright driver and browser processes now."""
    parents = _parents()
    below = descendants(runner, parents)
    # Node names its main thread, and so the process's comm, "node-MainThread".
    drivers = [pid for pid in below if parents.get(pid) == runner and _comm(pid).startswith("node")]
    browser = {pid for driver in drivers for pid in descendants(driver, parents)}
    return Sample(
        driver_rss=sum(_field_kib(PROC / str(pid) / "status", "VmRSS") for pid in drivers),
        browser_rss=sum(_field_kib(PROC / str(pid) / "status", "VmRSS") for pid in browser),
        browser_pss=sum(_field_kib(PROC / str(pid) / "smaps_rollup", "Pss") for pid in browser),
        browser_processes=len(browser),
    )


def measure_run(runbook: Path, env: Mapping[str, str], *, screenshots: bool = True) -> MemoryResult:
    """Run the runbook once in a child process and return the peaks.

    Raises:
        BenchmarkError: not on Linux, or the run failed.
    """
    if not PROC.joinpath("self", "status").exists():
        raise BenchmarkError("Memory is sampled from /proc, which this system does not have.")
    folder = Path(tempfile.mkdtemp(prefix="dnn-bench-memory-"))
    report = folder / "report.json"
    args = ["run", str(runbook), "--yes", "--evidence-dir", str(folder / "evidence")]
    if not screenshots:
        args.append("--no-screenshots")
    samples: list[Sample] = []
    try:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(report), *args],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        finished = threading.Event()

        def wait() -> None:
            child.wait()
            finished.set()

        threading.Thread(target=wait, daemon=True).start()
        # Sampling, not waiting for a result: the loop ends the moment the child exits.
        while not finished.wait(INTERVAL_S):
            samples.append(sample(child.pid))
        result: ChildReport = read_report(report)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if result.exit_code != 0:
        raise BenchmarkError(f"The measured run exited {result.exit_code}, expected 0.")
    return MemoryResult(
        runner_peak_rss=result.peak_rss_kib,
        driver_peak_rss=max((s.driver_rss for s in samples), default=0),
        browser_peak_rss=max((s.browser_rss for s in samples), default=0),
        browser_peak_pss=max((s.browser_pss for s in samples), default=0),
        browser_processes=max((s.browser_processes for s in samples), default=0),
        samples=len(samples),
    )
