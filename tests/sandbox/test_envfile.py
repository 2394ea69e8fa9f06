"""The sandbox's KEY=value file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dnn_runbook.exceptions import SandboxError
from dnn_runbook.sandbox.envfile import render_env, write_env_file


class TestWriteEnvFile:
    def test_lines_and_owner_only_mode(self, tmp_path: Path) -> None:
        """The file holds one KEY=value a line and only its owner may read it."""
        target = tmp_path / "sandbox.env"
        write_env_file(target, {"A": "1", "B": "two"})
        assert target.read_text(encoding="utf-8") == "A=1\nB=two\n"
        if os.name == "posix":
            assert stat.S_IMODE(target.stat().st_mode) == 0o600

    def test_replaces_an_existing_file_and_leaves_no_temporary_file(self, tmp_path: Path) -> None:
        """A second write replaces the first whole; nothing else is left in the folder."""
        target = tmp_path / "sandbox.env"
        target.write_text("OLD=1\n", encoding="utf-8")
        write_env_file(target, {"NEW": "2"})
        assert target.read_text(encoding="utf-8") == "NEW=2\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["sandbox.env"]

    def test_a_missing_folder_is_a_clear_error(self, tmp_path: Path) -> None:
        """Writing into a folder that does not exist names the file and the cause."""
        target = tmp_path / "nowhere" / "sandbox.env"
        with pytest.raises(SandboxError, match="could not be written"):
            write_env_file(target, {"A": "1"})

    def test_a_line_break_in_a_value_is_refused(self) -> None:
        """A value with a newline would forge another line: refused, without printing it."""
        with pytest.raises(SandboxError, match="holds a line break") as caught:
            render_env({"A": "x\nEVIL=1"})
        assert "EVIL" not in str(caught.value)
