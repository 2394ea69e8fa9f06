"""Loading the sandbox's HTML templates and filling them in safely.

Templates are ``string.Template`` files in ``templates/`` (``$name`` placeholders): no template
engine to install, and every value is HTML-escaped unless it is passed as ``raw``.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files
from string import Template
from typing import Any

_PACKAGE = "dnn_runbook.sandbox"


@cache
def _template(name: str) -> Template:
    return Template(files(_PACKAGE).joinpath("templates", name).read_text(encoding="utf-8"))


def static_dir() -> str:
    """The folder of the sandbox's CSS, JavaScript and images."""
    return str(files(_PACKAGE).joinpath("static"))


def render(name: str, raw: dict[str, str] | None = None, **text: Any) -> str:
    """Fill template ``name``: ``text`` values are escaped, ``raw`` values are inserted as is."""
    values = {key: escape(str(value), quote=True) for key, value in text.items()}
    values.update(raw or {})
    return _template(name).substitute(values)
