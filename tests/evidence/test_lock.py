"""One process per run directory (``dnn_runbook.evidence.lock``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dnn_runbook.evidence.lock import RunLock, lock_path
from dnn_runbook.exceptions import RunDirError

HOLD = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from dnn_runbook.evidence.lock import RunLock\n"
    "lock = RunLock.acquire(Path(sys.argv[1]))\n"
    "print('held', flush=True)\n"
    "time.sleep(120)\n"
)


def hold(run_dir: Path) -> subprocess.Popen[str]:
    """Another process holding ``run_dir``'s lock, once this returns."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(run_dir)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


class TestRunLock:
    def test_beside_the_run_directory_and_gone_on_release(self, tmp_path: Path) -> None:
        """The lock file sits beside the run (which holds only evidence) while it is held."""
        run_dir = tmp_path / "run"
        run_dir.mkdir()
        lock = RunLock.acquire(run_dir)
        assert lock_path(run_dir) == tmp_path / ".run.lock"
        assert lock_path(run_dir).is_file()
        assert list(run_dir.iterdir()) == []
        lock.release()
        lock.release()
        assert not lock_path(run_dir).exists()
        assert lock.stale is None

    def test_a_second_process_is_refused_naming_the_holder(self, tmp_path: Path) -> None:
        """While another process holds it: refused with its process id, host and since when."""
        run_dir = tmp_path / "run"
        run_dir.mkdir()
        holder = hold(run_dir)
        try:
            with pytest.raises(RunDirError) as caught:
                RunLock.acquire(run_dir)
            message = str(caught.value)
            assert f"is in use by process {holder.pid} of " in message
            assert "wait until that process has ended" in message
        finally:
            holder.kill()
            holder.wait()

    def test_in_one_process_too(self, tmp_path: Path) -> None:
        """A second acquire in the same process is refused as well (flock is per open file)."""
        run_dir = tmp_path / "run"
        run_dir.mkdir()
        with RunLock.acquire(run_dir), pytest.raises(RunDirError, match="is in use"):
            RunLock.acquire(run_dir)

    @pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
    def test_a_killed_holders_lock_is_stale_and_taken_over(self, tmp_path: Path) -> None:
        """SIGKILL leaves the file but not the lock: the next process takes it over and knows
        whose it was."""
        run_dir = tmp_path / "run"
        run_dir.mkdir()
        holder = hold(run_dir)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        assert lock_path(run_dir).exists()
        started = time.monotonic()
        lock = RunLock.acquire(run_dir)
        assert time.monotonic() - started < 5
        assert lock.stale is not None
        assert lock.stale["pid"] == holder.pid
        lock.release()
