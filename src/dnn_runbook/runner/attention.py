"""Getting the operator's attention: a terminal bell and ``--notify-command``.

A run can wait for a person for a long time (the DNS cut-over, a pasted activation key), and an
operator who looked away must learn that it waits, and when it has ended. Two means:

- the **bell**: ``\\a`` on standard error when standard error is a terminal (never into a file
  or a pipe, where it would only be a stray byte), unless the run was told ``--no-bell``;
- the **notify command**: a program run, without a shell, as ``CMD... waiting STEP_ID`` when the
  run waits for the operator and ``CMD... ended EXIT_CODE REPORT_PATH`` when it ends (the
  report path empty when the run wrote none). It may send a chat message, a mail, a desktop
  notification. It can never stop or hang the run: its output goes nowhere, a failure is
  only logged, and one still running after :data:`NOTIFY_TIMEOUT_S` is killed.

The command line may hold a webhook's token, so the evidence records the program's file name
and how it ended, never its arguments.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

import structlog

#: How long a notify command may run before it is killed.
NOTIFY_TIMEOUT_S = 10.0

#: The threads that wait for the notify commands started for waits; the end of the run waits
#: for them (each at most NOTIFY_TIMEOUT_S), so no command outlives its run.
_PENDING: list[threading.Thread] = []


def split_command(command: str, *, windows: bool | None = None) -> list[str]:
    """Split a command line into a program and its arguments, as the operator's shell would.

    On POSIX, as ``sh`` splits words (``shlex``). On Windows, as programs split their command
    line: spaces separate, double quotes group and are removed, ``\\"`` is a quote, and every
    other backslash is literal, so ``"C:\\Program Files\\notify.exe" --to ops`` works.

    Raises:
        ValueError: a quote is not closed, or the command is empty.
    """
    windows = os.name == "nt" if windows is None else windows
    words = _split_windows(command) if windows else shlex.split(command)
    if not words or not words[0]:
        raise ValueError("the command is empty; give the program to run and its arguments")
    return words


def _split_windows(command: str) -> list[str]:
    words: list[str] = []
    word: list[str] = []
    quoted = in_word = False
    i = 0
    while i < len(command):
        char = command[i]
        if char == "\\" and command[i + 1 : i + 2] == '"':
            word.append('"')
            in_word = True
            i += 2
            continue
        if char == '"':
            quoted = not quoted
            in_word = True
        elif char in " \t" and not quoted:
            if in_word:
                words.append("".join(word))
            word, in_word = [], False
        else:
            word.append(char)
            in_word = True
        i += 1
    if quoted:
        raise ValueError("No closing quotation")
    if in_word:
        words.append("".join(word))
    return words


def program_name(program: str, *, windows: bool | None = None) -> str:
    """The file name of ``program`` (``notify.exe`` for ``C:\\Tools\\notify.exe``): what the
    evidence may say about a notify command."""
    windows = os.name == "nt" if windows is None else windows
    return (PureWindowsPath(program) if windows else PurePosixPath(program)).name


def ring(enabled: bool) -> None:
    """Ring the terminal's bell, if ``enabled`` and standard error is a terminal."""
    stream = sys.stderr
    if enabled and stream is not None and stream.isatty():
        stream.write("\a")
        stream.flush()


@dataclass(slots=True)
class Notification:
    """A notify command started for a wait; :meth:`settle` logs how it ended."""

    program: str
    what: str
    process: subprocess.Popen[bytes] | None
    error: str | None = None
    timed_out: threading.Event = field(default_factory=threading.Event)

    def settle(self, log: structlog.typing.FilteringBoundLogger) -> None:
        """Log how the command ended so far: its exit code, or that it still runs (it is
        killed once :data:`NOTIFY_TIMEOUT_S` have passed)."""
        said = {"what": self.what, "program": program_name(self.program)}
        code = None if self.process is None else self.process.poll()
        if self.process is None:
            log.warning("operator_notify_failed", **said, error=self.error)
        elif self.timed_out.is_set():
            log.warning(
                "operator_notify_failed", **said, error=f"killed after {NOTIFY_TIMEOUT_S:g} s"
            )
        elif code not in (None, 0):
            log.warning("operator_notify_failed", **said, error=f"exit code {code}")
        else:
            log.info("operator_notified", **said, exit_code=code, still_running=code is None)


def _start(argv: Sequence[str]) -> subprocess.Popen[bytes]:
    # The operator's own program, run without a shell: nothing in it is interpreted.
    return subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _reap(notification: Notification) -> None:
    process = notification.process
    assert process is not None
    try:
        process.wait(timeout=NOTIFY_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        notification.timed_out.set()
        process.kill()
        process.wait()


def waiting(command: Sequence[str], *, bell: bool, step_id: str) -> Notification | None:
    """The run waits for the operator at ``step_id``: ring, and start the notify command in
    the background (the prompt does not wait for it)."""
    ring(bell)
    if not command:
        return None
    try:
        notification = Notification(command[0], "waiting", _start([*command, "waiting", step_id]))
    except OSError as exc:
        return Notification(command[0], "waiting", None, error=exc.strerror or type(exc).__name__)
    reaper = threading.Thread(target=_reap, args=(notification,), daemon=True)
    reaper.start()
    _PENDING.append(reaper)
    return notification


def ended(command: Sequence[str], *, bell: bool, exit_code: int, report: str) -> str | None:
    """The run has ended: ring, and run the notify command to its end (at most
    :data:`NOTIFY_TIMEOUT_S`). Returns why it failed, in words, or ``None``."""
    ring(bell)
    while _PENDING:
        _PENDING.pop().join()
    if not command:
        return None
    argv = [*command, "ended", str(exit_code), report]
    try:
        process = _start(argv)
    except OSError as exc:
        return f"it could not be started ({exc.strerror or type(exc).__name__})"
    notification = Notification(command[0], "ended", process)
    _reap(notification)
    if notification.timed_out.is_set():
        return f"it was still running after {NOTIFY_TIMEOUT_S:g} s and was killed"
    if process.returncode != 0:
        return f"it ended with exit code {process.returncode}"
    return None
