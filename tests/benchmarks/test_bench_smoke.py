"""The benchmark's smoke test: its floor really moves the license, its checks catch what they
should, and its helpers compute what they say. No time is asserted anywhere here."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from benchmarks import bare, checks, memory, run, startup, stats
from tests.support import in_worker_thread

if TYPE_CHECKING:
    from dnn_runbook.sandbox import Sandbox


@pytest.mark.e2e
class TestTheFloor:
    def test_the_bare_script_moves_the_license_and_reset_brings_it_back(
        self, sandbox: Sandbox
    ) -> None:
        """The bare script leaves only Production on the new server (the floor does the real
        work); a reset then restores the starting state, checked part by part."""
        baseline = checks.start_state(sandbox)
        in_worker_thread(bare.migrate, sandbox.env())
        checks.check_migrated(sandbox, "bare")
        assert checks.start_state(sandbox) != baseline
        checks.reset(sandbox, baseline)
        assert checks.start_state(sandbox)["servers"] == baseline["servers"]


class TestChecks:
    def test_an_untouched_sandbox_is_not_migrated(self, sandbox: Sandbox) -> None:
        """check_migrated refuses a sandbox whose old server still holds Production."""
        with pytest.raises(checks.BenchmarkError, match="did not move the license"):
            checks.check_migrated(sandbox, "nothing")

    def test_a_reset_that_misses_something_is_caught(self, sandbox: Sandbox) -> None:
        """A starting state that reset cannot reproduce is named, never measured from."""
        baseline = checks.start_state(sandbox)
        wrong = {**baseline, "activations": []}
        with pytest.raises(checks.BenchmarkError, match="activations"):
            checks.reset(sandbox, wrong)

    def test_faults_switched_on_are_switched_off_by_reset(self, sandbox: Sandbox) -> None:
        """The faults in force are part of the starting state that reset restores."""
        baseline = checks.start_state(sandbox)
        sandbox.set_faults(["licensing-slow=1"])
        checks.reset(sandbox, baseline)
        assert checks.start_state(sandbox)["faults"] == []


class TestStats:
    def test_ratios_are_taken_round_by_round(self) -> None:
        """Each round's time over the floor's time of the same round; the median of those."""
        found = stats.summarize(
            {"bare": [2.0, 4.0, 3.0], "run": [3.0, 4.4, 6.0]},
            {"bare": "floor", "run": "runner"},
            floor="bare",
        )
        floor, runner = found
        assert floor.ratio is None
        assert runner.ratios == (1.5, 1.1, 2.0)
        assert runner.ratio == 1.5
        assert runner.median == 4.4

    def test_unequal_rounds_are_refused(self) -> None:
        """A variant with a missing round cannot be paired with the floor."""
        with pytest.raises(ValueError, match="same number"):
            stats.summarize(
                {"bare": [1.0, 2.0], "run": [1.0]}, {"bare": "", "run": ""}, floor="bare"
            )

    def test_each_variant_goes_first_in_turn(self) -> None:
        """Rounds rotate the order, so no variant always runs first or after the same one."""
        names = ["a", "b", "c"]
        assert [stats.rotated(names, n)[0] for n in range(4)] == ["a", "b", "c", "a"]

    def test_markdown_table(self) -> None:
        """Header, separator, one line per row."""
        assert stats.table(["a", "b"], [["1", "2"]]).splitlines() == [
            "| a | b |",
            "| --- | --- |",
            "| 1 | 2 |",
        ]

    def test_seconds_are_shown_readably(self) -> None:
        """Milliseconds under a tenth of a second, seconds above."""
        assert (stats.seconds(0.0123), stats.seconds(1.234)) == ("12 ms", "1.23 s")


class TestStartup:
    def test_help_does_not_import_playwright(self) -> None:
        """The child wrapper reports a real `dnn-runbook --help`: exit 0, no Playwright."""
        report = startup.child_report(["--help"], {})
        assert report.exit_code == 0
        assert report.playwright_imported is False
        assert report.peak_rss_kib > 0

    def test_the_wrapper_sees_playwright_when_it_is_imported(self) -> None:
        """The same wrapper does see Playwright in a command that loads the browser layer."""
        report = startup.child_report(["doctor", "--browser-path", "/no/such/browser"], {})
        assert report.exit_code == 1
        assert report.playwright_imported is True


class TestMemory:
    def test_descendants_walk_the_whole_tree(self) -> None:
        """Children, grandchildren and further; nothing outside the subtree."""
        parents = {2: 1, 3: 2, 4: 3, 5: 1, 6: 99}
        assert sorted(memory.descendants(1, parents)) == [2, 3, 4, 5]

    @pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc")
    def test_a_child_process_is_found_and_sized(self) -> None:
        """A real child shows up under this process in /proc, with a resident size."""
        child = subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
        )
        try:
            assert child.pid in memory.descendants(os.getpid(), memory._parents())
            assert memory._field_kib(memory.PROC / str(child.pid) / "status", "VmRSS") > 0
        finally:
            assert child.stdin is not None
            child.stdin.close()
            child.wait()


class TestCommandLine:
    def test_quick_is_one_round_without_warm_up(self) -> None:
        """--quick: one round (unless --rounds says otherwise), fewer repetitions."""
        quick = run.settings_for(run.parse(["--quick"]))
        assert (quick.rounds, quick.warm_up) == (1, False)
        assert run.settings_for(run.parse(["--quick", "--rounds", "3"])).rounds == 3
        assert run.settings_for(run.parse([])).rounds == 5

    def test_rounds_must_be_positive(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--rounds 0 is a usage error that says what is allowed."""
        with pytest.raises(SystemExit) as info:
            run.parse(["--rounds", "0"])
        assert info.value.code == 2
        assert "at least 1" in capsys.readouterr().err
