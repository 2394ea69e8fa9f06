"""The rules of each step action: which settings it takes, and reading one step.

``ACTION_SETTINGS`` is the single table of required and optional settings per action; the
validator, its messages and the JSON Schema follow it. :func:`read_step` checks a step's keys
against it and hands the step to its action's reader (``_step_readers``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from yaml.nodes import Node

from dnn_runbook.runbook._fields import Reader
from dnn_runbook.runbook._step_node import StepNode, StepReferences
from dnn_runbook.runbook._step_readers import READERS
from dnn_runbook.runbook.model import (
    Action,
    Step,
)

#: Every step has these.
COMMON_SETTINGS: Final = ("id", "action")

#: Per action: (required settings, optional settings), besides id and action.
ACTION_SETTINGS: Final[Mapping[Action, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    Action.PREFLIGHT: ((), ("servers", "expect")),
    Action.ADD_LICENSE: (
        ("server", "type"),
        ("activation", "activation_key_file", "activation_key", "invoice", "email"),
    ),
    Action.REMOVE_LICENSE: (("server",), ("type", "invoice")),
    Action.VERIFY_LICENSE: (("server", "type"), ("invoice", "expires", "only")),
    Action.CONFIRM: (("message",), ()),
    Action.WAIT_HTTP: (("url",), ("expect_status", "contains", "timeout", "interval")),
    Action.WAIT_CUTOVER: (("url",), ("address", "marker", "timeout", "interval")),
    Action.SCREENSHOT: (("server",), ("label",)),
}

ACTIONS: Final = tuple(action.value for action in Action)


def _actions_taking(key: str) -> str | None:
    takers = [action.value for action, (req, opt) in ACTION_SETTINGS.items() if key in req + opt]
    return ", ".join(takers) or None


def read_step(reader: Reader, node: Node, index: int, ctx: StepReferences) -> Step | None:
    """Read the step at ``node`` (the ``index``-th, from 1); ``None`` when it cannot be built."""
    path = f"steps[{index}]"
    entries = reader.mapping(node, path, "a mapping with id, action and the action's settings")
    if entries is None:
        return None
    step_id = None
    if "id" in entries:
        step_id = reader.slug(entries["id"].value, f"{path}.id", "a step id")
    else:
        reader.report(
            node, f"{path} has no id; give every step a unique id such as add-dev-on-new."
        )
    action_name = None
    if "action" in entries:
        action_name = reader.choice(entries["action"].value, f"{path}.action", ACTIONS)
    else:
        reader.report(node, f"{path} has no action; it must be one of {', '.join(ACTIONS)}.")
    if action_name is None:
        every = sorted({key for req, opt in ACTION_SETTINGS.values() for key in req + opt})
        reader.check_keys(entries, path, COMMON_SETTINGS + tuple(every), owner="any action")
        return None
    action = Action(action_name)
    required, optional = ACTION_SETTINGS[action]
    reader.check_keys(
        entries,
        path,
        COMMON_SETTINGS + required + optional,
        owner=action.value,
        elsewhere=_actions_taking,
    )
    needs = " and ".join(required)
    complete = reader.require(entries, node, path, required, f"{action.value} needs {needs}.")
    step = StepNode(reader, entries, ctx, step_id or f"step-{index}", index, node)
    built = READERS[action](step)
    return built if complete and step_id is not None else None


# Settings several actions share ----------------------------------------------------------
