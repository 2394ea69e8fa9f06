"""The limits that keep a hostile runbook or env file from hanging, exhausting or crashing
``validate``, ``plan``, ``run`` and ``rehearse``: each is a problem at FILE:LINE:COL, exit 2."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dnn_runbook.runbook import check
from dnn_runbook.runbook._loader import MAX_NODES
from tests.runbook.test_schema import SMALL, SMALL_ENVIRON, Write, problems_of, small

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero and rlimits")

#: 474 bytes whose servers merge 9**7 (4.8 million) mappings through merge keys: followed
#: naively, validate took 1 min 44 s of CPU over it.
MERGE_BOMB = """\
version: 1
name: bomb
x: &a {a0: 1, a1: 1, a2: 1, a3: 1, a4: 1, a5: 1, a6: 1, a7: 1, a8: 1}
b: &b {<<: [*a, *a, *a, *a, *a, *a, *a, *a, *a], b: 1}
c: &c {<<: [*b, *b, *b, *b, *b, *b, *b, *b, *b], c: 1}
d: &d {<<: [*c, *c, *c, *c, *c, *c, *c, *c, *c], d: 1}
e: &e {<<: [*d, *d, *d, *d, *d, *d, *d, *d, *d], e: 1}
f: &f {<<: [*e, *e, *e, *e, *e, *e, *e, *e, *e], f: 1}
g: &g {<<: [*f, *f, *f, *f, *f, *f, *f, *f, *f], g: 1}
servers: {<<: [*g, *g, *g, *g, *g, *g, *g, *g, *g]}
"""


class TestNodeBudget:
    def test_a_merge_key_bomb_is_refused_at_its_place(self, write: Write) -> None:
        """Aliases and merge keys count against the budget each time they are used."""
        started = time.monotonic()
        problems = problems_of(write, MERGE_BOMB)
        assert time.monotonic() - started < 5
        assert problems == [
            f"runbook.yaml:3:4: the runbook expands to more than {MAX_NODES:,} YAML nodes once "
            "its aliases (*name) and merge keys (<<) are followed, here; a runbook needs a few "
            "hundred, so write the values out instead of nesting aliases."
        ]

    def test_a_recursive_alias_is_refused(self, write: Write) -> None:
        """An anchor that contains itself is a finite file and an endless document."""
        problems = problems_of(write, "version: 1\na: &a [*a, *a]\n")
        assert len(problems) == 1
        assert problems[0].startswith("runbook.yaml:2:4: the runbook expands to more than")

    def test_ordinary_aliases_stay_fine(self, write: Write) -> None:
        """A merge key used as the README shows it is far within the budget."""
        text = small("  old:\n", "  old: &server\n")
        runbook, problems = check(write(text, dedent=False), environ=SMALL_ENVIRON)
        assert runbook is not None, problems

    @posix_only
    def test_validate_stays_small_under_a_memory_limit(self, tmp_path: Path) -> None:
        """The bomb under a 512 MB address-space limit: exit 2 and a located problem, no
        MemoryError traceback."""
        path = tmp_path / "bomb.yaml"
        path.write_text(MERGE_BOMB)
        limit = 512 * 1024 * 1024

        def cap() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        done = subprocess.run(
            [sys.executable, "-m", "dnn_runbook", "validate", str(path)],
            capture_output=True,
            text=True,
            timeout=30,
            preexec_fn=cap,  # the limit applies to the child alone, set before it starts
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert f"{path}:3:4: the runbook expands to more than" in done.stderr


class TestNumbers:
    def test_a_5000_digit_number_is_a_located_problem(self, write: Write) -> None:
        """Python refuses to convert it; validate says what is wrong, where."""
        problems = problems_of(write, small("version: 1", "version: " + "9" * 5000))
        assert problems == [
            "runbook.yaml:1:10: version must be 1, the only runbook version this dnn-runbook "
            "knows (got a number of 5,000 digits; no setting takes more than 9)."
        ]

    def test_a_duration_with_a_huge_amount(self, write: Write) -> None:
        """A duration's amount of thousands of digits is too long to be meant."""
        text = SMALL + "max_development_window: " + "9" * 5000 + "s\n"
        problems = problems_of(write, text)
        assert len(problems) == 1
        assert "max_development_window must be a duration" in problems[0]
        assert "too long to be meant" in problems[0]


@posix_only
class TestNonRegularFiles:
    def test_a_fifo_runbook_is_refused_without_waiting(self, tmp_path: Path) -> None:
        """validate on a named pipe: exit 2 at once, naming what it is."""
        fifo = tmp_path / "runbook.yaml"
        os.mkfifo(fifo)
        done = subprocess.run(
            [sys.executable, "-m", "dnn_runbook", "validate", str(fifo)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert done.returncode == 2
        assert f"{fifo}: this is a named pipe (FIFO), not a regular file" in done.stderr

    def test_a_fifo_env_file_is_refused_without_waiting(self, write: Write) -> None:
        """An env file that is a named pipe is a whole-file problem, not a hang."""
        os.mkfifo("vars.env")
        problems = problems_of(write, SMALL, env_file=Path("vars.env"))
        assert problems[0] == (
            "vars.env: this is a named pipe (FIFO), not a regular file; give the path of an env "
            "file."
        )

    @pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
    def test_dev_zero_does_not_pass_for_an_empty_file(self) -> None:
        """/dev/zero reports a size of 0: it is refused as a device, not read for ever."""
        _, problems = check("/dev/zero", environ={})
        assert [str(p) for p in problems] == [
            "/dev/zero: this is a character device, not a regular file; give the path of a "
            "runbook file."
        ]
