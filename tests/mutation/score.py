"""The mutation score per module, from ``mutmut results --all true`` on standard input.

``make mutation`` pipes mutmut's results here. The table lists, for each mutated module, how
many mutants the tests killed, how many survived (or reached no test, or timed out) and the
score; the survivors follow by name (``mutmut show NAME`` prints one). The exit status is 1 when
a module that must have no survivor (the interlocks, the license actions and the
lost-activation path) has one; a module under the 85 % target elsewhere is marked.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable

#: Where no mutant may survive.
NO_SURVIVOR = (
    "dnn_runbook.runner.interlocks",
    "dnn_runbook.runner.actions.licenses",
    "dnn_runbook.runner.actions.lost_activation",
)
#: The least share of killed mutants anywhere else.
FLOOR = 0.85

_LINE = re.compile(r"^\s*(?P<module>[\w.]+?)\.x[_\u01c1].*__mutmut_\d+: (?P<status>[\w ]+)$")


def tally(lines: Iterable[str]) -> tuple[dict[str, Counter[str]], list[str]]:
    """Counts of each status per module, and the names of the mutants not killed."""
    counts: dict[str, Counter[str]] = {}
    alive: list[str] = []
    for line in lines:
        match = _LINE.match(line.rstrip())
        if match is None:
            continue
        status = match["status"].strip()
        counts.setdefault(match["module"], Counter())[status] += 1
        if status != "killed":
            alive.append(f"{line.strip().split(':')[0]} ({status})")
    return counts, alive


def main(lines: Iterable[str]) -> int:
    counts, alive = tally(lines)
    if not counts:
        print("No mutmut results on standard input: run 'mutmut run' first.")
        return 1
    failed = False
    print(f"{'module':48} {'killed':>7} {'alive':>6} {'total':>6} {'score':>7}")
    for module, seen in sorted(counts.items()):
        total = sum(seen.values())
        killed = seen["killed"]
        score = killed / total
        must = module in NO_SURVIVOR
        bad = killed < total if must else score < FLOOR
        failed |= bad and must
        mark = "  <- must be 100 %" if must and bad else ("  <- under 85 %" if bad else "")
        print(f"{module:48} {killed:7} {total - killed:6} {total:6} {score:7.1%}{mark}")
    all_total = sum(sum(c.values()) for c in counts.values())
    all_killed = sum(c["killed"] for c in counts.values())
    print(
        f"{'all':48} {all_killed:7} {all_total - all_killed:6} {all_total:6} {all_killed / all_total:7.1%}"
    )
    if alive:
        print("\nNot killed (mutmut show NAME prints each):")
        print("\n".join(f"  {name}" for name in alive))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.stdin))
