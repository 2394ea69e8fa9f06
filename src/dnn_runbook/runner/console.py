"""What the operator sees and answers during a run: progress, prompts and the summary.

On a terminal: a live line per step (step n of N, what is happening now) and a summary table.
Otherwise (CI, a pipe, a log file): the same information as plain lines, no colour, no
cursor tricks. This is the only module that uses ``rich``.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console as RichConsole
from rich.status import Status
from rich.table import Table
from rich.text import Text

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
    ) -> None:
        out = stream if stream is not None else sys.stdout
        self.interactive = out.isatty() if interactive is None else interactive
        self._input = input_stream if input_stream is not None else sys.stdin
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

    def line(self, text: str, *, style: str | None = None) -> None:
        """Print one line."""
        self._rich.print(Text(text, style=style or ""))

    def event(self, rendered: str) -> None:
        """Show one structlog event, rendered with ANSI colours, above the progress line."""
        self._rich.print(Text.from_ansi(rendered, style="dim"), soft_wrap=True)

    def warn(self, text: str) -> None:
        """Print a warning the operator must not miss."""
        self._rich.print(Text(f"warning: {text}", style="bold yellow"))

    def error(self, text: str) -> None:
        """Print why the run stopped."""
        self._rich.print(Text(f"error: {text}", style="bold red"))

    @contextmanager
    def step(self, index: int, total: int, step_id: str, description: str) -> Iterator[None]:
        """Show that step ``index`` of ``total`` is running; a spinner on a terminal."""
        self._step_label = f"[{index}/{total}] {step_id}"
        self._rich.print(Text(f"{self._step_label}: {description}", style="bold"))
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
        if self._status is not None:
            self._status.update(f"{self._step_label}: {text}")
        else:
            self._rich.print(Text(f"    {text}", style="dim"))

    def step_result(self, status: str, message: str) -> None:
        """Print how the current step ended."""
        word = _STATUS_WORDS.get(status, status)
        self._rich.print(Text(f"    {word}: {message}", style=_STATUS_STYLE.get(status, "")))

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
            self._rich.print(Text("  ACTION NEEDED: " + message.strip(), style="bold yellow"))
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
            table = Table(title=title, title_justify="left", expand=False)
            for name, justify in (("#", "right"), ("step", "left"), ("result", "left")):
                table.add_column(name, justify=justify)  # type: ignore[arg-type]
            table.add_column("time", justify="right")
            table.add_column("details", overflow="fold")
            for row in rows:
                table.add_row(
                    str(row.index),
                    row.step_id,
                    Text(
                        _STATUS_WORDS.get(row.status, row.status),
                        style=_STATUS_STYLE.get(row.status, ""),
                    ),
                    _seconds(row.duration_s),
                    row.message,
                )
            self._rich.print(table)
            return
        self._rich.print(title)
        for row in rows:
            self._rich.print(
                f"  {row.index:>2}  {row.step_id:<24} {_STATUS_WORDS.get(row.status, row.status):<13} "
                f"{_seconds(row.duration_s):>7}  {row.message}"
            )


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}s"
