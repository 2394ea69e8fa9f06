"""Whether the servers are already where the runbook leads them: a migration that finished
(by an earlier run, or by hand) is recognised at preflight, recorded, and nothing is done.

The end state is the starting state preflight expects (``expect:`` where it names a server,
else the licenses the runbook removes before adding them) with every license step applied in
order. The servers are "already migrated" when each holds exactly the license types of its end
state for the invoice, each of them activated, and that end state differs from the start.
"""

from __future__ import annotations

from collections.abc import Mapping

from dnn_runbook.licenses import LicenseType
from dnn_runbook.runbook import AddLicenseStep, RemoveLicenseStep, Runbook
from dnn_runbook.runner.views import ServerView, activated_row, types_held


def start_and_end(
    runbook: Runbook,
    start: Mapping[str, set[LicenseType]],
) -> dict[str, set[LicenseType]]:
    """The types each server holds after the runbook's license steps, from ``start``."""
    held = {name: set(types) for name, types in start.items()}
    for step in runbook.steps:
        if isinstance(step, AddLicenseStep):
            held.setdefault(step.server.name, set()).add(step.type)
        elif isinstance(step, RemoveLicenseStep):
            types = held.setdefault(step.server.name, set())
            if step.type is None:
                types.clear()
            else:
                types.discard(step.type)
    return held


def already_migrated(
    runbook: Runbook,
    start: Mapping[str, set[LicenseType]],
    views: Mapping[str, ServerView],
    invoice: str,
) -> bool:
    """Whether ``views`` (every server of the runbook, read now) show the runbook's end state
    for ``invoice``, all of it activated, while that end state is not the start."""
    end = start_and_end(runbook, start)
    if end == {name: set(types) for name, types in start.items()}:
        return False
    for name in runbook.servers:
        view = views.get(name)
        wanted = end.get(name, set())
        if view is None or types_held(view, invoice) != wanted:
            return False
        if any(activated_row(view, invoice, kind) is None for kind in wanted):
            return False
    return True


def words(views: Mapping[str, ServerView], invoice: str) -> str:
    """``old: no license; new: Production``: what each server holds for the invoice."""
    return "; ".join(
        f"{name}: {', '.join(sorted(str(t) for t in types_held(view, invoice))) or 'no license'}"
        for name, view in views.items()
    )
