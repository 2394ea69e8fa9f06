"""Helpers for the safety tests: the sandbox's history replayed, and a scripted operator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

SAFETY = Path(__file__).resolve().parent
CHECKPOINTED = SAFETY / "checkpointed.yaml"


def replay(state: dict[str, Any]) -> list[tuple[datetime, dict[str, set[tuple[str, str]]]]]:
    """Who held which (type, invoice) after each license event of the sandbox's history."""
    held: dict[str, set[tuple[str, str]]] = {name: set() for name in state["servers"]}
    moments = []
    for event in sorted(state["history"], key=lambda e: e["at"]):
        if event["kind"] == "license_added":
            held[event["server"]].add((event["type"], event["invoice"]))
        elif event["kind"] == "license_removed":
            held[event["server"]].discard((event["type"], event["invoice"]))
        else:
            continue
        moments.append((datetime.fromisoformat(event["at"]), {k: set(v) for k, v in held.items()}))
    return moments


def lost_activations(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Every license removal whose activation did not go back: the licensing service said it
    held none to give back, or the server could not reach it at all (then only the removal
    itself, with ``activation_returned: false``, is in the history)."""
    return [
        event
        for event in state["history"]
        if event["kind"] == "activation_not_returned"
        or (event["kind"] == "license_removed" and event.get("activation_returned") is False)
    ]


def assert_never_unsafe(state: dict[str, Any], invoice: str, cutover: datetime | None) -> None:
    """The promises of the safety issue, checked on the sandbox's timestamped truth.

    - No Production (or other non-Development) activation was ever lost.
    - At every moment some server held a license for the invoice.
    - The serving server held one at every moment: the old one until the DNS cut-over was
      confirmed, the new one from then on.
    """
    lost = [event for event in lost_activations(state) if event["type"] != "Development"]
    assert lost == [], f"activations lost: {lost}"
    for at, held in replay(state):
        holders = {
            server for server, licenses in held.items() if any(i == invoice for _, i in licenses)
        }
        assert holders, f"no server held invoice {invoice} at {at}: {held}"
        serving = "new" if cutover is not None and at >= cutover else "old"
        assert serving in holders, f"the serving server {serving} held no license at {at}: {held}"


class Operator:
    """Stands in for standard input: answers every prompt 'yes', first running the action the
    test set for that prompt (by its number, from 1), such as switching on a fault."""

    def __init__(self, actions: dict[int, Callable[[], object]] | None = None) -> None:
        self.actions = actions or {}
        self.prompts = 0

    def readline(self) -> str:
        self.prompts += 1
        action = self.actions.get(self.prompts)
        if action is not None:
            action()
        return "yes\n"

    def isatty(self) -> bool:
        return False
