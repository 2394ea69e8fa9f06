"""What `validate` reports: one problem, where it is and how serious it is.

Kept below the runbook language so that the exception hierarchy can carry problems without
importing the language that finds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dnn_runbook.printable import printable


class Severity(StrEnum):
    """How serious a problem is: errors make a runbook invalid, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or suspicious) in a runbook or its env file.

    ``line`` and ``col`` count from 1 and point at the offending key or value. Both are 0
    when the problem concerns the whole file (it cannot be read, say); ``str()`` then shows
    ``FILE: message`` instead of ``FILE:LINE:COL: message``. Messages never hold a secret, and
    ``str()`` shows any control character in them (a key spelt with an escape sequence) as a
    visible escape, so printing a problem cannot drive the terminal.
    """

    file: str
    line: int
    col: int
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        """Whether this problem makes the runbook invalid."""
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        label = "warning: " if self.severity is Severity.WARNING else ""
        return printable(f"{where}: {label}{self.message}")
