"""What every benchmark variant must leave behind, and the sandbox's starting state.

A variant is timed only if it really did the work: after each one the sandbox's truth must
show the license moved (the old server holds no license for the invoice, the new one holds
only Production), and after ``Sandbox.reset()`` the truth must be the starting state again,
so that every variant starts from the same place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dnn_runbook.exceptions import DnnRunbookError

if TYPE_CHECKING:
    from dnn_runbook.sandbox import Sandbox

#: A license as far as "the same state" goes: its id and times change at every reset.
LicenseKey = tuple[str, str, str, bool, str, str]


class BenchmarkError(DnnRunbookError):
    """Raised when a variant did not do its work, or the sandbox did not return to its start:
    a figure measured then would compare different work."""


def start_state(sandbox: Sandbox) -> dict[str, Any]:
    """The parts of the sandbox's truth that must be equal at the start of every variant.

    Every server's licenses (type, invoice, web server, activated, expiry, how it got there),
    who holds each single activation, and the faults in force; not ids or timestamps, which a
    reset renews. The history's kinds of event, to see that it holds nothing a variant did.
    """
    truth = sandbox.state()
    return {
        "servers": {
            name: sorted(_license(row) for row in server["licenses"])
            for name, server in truth["servers"].items()
        },
        "activations": sorted(
            (str(held["invoice"]), str(held["type"]), str(held["server"]))
            for held in truth["activations"]
        ),
        "faults": list(truth["faults"]),
        "history": [event["kind"] for event in truth["history"]],
    }


def _license(row: dict[str, Any]) -> LicenseKey:
    return (
        str(row["type"]),
        str(row["invoice"]),
        str(row["web_server"]),
        bool(row["activated"]),
        str(row["expires"]),
        str(row["via"]),
    )


def reset(sandbox: Sandbox, baseline: dict[str, Any]) -> None:
    """Reset the sandbox and check that it is back in the ``baseline`` state.

    Raises:
        BenchmarkError: some part of the truth differs from the baseline; the message names it.
    """
    sandbox.reset()
    now = start_state(sandbox)
    # The seeded licenses' events come back; the last event says "reset" instead of "started".
    history = [
        "sandbox_reset" if kind == "sandbox_started" else kind for kind in baseline["history"]
    ]
    expected = {**baseline, "history": history}
    differing = [key for key in expected if now.get(key) != expected[key]]
    if differing:
        raise BenchmarkError(
            f"Sandbox.reset() did not restore the starting state: {', '.join(differing)} "
            "differ from the state at start. Variants measured from here would not do the same "
            "work; fix the sandbox's reset."
        )


def check_migrated(sandbox: Sandbox, variant: str) -> None:
    """Check that ``variant`` moved the license: old holds none for the invoice, new holds
    exactly one, the activated Production license.

    Raises:
        BenchmarkError: the sandbox's truth shows something else (invoices are not named).
    """
    invoice = sandbox.license_invoice
    truth = sandbox.state()["servers"]
    held = {
        name: sorted(
            (str(row["type"]), bool(row["activated"]))
            for row in server["licenses"]
            if row["invoice"] == invoice
        )
        for name, server in truth.items()
    }
    if held != {"old": [], "new": [("Production", True)]}:
        raise BenchmarkError(
            f"The {variant} variant did not move the license: for the production invoice the "
            f"sandbox shows old holding {held.get('old')} and new holding {held.get('new')}, "
            "expected old holding nothing and new holding one activated Production license."
        )
