"""Crash-safe writes: write_atomic and append_line."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence import atomic
from dnn_runbook.evidence.atomic import append_line, write_atomic
from dnn_runbook.exceptions import EvidenceError


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _fail(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.EIO, "simulated crash")


class TestWriteAtomic:
    def test_writes_bytes(self, tmp_path: Path) -> None:
        """Bytes are written exactly as given."""
        target = tmp_path / "shot.png"
        write_atomic(target, b"\x89PNG\x00\xff")
        assert target.read_bytes() == b"\x89PNG\x00\xff"

    def test_writes_text_as_utf8(self, tmp_path: Path) -> None:
        """A str is written as UTF-8, with no newline translation."""
        target = tmp_path / "state.json"
        write_atomic(target, '{"server": "Zürich"}\n')
        assert target.read_bytes() == '{"server": "Zürich"}\n'.encode()

    def test_replaces_existing_content_whole(self, tmp_path: Path) -> None:
        """A shorter new content replaces a longer one entirely (no stale tail)."""
        target = tmp_path / "manifest.json"
        target.write_bytes(b"x" * 1000)
        write_atomic(target, b"short")
        assert target.read_bytes() == b"short"

    def test_file_is_owner_only(self, tmp_path: Path) -> None:
        """The written file has mode 0o600, even when it replaced a world-readable one."""
        target = tmp_path / "events.jsonl"
        target.write_bytes(b"old")
        target.chmod(0o644)
        write_atomic(target, b"new")
        assert _mode(target) == 0o600

    @pytest.mark.parametrize("step", ["replace", "fsync", "write"])
    def test_crash_keeps_old_content_and_leaves_no_temp_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
    ) -> None:
        """A failure at write, fsync or rename leaves the old file intact and no temp file."""
        target = tmp_path / "manifest.json"
        target.write_bytes(b"old content")
        monkeypatch.setattr(atomic.os, step, _fail)
        with pytest.raises(EvidenceError, match=r"manifest\.json"):
            write_atomic(target, b"new content that never lands")
        monkeypatch.undo()
        assert target.read_bytes() == b"old content"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]

    def test_crash_on_a_new_file_leaves_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A failed first write leaves no file at all, not an empty or partial one."""
        monkeypatch.setattr(atomic.os, "replace", _fail)
        with pytest.raises(EvidenceError, match="previous content"):
            write_atomic(tmp_path / "state.json", b"{}")
        monkeypatch.undo()
        assert list(tmp_path.iterdir()) == []

    def test_interrupt_also_removes_the_temp_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Ctrl-C in the middle of a write propagates, and still leaves no temp file."""

        def interrupt(*_args: Any) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(atomic.os, "fsync", interrupt)
        with pytest.raises(KeyboardInterrupt):
            write_atomic(tmp_path / "state.json", b"{}")
        monkeypatch.undo()
        assert list(tmp_path.iterdir()) == []

    def test_missing_directory_is_a_clear_error(self, tmp_path: Path) -> None:
        """Writing into a folder that does not exist names the folder."""
        with pytest.raises(EvidenceError, match="must exist"):
            write_atomic(tmp_path / "nowhere" / "state.json", b"{}")

    def test_fsyncs_file_and_directory(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Both the file's data and the directory entry are flushed to disk."""
        synced: list[int] = []
        real_fsync = os.fsync

        def record(fd: int) -> None:
            synced.append(stat.S_IFMT(os.fstat(fd).st_mode))
            real_fsync(fd)

        monkeypatch.setattr(atomic.os, "fsync", record)
        write_atomic(tmp_path / "state.json", b"{}")
        assert synced == [stat.S_IFREG, stat.S_IFDIR]


class TestAppendLine:
    def test_appends_lines_in_order(self, tmp_path: Path) -> None:
        """Each call adds one line ending in a newline, after the ones before."""
        log = tmp_path / "events.jsonl"
        append_line(log, '{"n": 1}')
        append_line(log, '{"n": 2}')
        assert log.read_bytes() == b'{"n": 1}\n{"n": 2}\n'

    def test_new_file_is_owner_only(self, tmp_path: Path) -> None:
        """A log created by append_line has mode 0o600."""
        log = tmp_path / "events.jsonl"
        append_line(log, "{}")
        assert _mode(log) == 0o600

    def test_refuses_a_line_break_inside(self, tmp_path: Path) -> None:
        """A line with a newline inside would split a JSON record: it is refused untouched."""
        log = tmp_path / "events.jsonl"
        append_line(log, "{}")
        with pytest.raises(EvidenceError, match="line break"):
            append_line(log, '{"a":\n1}')
        assert log.read_bytes() == b"{}\n"

    def test_a_torn_last_line_is_closed_first(self, tmp_path: Path) -> None:
        """After a crash cut the last line short, the next line still starts on its own."""
        log = tmp_path / "events.jsonl"
        log.write_bytes(b'{"n": 1}\n{"n": 2, "cut')
        append_line(log, '{"n": 3}')
        assert log.read_bytes().splitlines()[-1] == b'{"n": 3}'
        assert log.read_bytes().endswith(b'"cut\n{"n": 3}\n')

    def test_fsyncs_every_line(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every append is flushed to disk before append_line returns."""
        log = tmp_path / "events.jsonl"
        append_line(log, "{}")  # the file exists: no directory fsync below
        sizes: list[int] = []
        real_fsync = os.fsync

        def record(fd: int) -> None:
            sizes.append(os.fstat(fd).st_size)
            real_fsync(fd)

        monkeypatch.setattr(atomic.os, "fsync", record)
        append_line(log, '{"n": 2}')
        append_line(log, '{"n": 3}')
        assert sizes == [12, 21]

    def test_io_error_is_an_evidence_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A disk error names the log file and says the earlier lines are unchanged."""
        log = tmp_path / "events.jsonl"
        append_line(log, "{}")
        monkeypatch.setattr(atomic.os, "write", _fail)
        with pytest.raises(EvidenceError, match=r"events\.jsonl.*unchanged"):
            append_line(log, '{"n": 2}')
        monkeypatch.undo()
        assert log.read_bytes() == b"{}\n"
