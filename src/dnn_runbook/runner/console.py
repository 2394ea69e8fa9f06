"""What the operator sees and answers during a run: progress, prompts and the summary.

On a terminal: a live line per step (step n of N, what is happening now), one readable line
per event, and a summary table. Otherwise (CI, a pipe, a log file): the same information as
plain lines, no colour, no cursor tricks. With ``--log-format json`` every event goes to
standard error as one JSON object a line, for machines, whatever the terminal. This is the
only module that uses ``rich``.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TextIO

from rich.console import Console as RichConsole
from rich.status import Status
from rich.table import Table
from rich.text import Text

from dnn_runbook.printable import printable

_STATUS_STYLE = {
    "done": "green",
    "already_done": "cyan",
    "failed": "bold red",
    "declined": "yellow",
    "refused": "bold yellow",
    "interrupted": "yellow",
    "pending": "dim",
    "running": "magenta",
}

_STATUS_WORDS = {
    "done": "done",
    "already_done": "already done",
    "failed": "FAILED",
    "declined": "declined",
    "refused": "refused",
    "interrupted": "interrupted",
    "pending": "not run",
    "running": "unfinished",
}


#: What an event line leaves out: the progress lines already say which run and step it is.
_NOT_SHOWN = frozenset(
    {"event", "level", "timestamp", "run_id", "step_id", "step_index", "action", "description"}
)
#: Events whose message the step's own result line prints already, once.
_SAID_ELSEWHERE = {"step_finished": {"message"}, "step_stopped": {"error"}}
#: How much of one value an event line shows.
_VALUE_WIDTH = 72


class LogFormat(StrEnum):
    """How events reach the console: readable lines, or JSON lines for machines."""

    CONSOLE = "console"
    JSON = "json"


def render_event(event: Mapping[str, Any]) -> str:
    """One event as one readable line: ``21:24:07 license_table_read server=new ...``."""
    name = str(event.get("event", "?"))
    stamp = str(event.get("timestamp") or "")
    when = stamp[11:19] if len(stamp) >= 19 else ""
    level = str(event.get("level") or "info")
    hidden = _NOT_SHOWN | _SAID_ELSEWHERE.get(name, set())
    fields = " ".join(f"{key}={_short(value)}" for key, value in event.items() if key not in hidden)
    head = name if level == "info" else f"{level}: {name}"
    return " ".join(part for part in (when, head, fields) if part)


def _short(value: object) -> str:
    if isinstance(value, bool) or value is None:
        text = json.dumps(value)
    elif isinstance(value, Mapping):
        text = " ".join(_short(item) for item in value.values() if item not in (None, ""))
    elif isinstance(value, list | tuple | set | frozenset):
        text = "; ".join(_short(item) for item in value) if value else "none"
    else:
        text = " ".join(str(value).split())
        if " " in text and len(text) <= _VALUE_WIDTH:
            text = json.dumps(text, ensure_ascii=False)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One line of the end-of-run summary."""

    index: int
    step_id: str
    status: str
    duration_s: float | None
    message: str


class Console:
    """The operator's view of a run."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        interactive: bool | None = None,
        input_stream: TextIO | None = None,
        log_format: LogFormat = LogFormat.CONSOLE,
        machine_stream: TextIO | None = None,
    ) -> None:
        out = stream if stream is not None else sys.stdout
        self.interactive = out.isatty() if interactive is None else interactive
        self._input = input_stream if input_stream is not None else sys.stdin
        self.log_format = log_format
        self._machine = machine_stream
        self._rich = RichConsole(
            file=out,
            force_terminal=self.interactive,
            no_color=not self.interactive,
            highlight=False,
            soft_wrap=not self.interactive,
            width=None if self.interactive else 10_000,
        )
        self._status: Status | None = None
        self._step_label = ""
        self._redact: Callable[[str], str] = lambda text: text

    def redact_with(self, redact: Callable[[str], str]) -> None:
        """Pass every text printed from now on through ``redact`` (the run's redactor), so a
        secret a variable put into a confirm message or a step's description never shows."""
        self._redact = redact

    def _safe(self, text: str) -> str:
        # Redacted, and control characters shown as escapes: a runbook's text or a page's
        # must not drive the terminal.
        return printable(self._redact(text))

    def line(self, text: str, *, style: str | None = None, whole: bool = False) -> None:
        """Print one line; ``whole``: never wrapped, so a command can be copied as printed."""
        self._rich.print(Text(self._safe(text), style=style or ""), soft_wrap=whole or None)

    @property
    def shows_events(self) -> bool:
        """Whether :meth:`event` prints anything: JSON lines always, readable lines on a
        terminal only (elsewhere the step lines and ``events.jsonl`` say it all)."""
        return self.log_format is LogFormat.JSON or self.interactive

    def event(self, event: Mapping[str, Any]) -> None:
        """Show one (redacted) event: one readable line above the progress line, or one JSON
        line on standard error with ``--log-format json``."""
        if self.log_format is LogFormat.JSON:
            stream = self._machine if self._machine is not None else sys.stderr
            stream.write(json.dumps(dict(event), ensure_ascii=False, default=str) + "\n")
            stream.flush()
            return
        self._rich.print(Text(self._safe(render_event(event)), style="dim"), soft_wrap=True)

    def warn(self, text: str) -> None:
        """Print a warning the operator must not miss."""
        self._rich.print(Text(self._safe(f"warning: {text}"), style="bold yellow"))

    def error(self, text: str) -> None:
        """Print why the run stopped."""
        self._rich.print(Text(self._safe(f"error: {text}"), style="bold red"))

    @contextmanager
    def step(self, index: int, total: int, step_id: str, description: str) -> Iterator[None]:
        """Show that step ``index`` of ``total`` is running; a spinner on a terminal."""
        self._step_label = self._safe(f"[{index}/{total}] {step_id}")
        self._rich.print(Text(f"{self._step_label}: {self._safe(description)}", style="bold"))
        if self.interactive:
            self._status = self._rich.status(f"{self._step_label}: starting")
            self._status.start()
        try:
            yield
        finally:
            if self._status is not None:
                self._status.stop()
                self._status = None

    def activity(self, text: str) -> None:
        """Say what the current step is doing now (logging in, reading the table, ...)."""
        shown = self._safe(text)
        if self._status is not None:
            self._status.update(Text(f"{self._step_label}: {shown}"))
        else:
            self._rich.print(Text(f"    {shown}", style="dim"))

    def step_result(self, status: str, message: str) -> None:
        """Print how the current step ended."""
        word = _STATUS_WORDS.get(status, status)
        self._rich.print(
            Text(self._safe(f"    {word}: {message}"), style=_STATUS_STYLE.get(status, ""))
        )

    @contextmanager
    def _paused(self) -> Iterator[None]:
        status = self._status
        if status is not None:
            status.stop()
        try:
            yield
        finally:
            if status is not None:
                status.start()

    def confirm(self, message: str, *, assume_yes: bool) -> bool:
        """Show ``message`` and wait for the operator's yes; ``assume_yes`` answers for them.

        End of input (a closed or empty standard input) counts as no: an unattended run must
        say ``--yes`` to go past a human step.
        """
        with self._paused():
            self._rich.print(
                Text(self._safe("  ACTION NEEDED: " + message.strip()), style="bold yellow")
            )
            if assume_yes:
                self._rich.print(Text("  Confirmed by --yes.", style="yellow"))
                return True
            while True:
                self._rich.print(Text("  Type 'yes' when done, or 'no' to stop the run: "), end="")
                answer = self._input.readline()
                if not answer:
                    self._rich.print(
                        Text("\n  No answer (end of input): stopping.", style="yellow")
                    )
                    return False
                word = answer.strip().casefold()
                if word in {"y", "yes"}:
                    return True
                if word in {"n", "no"}:
                    return False

    def prompt_secret(self, label: str) -> str:
        """Ask for a secret (an activation key) without echoing it."""
        with self._paused():
            if self._input is sys.stdin and sys.stdin.isatty():
                return getpass.getpass(f"  {label}: ")
            self._rich.print(Text(f"  {label}: "), end="")
            return self._input.readline().strip()

    def summary(self, rows: Sequence[SummaryRow], *, title: str) -> None:
        """Print the end-of-run table of every step."""
        if self.interactive:
            table = Table(title=Text(self._safe(title)), title_justify="left", expand=False)
            for name, justify in (("#", "right"), ("step", "left"), ("result", "left")):
                table.add_column(name, justify=justify)  # type: ignore[arg-type]
            table.add_column("time", justify="right")
            table.add_column("details", overflow="fold")
            for row in rows:
                table.add_row(
                    str(row.index),
                    self._safe(row.step_id),
                    Text(
                        _STATUS_WORDS.get(row.status, row.status),
                        style=_STATUS_STYLE.get(row.status, ""),
                    ),
                    _seconds(row.duration_s),
                    Text(self._safe(row.message)),
                )
            self._rich.print(table)
            return
        self._rich.print(Text(self._safe(title)))
        for row in rows:
            self._rich.print(
                Text(
                    self._safe(
                        f"  {row.index:>2}  {row.step_id:<24} "
                        f"{_STATUS_WORDS.get(row.status, row.status):<13} "
                        f"{_seconds(row.duration_s):>7}  {row.message}"
                    )
                )
            )


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}s"
