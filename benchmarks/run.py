"""Measure the migration's speed and cost against a bare Playwright script doing the same clicks.

::

    python benchmarks/run.py                 # 5 rounds, about 7 minutes on 2 cores
    python benchmarks/run.py --quick         # 1 round and fewer repetitions: about 2 minutes
    python benchmarks/run.py --rounds 9 --json results.json

In one process, against one sandbox (reset, and checked to be back at its start, between
variants), it times:

1. ``dnn-runbook run runbook.yaml --yes``, the full rehearsal with every screenshot;
2. the bare script (:mod:`benchmarks.bare`): the same clicks, no runner, the floor;
3. ``dnn-runbook run runbook.yaml --yes --no-screenshots``, the minimum evidence;

alternating them round by round, and reports each one's median and its ratio to the floor,
pair by pair. Then: start-up (``dnn-runbook --help`` and ``validate`` as new processes, which
must not import Playwright), peak memory (the runner's own process and the browser's), and a
second scenario with 200 more licenses on the old server (reading the table, finding a row,
and the rehearsal against the floor again). It prints Markdown tables and exits 1 only when a
variant did not do its work or a check failed; a missed target is reported, not fatal.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as a script: make the repository's ``benchmarks`` package importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import checks, many, memory, startup
from benchmarks.stats import Summary, rotated, seconds, summarize, table
from benchmarks.variants import RUNBOOK, Variant, timed, variants
from dnn_runbook.sandbox import Sandbox

#: The targets of issue 8, on the two-core machine CI uses.
RATIO_TARGET = 1.3
VALIDATE_TARGET_S = 0.3
RUNNER_RSS_TARGET_MB = 150.0
SEEDED = 200


@dataclass(frozen=True, slots=True)
class Settings:
    """How much to measure."""

    rounds: int
    startup_repeats: int
    read_repeats: int
    warm_up: bool


@dataclass(slots=True)
class Results:
    """Everything measured, as written by ``--json``."""

    machine: dict[str, Any]
    settings: dict[str, Any]
    variants: list[dict[str, Any]] = field(default_factory=list)
    steps: dict[str, float] = field(default_factory=dict)
    startup: dict[str, Any] = field(default_factory=dict)
    memory: dict[str, Any] = field(default_factory=dict)
    many: dict[str, Any] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def time_rounds(
    sandbox: Sandbox,
    baseline: dict[str, Any],
    chosen: Sequence[Variant],
    *,
    rounds: int,
    label: str,
) -> dict[str, list[float]]:
    """Run every variant once per round, in rotated order, resetting the sandbox after each
    and checking each really moved the license; return the seconds per variant.
    """
    env = sandbox.env()
    by_name = {variant.name: variant for variant in chosen}
    times: dict[str, list[float]] = {variant.name: [] for variant in chosen}
    for number in range(rounds):
        for name in rotated(list(by_name), number):
            variant = by_name[name]
            elapsed = timed(functools.partial(variant.run, env))
            checks.check_migrated(sandbox, variant.name)
            checks.reset(sandbox, baseline)
            times[name].append(elapsed)
            _say(f"  {label} round {number + 1}/{rounds}: {name:<15} {elapsed:6.2f} s")
    return times


def _variant_rows(summaries: Sequence[Summary]) -> list[list[str]]:
    rows = []
    for summary in summaries:
        ratio = summary.ratio
        rows.append(
            [
                summary.label,
                seconds(summary.median),
                f"{seconds(min(summary.times))} - {seconds(max(summary.times))}",
                "1.00 (floor)" if ratio is None else f"{ratio:.2f}",
            ]
        )
    return rows


def _as_dicts(summaries: Sequence[Summary]) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "label": s.label,
            "times_s": list(s.times),
            "median_s": s.median,
            "ratios": list(s.ratios),
            "ratio": s.ratio,
        }
        for s in summaries
    ]


def main_scenario(results: Results, settings: Settings) -> list[Summary]:
    """The three variants against one sandbox, then start-up and memory against the same one."""
    steps: list[dict[str, float]] = []
    chosen = variants(steps)
    with Sandbox.start() as sandbox:
        baseline = checks.start_state(sandbox)
        env = sandbox.env()
        # Import what the runner imports, and start the browser once, before anything is timed.
        import dnn_runbook.cli.run
        import dnn_runbook.runner.engine  # noqa: F401 - imported to warm up

        warm = chosen if settings.warm_up else chosen[:1]
        for variant in warm:
            _say(f"  warm-up: {variant.name}")
            variant.run(env)
            checks.check_migrated(sandbox, variant.name)
            checks.reset(sandbox, baseline)
        steps.clear()
        times = time_rounds(sandbox, baseline, chosen, rounds=settings.rounds, label="main")
        summaries = summarize(times, {v.name: v.label for v in chosen}, floor="bare")
        results.variants = _as_dicts(summaries)
        results.steps = {
            step: statistics.median(run[step] for run in steps if step in run)
            for step in (steps[0] if steps else {})
        }

        _say("  start-up: --help and validate")
        up = startup.measure(RUNBOOK, env, repeats=settings.startup_repeats)
        results.startup = {
            "times_s": up.times,
            "median_s": {name: statistics.median(values) for name, values in up.times.items()},
            "reports": {name: asdict(report) for name, report in up.reports.items()},
        }

        _say("  memory: one run in a child process")
        measured = memory.measure_run(RUNBOOK, env)
        checks.check_migrated(sandbox, "memory")
        checks.reset(sandbox, baseline)
        results.memory = asdict(measured)
    return summaries


def many_scenario(results: Results, settings: Settings) -> list[Summary]:
    """200 more licenses on the old server: table reads, then the rehearsal against the floor."""
    chosen = [v for v in variants() if v.name in {"bare", "rehearsal"}]
    with Sandbox.start(seed_licenses=SEEDED) as sandbox:
        baseline = checks.start_state(sandbox)
        _say(f"  {SEEDED} licenses: reading the table")
        reads = many.table_reads(sandbox, repeats=settings.read_repeats)
        times = time_rounds(
            sandbox, baseline, chosen, rounds=settings.rounds, label=f"{SEEDED} licenses"
        )
    summaries = summarize(times, {v.name: v.label for v in chosen}, floor="bare")
    results.many = {
        "seeded": SEEDED,
        "rows": reads.rows,
        "read_s": reads.read,
        "reload_and_read_s": reads.reload_and_read,
        "find_s": reads.find,
        "variants": _as_dicts(summaries),
    }
    return summaries


def _mb(kib: int) -> float:
    return kib * 1024 / 1e6


def report(results: Results, main: Sequence[Summary], seeded: Sequence[Summary]) -> str:
    """The Markdown the benchmark prints: every table, then the targets."""
    header = ["variant", "median", "range", "x bare (median of pairs)"]
    parts = [
        f"Machine: {results.machine['cpus']} CPUs, load average at start "
        f"{results.machine['load_average_at_start']}, Python {results.machine['python']}; "
        f"{results.settings['rounds']} rounds.",
        "",
        "**The seed migration** (`runbook.yaml`, 9 steps), wall time including the browser's start:",
        "",
        table(header, _variant_rows(main)),
    ]
    if results.steps:
        parts += [
            "",
            "Full rehearsal, median time per step (from the journal):",
            "",
            table(
                ["step", "median"],
                [[step, seconds(value)] for step, value in results.steps.items()],
            ),
        ]
    up = results.startup["median_s"]
    imported = results.startup["reports"]
    parts += [
        "",
        "**Start-up**, a new process each time (median):",
        "",
        table(
            ["command", "median", "imports Playwright"],
            [
                ["`python -c pass` (the interpreter alone)", seconds(up["python"]), "no"],
                [
                    "`dnn-runbook --help`",
                    seconds(up["help"]),
                    "yes" if imported["help"]["playwright_imported"] else "no",
                ],
                [
                    "`dnn-runbook validate runbook.yaml`",
                    seconds(up["validate"]),
                    "yes" if imported["validate"]["playwright_imported"] else "no",
                ],
            ],
        ),
    ]
    mem = results.memory
    parts += [
        "",
        "**Peak memory** of one full rehearsal:",
        "",
        table(
            ["process", "peak"],
            [
                [
                    "runner (the `dnn-runbook` Python process, RSS)",
                    f"{_mb(mem['runner_peak_rss']):.0f} MB",
                ],
                ["Playwright driver (node, RSS)", f"{_mb(mem['driver_peak_rss']):.0f} MB"],
                [
                    f"browser ({mem['browser_processes']} Chromium processes, sum of PSS)",
                    f"{_mb(mem['browser_peak_pss']):.0f} MB",
                ],
                [
                    "browser (sum of RSS, shared pages counted per process)",
                    f"{_mb(mem['browser_peak_rss']):.0f} MB",
                ],
            ],
        ),
    ]
    if results.many.get("error"):
        parts += ["", f"**{SEEDED} more licenses**: failed: {results.many['error']}"]
    elif results.many:
        data = results.many
        parts += [
            "",
            f"**{data['seeded']} more licenses** on the old server ({data['rows']} rows), "
            "through the page objects (median):",
            "",
            table(
                ["operation", "median"],
                [
                    [
                        "`AboutPage.licenses()` of the open table",
                        seconds(statistics.median(data["read_s"])),
                    ],
                    [
                        "Persona Bar reloaded, About reopened, `licenses()`: a fresh read",
                        seconds(statistics.median(data["reload_and_read_s"])),
                    ],
                    ["`find_license(type, invoice)`", seconds(statistics.median(data["find_s"]))],
                ],
            ),
            "",
            table(header, _variant_rows(seeded)),
        ]
    parts += ["", "**Targets**:", "", table(["target", "measured", "met"], _targets(results, main))]
    return "\n".join(parts)


def _targets(results: Results, main: Sequence[Summary]) -> list[list[str]]:
    ratio = next(s.ratio for s in main if s.name == "rehearsal") or 0.0
    validate = results.startup["median_s"]["validate"]
    runner_mb = _mb(results.memory["runner_peak_rss"])
    found = [
        ("rehearsal ≤ 1.3 x bare script", f"{ratio:.2f} x", ratio <= RATIO_TARGET),
        ("`validate` < 0.3 s", seconds(validate), validate < VALIDATE_TARGET_S),
        ("runner peak RSS < 150 MB", f"{runner_mb:.0f} MB", runner_mb < RUNNER_RSS_TARGET_MB),
    ]
    results.targets = [{"target": t, "measured": m, "met": ok} for t, m, ok in found]
    return [[t, m, "yes" if ok else "**no**"] for t, m, ok in found]


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description="Time dnn-runbook against a bare Playwright script doing the same clicks.",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="rounds of every variant (default 5; 1 with --quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions and no warm-up: a quick look"
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write every figure here")
    args = parser.parse_args(argv)
    if args.rounds is not None and args.rounds < 1:
        parser.error(f"--rounds must be at least 1 (got {args.rounds}).")
    return args


def settings_for(args: argparse.Namespace) -> Settings:
    """How much to measure for these options."""
    if args.quick:
        return Settings(rounds=args.rounds or 1, startup_repeats=3, read_repeats=3, warm_up=False)
    return Settings(rounds=args.rounds or 5, startup_repeats=11, read_repeats=11, warm_up=True)


def main(argv: Sequence[str] | None = None, *, out: Callable[[str], None] = print) -> int:
    """Run the benchmark; print the Markdown report; return the exit code."""
    args = parse(argv)
    settings = settings_for(args)
    results = Results(machine=_machine(), settings=asdict(settings))
    try:
        _say("The seed migration, against one sandbox:")
        main_summaries = main_scenario(results, settings)
    except checks.BenchmarkError as exc:
        _say(f"error: {exc}")
        return 1
    code = 0
    seeded: list[Summary] = []
    try:
        _say(f"The same with {SEEDED} more licenses on the old server:")
        seeded = many_scenario(results, settings)
    except checks.BenchmarkError as exc:
        # The main figures stand; say what failed in the second scenario and exit 1.
        _say(f"error: {exc}")
        results.many = {"seeded": SEEDED, "error": str(exc).splitlines()[0]}
        code = 1
    out(report(results, main_summaries, seeded))
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(results), indent=2) + "\n", encoding="utf-8")
        _say(f"Figures written to {args.json}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
