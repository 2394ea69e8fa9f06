"""Help that reads well at 80 columns: click's plain layout, without typer's decorations.

Typer writes a required argument as ``{RUNBOOK}`` in the usage line and a type after each
argument (``RUNBOOK <file>``); neither says more than the metavar and the help text already
do, and both read as placeholders to fill in. :class:`PlainCommand` writes them as
``RUNBOOK``. Its help is also never wrapped inside a hyphenated word: ``retain-on-failure``
or ``licensing-down:old`` split over two lines cannot be copied.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand

_BRACED = re.compile(r"\{([A-Z][A-Z_]*)\}")
_TYPE = re.compile(r"(?m)^(  \[?[A-Z][A-Z_]*\]?) <[a-z]+>")
_WORD_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
#: Stands in for a hyphen while the text is wrapped: one character wide, and not a place
#: where a line may break.
_KEEP = "\u2011"


def _unbreakable(text: str) -> str:
    return _WORD_HYPHEN.sub(_KEEP, text)


class PlainCommand(TyperCommand):
    """A typer command whose help names arguments by their metavars alone."""

    # ``Any``: typer types these with its vendored click, which it does not export.
    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Write the help as typer does, hyphenated words kept whole, then drop the braces
        and the type placeholders."""
        write_dl, write_text = formatter.write_dl, formatter.write_text

        def kept_dl(rows: Any, *args: Any, **kwargs: Any) -> None:
            write_dl([(term, _unbreakable(text)) for term, text in rows], *args, **kwargs)

        formatter.write_dl = kept_dl
        formatter.write_text = lambda text: write_text(_unbreakable(text))
        try:
            super().format_help(ctx, formatter)
        finally:
            del formatter.write_dl, formatter.write_text
        text = "".join(formatter.buffer)
        plain = _TYPE.sub(r"\1", _BRACED.sub(r"\1", text)).replace(_KEEP, "-")
        formatter.buffer[:] = [plain]

    def get_usage(self, ctx: Any) -> str:
        """The usage line, as in ``--help`` (also shown with a usage error)."""
        return _BRACED.sub(r"\1", super().get_usage(ctx))
