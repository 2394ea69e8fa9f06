"""``Secret``: a value that must never be printed, logged or put in an exception.

A ``Secret`` is deliberately not a ``str``: nothing that formats it (``str()``, ``repr()``,
f-strings, ``%``, structlog, a traceback) can show the value. Code that must type the value
into a page asks for it by name with ``reveal()``, which makes every such place easy to find.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import NoReturn

from dnn_runbook.licenses import MASK, mask_invoice


class SecretKind(StrEnum):
    """What a secret holds, which decides how much of it ``masked()`` may show."""

    PASSWORD = "password"  # noqa: S105 - the name of a kind, not a password
    EMAIL = "email"
    INVOICE = "invoice"
    ACTIVATION_KEY = "activation key"


class Secret:
    """A secret value with a kind; shows itself only masked.

    ``masked()`` shows an invoice number as the mask and its last four characters (never more
    than half of it, so a short value is not shown whole) and every other kind as the mask
    alone. Two secrets are equal when kind and value are; the comparison is constant-time.
    """

    __slots__ = ("_kind", "_value")

    _kind: SecretKind
    _value: str

    def __init__(self, value: str, kind: SecretKind) -> None:
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_kind", SecretKind(kind))

    @property
    def kind(self) -> SecretKind:
        """What this secret holds."""
        return self._kind

    def reveal(self) -> str:
        """Return the value itself: only to type it into a form, never to print it."""
        return self._value

    def masked(self) -> str:
        """Return the form that may be shown: ``'••••01-1'`` for an invoice, else ``'••••'``."""
        if self._kind is SecretKind.INVOICE:
            return mask_invoice(self._value.strip())
        return MASK

    def __str__(self) -> str:
        return self.masked()

    def __format__(self, spec: str) -> str:
        return format(self.masked(), spec)

    def __repr__(self) -> str:
        return f"Secret({self._kind.value}, {self.masked()!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return self._kind is other._kind and hmac.compare_digest(
            self._value.encode("utf-8"), other._value.encode("utf-8")
        )

    def __hash__(self) -> int:
        return hash((Secret, self._kind, self._value))

    def __copy__(self) -> Secret:
        return self  # immutable, so a copy may be the object itself

    def __deepcopy__(self, memo: dict[int, object]) -> Secret:
        return self

    def __reduce__(self) -> NoReturn:
        # Pickling would write the value out in the clear (a journal, a cache, a queue).
        raise TypeError("A Secret cannot be pickled: that would write its value out.")

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"A Secret cannot be changed (tried to set {name!r}).")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"A Secret cannot be changed (tried to delete {name!r}).")


def repr_forms(value: str) -> set[str]:
    """How ``value`` looks inside a message that shows a text with ``{text!r}``: Python's
    escapes (``\\``, ``\\n``, ``\\x1b``), with its single quotes escaped or not (that depends
    on the whole text the value sits in)."""
    body = repr(value)[1:-1]
    return {body, body.replace("\\'", "'"), body.replace("\\'", "'").replace("'", "\\'")}


def mask_values(text: str, values: Iterable[str], *, min_length: int = 1) -> str:
    """``text`` with every occurrence of each of ``values`` (any letter case) replaced by the
    mask. Values shorter than ``min_length`` are left alone; longer values are masked first,
    so a value that contains another is masked whole.

    This is the runbook language's own net for messages and plans, which never import the
    evidence's fuller redactor (it knows URL, HTML and JSON escapes, for logs and traces).
    """
    forms = sorted({v for v in values if len(v) >= max(min_length, 1)}, key=len, reverse=True)
    if not forms:
        return text
    pattern = re.compile("|".join(re.escape(form) for form in forms), re.IGNORECASE)
    return pattern.sub(MASK, text)
