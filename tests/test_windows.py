"""The code paths Windows takes that can run here: env files and runbooks as Windows tools save
them (UTF-16 with a byte order mark, UTF-8 with one, CR LF), the run lock on ``msvcrt`` with no
``fcntl`` at all, and a notify command split and named by Windows' rules."""

from __future__ import annotations

import errno
import importlib
import io
import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path, PureWindowsPath

import pytest
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.evidence import lock as lock_module
from dnn_runbook.exceptions import RunDirError
from dnn_runbook.runbook import check, read_env_file
from dnn_runbook.runner.attention import program_name, split_command
from tests.support import FAKE_ENV, SEED_RUNBOOK

ENV_TEXT = (
    "# written by PowerShell\r\nDNN_OLD_URL=https://old-web01.example.com\r\nPW=pä#ss wörd\r\n"
)
ENV_VALUES = {"DNN_OLD_URL": "https://old-web01.example.com", "PW": "pä#ss wörd"}


class TestEncodings:
    @pytest.mark.parametrize(
        "encoding", ["utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-8-sig", "utf-32", "utf-8"]
    )
    def test_env_file_in_every_encoding_windows_tools_write(
        self, tmp_path: Path, encoding: str
    ) -> None:
        """PowerShell 5's `>` (UTF-16 LE with a mark), Notepad's "Unicode" and "UTF-8 with BOM",
        big-endian UTF-16: the same values, CR LF line ends included."""
        marks = {"utf-16-le-bom": b"\xff\xfe", "utf-16-be-bom": b"\xfe\xff"}
        if encoding in marks:
            codec = "utf-16-le" if encoding.startswith("utf-16-le") else "utf-16-be"
            data = marks[encoding] + ENV_TEXT.encode(codec)
        else:
            data = ENV_TEXT.encode(encoding)
        path = tmp_path / "prod.env"
        path.write_bytes(data)
        path.chmod(0o600)
        values, problems = read_env_file(path)
        assert problems == []
        assert values == ENV_VALUES

    def test_validate_takes_an_env_file_written_by_powershell_5(self, tmp_path: Path) -> None:
        """`Get-Content ... > prod.env` in Windows PowerShell 5 writes UTF-16 LE with a byte
        order mark and CR LF: validate reads it (it said "not UTF-8 text" before)."""
        env = tmp_path / "prod.env"
        env.write_bytes("".join(f"{k}={v}\r\n" for k, v in FAKE_ENV.items()).encode("utf-16"))
        env.chmod(0o600)
        result = CliRunner().invoke(
            app, ["validate", str(SEED_RUNBOOK), "--env-file", str(env)], terminal_width=200
        )
        assert (result.exit_code, result.output) == (0, f"{SEED_RUNBOOK}: valid, 9 steps\n")

    def test_a_runbook_saved_as_utf16(self, tmp_path: Path) -> None:
        """A runbook saved by a Windows editor as UTF-16 loads like its UTF-8 original."""
        path = tmp_path / "runbook.yaml"
        path.write_bytes(SEED_RUNBOOK.read_text().replace("\n", "\r\n").encode("utf-16"))
        runbook, problems = check(path, environ=FAKE_ENV)
        assert problems == []
        assert runbook is not None
        assert [s.id for s in runbook.steps][3] == "wait-new-serving"

    def test_a_byte_order_mark_on_something_else_is_a_clear_error(self, tmp_path: Path) -> None:
        """A UTF-16 mark followed by an odd number of bytes is refused, saying what to do."""
        path = tmp_path / "broken.env"
        path.write_bytes(b"\xff\xfeA\x00=\x001")
        _, problems = read_env_file(path)
        assert [str(p) for p in problems] == [
            f"{path}: the env file starts with a UTF-16 byte order mark but is not UTF-16 text; "
            "save it again as UTF-8."
        ]


class FakeMsvcrt(types.ModuleType):
    """``msvcrt.locking`` as Windows does it: a byte range locked per file, refused to any
    other handle while held."""

    LK_UNLCK = 0
    LK_NBLCK = 2

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.held: dict[tuple[int, int, int], int] = {}
        self.calls: list[str] = []

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        info = os.fstat(fd)
        key = (info.st_dev, info.st_ino, os.lseek(fd, 0, os.SEEK_CUR))
        self.calls.append("lock" if mode == self.LK_NBLCK else "unlock")
        if mode == self.LK_NBLCK:
            if self.held.get(key, fd) != fd:
                raise OSError(errno.EACCES, "Permission denied")
            self.held[key] = fd
        elif self.held.get(key) == fd:
            del self.held[key]
        else:
            raise OSError(errno.EACCES, "Permission denied")


@pytest.fixture
def windows_lock(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[types.ModuleType, FakeMsvcrt]]:
    """The lock module as Windows imports it: sys.platform win32, msvcrt there, fcntl not."""
    msvcrt = FakeMsvcrt()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` raises ImportError
    monkeypatch.setitem(sys.modules, "msvcrt", msvcrt)
    try:
        yield importlib.reload(lock_module), msvcrt
    finally:
        monkeypatch.undo()
        importlib.reload(lock_module)


class TestLockOnWindows:
    def test_msvcrt_lock_refuses_a_second_holder_and_is_let_go_before_the_file_is_deleted(
        self, windows_lock: tuple[types.ModuleType, FakeMsvcrt], tmp_path: Path
    ) -> None:
        module, msvcrt = windows_lock
        # Reloaded on the Windows branch: had it imported fcntl, the reload would have failed.
        assert module._WINDOWS
        assert module.msvcrt is msvcrt
        run_dir = tmp_path / "run"
        run_dir.mkdir()
        held = module.RunLock.acquire(run_dir)
        assert msvcrt.held
        with pytest.raises(RunDirError, match=f"is in use by process {os.getpid()} of "):
            module.RunLock.acquire(run_dir)
        path = module.lock_path(run_dir)
        removed: list[bool] = []
        real_unlink = Path.unlink

        def unlink(self: Path, missing_ok: bool = False) -> None:
            # Windows cannot delete an open, locked file: the lock must be gone by now.
            removed.append(not msvcrt.held)
            real_unlink(self, missing_ok=missing_ok)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Path, "unlink", unlink)
            held.release()
        assert removed == [True]
        assert not path.exists()
        with module.RunLock.acquire(run_dir) as again:
            assert again.stale is None


class TestNotifyCommandOnWindows:
    def test_split_by_windows_rules(self) -> None:
        """Double quotes group and go; backslashes stay (paths), \\" is a quote."""
        line = '"C:\\Program Files\\Notify\\notify.exe" --to "ops team" -m say\\"hi\\" C:\\logs\\'
        assert split_command(line, windows=True) == [
            "C:\\Program Files\\Notify\\notify.exe",
            "--to",
            "ops team",
            "-m",
            'say"hi"',
            "C:\\logs\\",
        ]
        with pytest.raises(ValueError, match="No closing quotation"):
            split_command('"C:\\Program Files\\notify.exe', windows=True)
        with pytest.raises(ValueError, match="empty"):
            split_command("   ", windows=True)

    def test_split_by_posix_rules(self) -> None:
        assert split_command("page-me --channel 'ops team' a\\ b", windows=False) == [
            "page-me",
            "--channel",
            "ops team",
            "a b",
        ]

    def test_the_evidence_names_the_program_by_its_windows_file_name(self) -> None:
        program = r"C:\Program Files\Notify\notify.exe"
        assert program_name(program, windows=True) == PureWindowsPath(program).name == "notify.exe"
        assert program_name("/usr/local/bin/page-me", windows=False) == "page-me"


class TestRedirectedOutputOnWindows:
    def test_a_redirected_stream_in_the_ansi_code_page_prints_masks(self) -> None:
        """`plan > plan.txt` on Windows: the stream is in the ANSI code page (cp1252), which has
        no '✓' and no Cyrillic (a runbook's description may be in any language); it becomes
        UTF-8 instead of ending in a UnicodeEncodeError."""
        from dnn_runbook.cli._streams import utf8_when_redirected

        before = io.TextIOWrapper(io.BytesIO(), encoding="cp1252", write_through=True)
        with pytest.raises(UnicodeEncodeError):
            before.write("✓ лицензия ••••01-1\n")
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="cp1252")
        utf8_when_redirected([stream], windows=True)
        stream.write("✓ лицензия ••••01-1\n")
        stream.flush()
        assert raw.getvalue().endswith("✓ лицензия ••••01-1\n".encode())

    def test_left_alone_elsewhere(self) -> None:
        from dnn_runbook.cli._streams import utf8_when_redirected

        stream = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
        utf8_when_redirected([stream], windows=False)
        assert stream.encoding == "cp1252"
