"""dnn_runbook.inputs: a file that may have been made by someone else is read safely."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from dnn_runbook.exceptions import InputFileError
from dnn_runbook.inputs import mode_of, read_regular

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")


class TestReadRegular:
    def test_reads_a_regular_file(self, tmp_path: Path) -> None:
        """A regular file within the limit is returned whole."""
        path = tmp_path / "a.txt"
        path.write_bytes(b"x" * 10)
        assert read_regular(path, max_bytes=10, what="runbook") == b"x" * 10

    def test_refuses_a_file_over_the_limit(self, tmp_path: Path) -> None:
        """One byte over: refused with the size, unread."""
        path = tmp_path / "a.txt"
        path.write_bytes(b"x" * 11)
        with pytest.raises(InputFileError, match="is 11 bytes; a runbook is at most 10 bytes"):
            read_regular(path, max_bytes=10, what="runbook")

    @posix_only
    def test_a_fifo_is_refused_at_once(self, tmp_path: Path) -> None:
        """A named pipe with no writer would block a read forever: refused without waiting."""
        fifo = tmp_path / "runbook.yaml"
        os.mkfifo(fifo)
        result: list[BaseException] = []

        def read() -> None:
            try:
                read_regular(fifo, max_bytes=1000, what="runbook")
            except InputFileError as exc:
                result.append(exc)

        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        thread.join(timeout=5)
        assert not thread.is_alive(), "reading a FIFO hung"
        assert "a named pipe (FIFO), not a regular file" in str(result[0])

    @posix_only
    @pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
    def test_a_device_reporting_size_0_is_refused(self) -> None:
        """/dev/zero says it is 0 bytes and never ends: refused as a device."""
        with pytest.raises(InputFileError, match="a character device, not a regular file"):
            read_regular("/dev/zero", max_bytes=1000, what="env file")

    def test_a_folder_and_a_missing_file(self, tmp_path: Path) -> None:
        """A folder and a missing file are each said in a sentence."""
        with pytest.raises(
            InputFileError, match="this is a folder; give the path of a runbook file"
        ):
            read_regular(tmp_path, max_bytes=10, what="runbook")
        with pytest.raises(InputFileError, match="the runbook cannot be read"):
            read_regular(tmp_path / "nope", max_bytes=10, what="runbook")


class TestModeOf:
    @pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
    def test_permission_bits(self, tmp_path: Path) -> None:
        """The permission bits, for a warning about files others may read."""
        path = tmp_path / "e.env"
        path.write_text("A=1")
        path.chmod(0o640)
        assert mode_of(path) == 0o640
