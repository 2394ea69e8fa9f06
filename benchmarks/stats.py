"""Medians, pairwise ratios and the Markdown tables the benchmark prints.

Absolute times on a shared two-core machine drift from one minute to the next, so each
variant is compared with the floor *pair by pair*: in every round both ran within seconds of
each other, and the ratio of that round is what counts; the median of those ratios is the
figure reported.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Summary:
    """A variant's times over the rounds, in seconds, and its ratio to the floor."""

    name: str
    label: str
    times: tuple[float, ...]
    #: The per-round ratios to the floor's time of the same round; empty for the floor.
    ratios: tuple[float, ...] = ()

    @property
    def median(self) -> float:
        """The median time."""
        return statistics.median(self.times)

    @property
    def ratio(self) -> float | None:
        """The median of the per-round ratios to the floor, or ``None`` for the floor."""
        return statistics.median(self.ratios) if self.ratios else None


def summarize(
    times: Mapping[str, Sequence[float]], labels: Mapping[str, str], *, floor: str
) -> list[Summary]:
    """One :class:`Summary` per variant, each paired round by round with ``floor``.

    Raises:
        ValueError: a variant ran a different number of rounds than the floor.
    """
    base = times[floor]
    found = []
    for name, values in times.items():
        if len(values) != len(base):
            raise ValueError(
                f"The variant {name!r} has {len(values)} timed rounds, the floor {floor!r} has "
                f"{len(base)}: ratios are taken round by round, so both need the same number."
            )
        ratios = () if name == floor else tuple(v / b for v, b in zip(values, base, strict=True))
        found.append(Summary(name, labels[name], tuple(values), ratios))
    return found


def rotated(items: Sequence[str], round_index: int) -> list[str]:
    """``items`` rotated by ``round_index``, so each variant runs first in turn and no
    variant always follows the same neighbour (warm caches, a busy moment of the machine)."""
    shift = round_index % len(items) if items else 0
    return [*items[shift:], *items[:shift]]


def seconds(value: float) -> str:
    """A duration as the table shows it."""
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table."""
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
