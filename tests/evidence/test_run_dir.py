"""The run directory: its name, its permissions, and never reusing one."""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from dnn_runbook.evidence.run_dir import create_run_dir, run_dir_name
from dnn_runbook.exceptions import RunDirError

NOW = datetime(2026, 11, 29, 21, 24, 6, 512000, tzinfo=UTC)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class TestRunDirName:
    def test_utc_time_then_runbook_name(self) -> None:
        """The name is the UTC time to the second, a dash, and the runbook name."""
        assert run_dir_name("migrate-license", NOW) == "20261129T212406Z-migrate-license"

    def test_other_time_zones_are_converted_to_utc(self) -> None:
        """A local time is written as the same instant in UTC."""
        paris = NOW.astimezone(timezone(timedelta(hours=1)))
        assert run_dir_name("m", paris) == "20261129T212406Z-m"

    def test_naive_time_is_refused(self) -> None:
        """A time without a zone cannot be written as UTC: the error says what to pass."""
        with pytest.raises(RunDirError, match=r"timezone-aware.*clock\.utc_now\(\)"):
            run_dir_name("m", datetime(2026, 11, 29, 21, 24, 6))

    @pytest.mark.parametrize(
        ("runbook", "expected"),
        [
            ("Move license / prod", "Move-license-prod"),
            ("../../etc", "etc"),
            ("épreuve", "preuve"),
            ("", "runbook"),
            ("///", "runbook"),
            ("x" * 100, "x" * 64),
        ],
    )
    def test_runbook_name_is_made_safe_for_a_folder(self, runbook: str, expected: str) -> None:
        """Separators, dots at the ends and other unsafe characters never reach the name."""
        assert run_dir_name(runbook, NOW) == f"20261129T212406Z-{expected}"


class TestCreateRunDir:
    def test_creates_the_directory_and_its_parent(self, tmp_path: Path) -> None:
        """A missing evidence folder is created, then the run directory inside it."""
        parent = tmp_path / "screenshots" / "nested"
        run_dir = create_run_dir(parent, "migrate-license", NOW)
        assert run_dir == parent / "20261129T212406Z-migrate-license"
        assert run_dir.is_dir()
        assert list(run_dir.iterdir()) == []

    def test_a_relative_evidence_folder_gives_an_absolute_run_directory(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """``screenshots`` (the default, relative to the working directory) gives an absolute
        run directory: files named as run_dir / name are then found wherever they are opened
        (a relative one made make demo fail to chain events.jsonl)."""
        monkeypatch.chdir(tmp_path)
        run_dir = create_run_dir(Path("screenshots"), "migrate-license", NOW)
        assert run_dir.is_absolute()
        assert run_dir == tmp_path / "screenshots" / "20261129T212406Z-migrate-license"

    def test_owner_only_whatever_the_umask(self, tmp_path: Path) -> None:
        """The run directory is 0o700 even under a permissive umask."""
        previous = os.umask(0)
        try:
            run_dir = create_run_dir(tmp_path / "evidence", "m", NOW)
        finally:
            os.umask(previous)
        assert _mode(run_dir) == 0o700
        assert _mode(run_dir.parent) == 0o700

    def test_existing_name_gets_a_numbered_suffix(self, tmp_path: Path) -> None:
        """Runs started in the same second get -2, -3, …; earlier runs are left untouched."""
        first = create_run_dir(tmp_path, "m", NOW)
        (first / "manifest.json").write_text("earlier run")
        second = create_run_dir(tmp_path, "m", NOW)
        third = create_run_dir(tmp_path, "m", NOW)
        assert [first.name, second.name, third.name] == [
            "20261129T212406Z-m",
            "20261129T212406Z-m-2",
            "20261129T212406Z-m-3",
        ]
        assert (first / "manifest.json").read_text() == "earlier run"
        assert list(second.iterdir()) == []

    def test_a_file_with_the_name_is_skipped_too(self, tmp_path: Path) -> None:
        """A plain file squatting on the name is neither replaced nor used."""
        (tmp_path / "20261129T212406Z-m").write_text("not a run")
        run_dir = create_run_dir(tmp_path, "m", NOW)
        assert run_dir.name == "20261129T212406Z-m-2"
        assert (tmp_path / "20261129T212406Z-m").read_text() == "not a run"

    def test_concurrent_runs_never_share_a_directory(self, tmp_path: Path) -> None:
        """Eight runs created at once in the same second get eight different directories."""
        barrier = threading.Barrier(8)
        made: list[Path] = []
        lock = threading.Lock()

        def start() -> None:
            barrier.wait()
            run_dir = create_run_dir(tmp_path, "m", NOW)
            with lock:
                made.append(run_dir)

        threads = [threading.Thread(target=start) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(made)) == 8
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in made)

    def test_unwritable_parent_is_a_clear_error(self, tmp_path: Path) -> None:
        """An evidence folder that is really a file gives an error that names it."""
        blocker = tmp_path / "screenshots"
        blocker.write_text("a file, not a folder")
        with pytest.raises(RunDirError, match=r"screenshots.*--evidence-dir"):
            create_run_dir(blocker, "m", NOW)
