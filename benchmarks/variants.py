"""The timed variants: ``dnn-runbook run`` in this process, and the bare script.

``dnn-runbook`` runs here through its real entry point (:func:`dnn_runbook.cli.main`, with
``sys.argv`` and the environment set as a shell would set them), so what is timed is what a
user's ``dnn-runbook run runbook.yaml --yes`` does once Python has started; start-up itself is
measured separately (:mod:`benchmarks.startup`). The runbook's ``${DNN_*}`` variables come
from the sandbox through the environment, as ``rehearse`` passes them: no secret is written
to disk, and nothing the runner prints is shown unless it fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import bare
from benchmarks.checks import BenchmarkError

#: The repository's own runbook, the seed procedure every variant performs.
RUNBOOK = Path(__file__).resolve().parents[1] / "runbook.yaml"


@dataclass(frozen=True, slots=True)
class Variant:
    """One way of doing the migration, timed as a whole: ``run(env)`` does it once."""

    name: str
    label: str
    run: Callable[[Mapping[str, str]], None]


@contextlib.contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set ``values`` in ``os.environ`` for the duration; restore what was there after."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_cli(args: Sequence[str], env: Mapping[str, str]) -> str:
    """Run ``dnn-runbook ARGS`` in this process; return what it printed.

    Raises:
        BenchmarkError: it exited non-zero; the message carries the end of its output, which
            the runner keeps free of secrets.
    """
    from dnn_runbook.cli import main

    output = io.StringIO()
    argv = sys.argv
    code: int | str | None = 0
    try:
        sys.argv = ["dnn-runbook", *args]
        with (
            environment(env),
            contextlib.redirect_stdout(output),
            contextlib.redirect_stderr(output),
        ):
            main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = argv
    if code not in (0, None):
        lines = output.getvalue().splitlines()
        said = next((line for line in reversed(lines) if line.startswith("error:")), "")
        tail = "\n".join(lines[-15:])
        raise BenchmarkError(
            f"'dnn-runbook {' '.join(args[:1])}' exited {code}, expected 0. {said}\n"
            f"The end of what it printed:\n{tail}"
        )
    return output.getvalue()


def rehearsal(
    *, screenshots: bool, steps: list[dict[str, float]] | None = None
) -> Callable[[Mapping[str, str]], None]:
    """``dnn-runbook run runbook.yaml --yes`` into a fresh evidence folder, deleted after.

    With ``steps``, each run appends its journal's step durations (seconds by step id).
    """
    extra = [] if screenshots else ["--no-screenshots"]

    def run(env: Mapping[str, str]) -> None:
        evidence = Path(tempfile.mkdtemp(prefix="dnn-bench-evidence-"))
        try:
            run_cli(["run", str(RUNBOOK), "--yes", "--evidence-dir", str(evidence), *extra], env)
            if steps is not None:
                steps.append(step_durations(evidence))
        finally:
            shutil.rmtree(evidence, ignore_errors=True)

    return run


def step_durations(evidence: Path) -> dict[str, float]:
    """Seconds per step id, from the journal (``state.json``) of the one run in ``evidence``."""
    from dnn_runbook.clock import parse_iso

    (journal,) = evidence.glob("*/state.json")
    found = {}
    for step in json.loads(journal.read_text(encoding="utf-8"))["steps"]:
        started, finished = parse_iso(step.get("started")), parse_iso(step.get("finished"))
        if started is not None and finished is not None:
            found[str(step["id"])] = (finished - started).total_seconds()
    return found


def variants(steps: list[dict[str, float]] | None = None) -> list[Variant]:
    """The three timed variants, the floor first; ``steps`` collects the full rehearsal's
    step durations (see :func:`rehearsal`)."""
    return [
        Variant("bare", "bare Playwright script (the floor)", lambda env: bare.migrate(env)),
        Variant("rehearsal", "dnn-runbook run --yes", rehearsal(screenshots=True, steps=steps)),
        Variant(
            "no_screenshots",
            "dnn-runbook run --yes --no-screenshots",
            rehearsal(screenshots=False),
        ),
    ]


def timed(run: Callable[[], object]) -> float:
    """Wall-clock seconds that ``run()`` took."""
    started = time.perf_counter()
    run()
    return time.perf_counter() - started
