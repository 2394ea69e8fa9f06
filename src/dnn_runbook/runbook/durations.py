"""Durations as runbooks write them: ``30s``, ``5m``, ``2h``, ``1h30m``, ``1d``."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
#: Digits an amount may have: 999,999,999 days is already far past any real wait.
_MAX_DIGITS = 9
_UNITS = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))

#: Shown in every message about a malformed duration.
DURATION_FORMS = "a duration such as 30s, 5m, 2h or 1h30m (units d, h, m, s, largest first)"


def parse_duration(text: str) -> timedelta:
    """Return the ``timedelta`` that ``text`` spells.

    Each unit may appear once, largest first, with a whole number before it: ``1h30m`` but
    not ``30m1h``, ``1.5h`` or ``90`` (a bare number has no unit, so it is ambiguous).

    Raises:
        ValueError: ``text`` is not such a duration; the message says why.
    """
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"expected {DURATION_FORMS}")
    if any(amount and len(amount) > _MAX_DIGITS for amount in match.groups()):
        raise ValueError(
            f"that duration is too long to be meant (an amount of more than {_MAX_DIGITS} digits)"
        )
    seconds = sum(
        int(amount) * size
        for amount, (_, size) in zip(match.groups(), _UNITS, strict=True)
        if amount
    )
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError("that duration is too long to be meant") from None


def format_duration(value: timedelta) -> str:
    """Return the canonical spelling of ``value``: ``timedelta(minutes=90)`` gives ``'1h30m'``.

    Raises:
        ValueError: ``value`` is negative or not a whole number of seconds.
    """
    if value < timedelta(0) or value.microseconds:
        raise ValueError(f"only a positive whole number of seconds can be written (got {value})")
    remaining = value.days * 86_400 + value.seconds
    if remaining == 0:
        return "0s"
    parts = []
    for unit, size in _UNITS:
        amount, remaining = divmod(remaining, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts)
