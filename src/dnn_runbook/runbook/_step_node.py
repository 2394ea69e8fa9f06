"""A step being read (:class:`StepNode`) and what steps refer to (:class:`StepReferences`),
shared by every action's reader."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import Node

from dnn_runbook.runbook._fields import Entry, Reader
from dnn_runbook.runbook.model import LicenseSpec, ServerSpec


@dataclass(frozen=True, slots=True)
class StepReferences:
    """What steps refer to: the declared servers and the license.

    ``servers`` maps every declared server name to its spec, or to ``None`` when the server
    itself has problems (already reported, so steps naming it stay quiet); ``servers`` is
    ``None`` as a whole when the section is missing or unusable, and then no step's server is
    checked. ``license`` is ``None`` when invalid; ``base_dir`` is the runbook's folder.
    """

    servers: Mapping[str, ServerSpec | None] | None
    license: LicenseSpec | None
    base_dir: Path


@dataclass(frozen=True, slots=True)
class StepNode:
    """A step being read: its settings and where it is."""

    reader: Reader
    entries: dict[str, Entry]
    ctx: StepReferences
    id: str
    index: int
    node: Node

    @property
    def path(self) -> str:
        return f"steps[{self.index}]"

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def value(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return None if entry is None else entry.value

    def at(self, key: str) -> str:
        return f"{self.path}.{key}"
