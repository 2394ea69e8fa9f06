"""Reading a runbook file into YAML nodes that remember where they were written.

The runbook is composed, not loaded: PyYAML's node graph keeps a ``start_mark`` on every key
and value, which is what lets every problem point at its line and column. Values are then
read from the nodes by ``schema`` with the runbook's own rules (so ``no`` stays a string and
``1:30`` is not the number 90), never by YAML's implicit typing.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from dnn_runbook.exceptions import InputFileError, InputTextError
from dnn_runbook.inputs import decode_text, read_regular
from dnn_runbook.problems import Problem

#: A runbook is a page or two of YAML; anything this large is not one, and reading it whole
#: would only waste memory.
MAX_BYTES = 1_000_000

#: How many YAML nodes a runbook may expand to, every alias (``*name``) and merge key (``<<``)
#: counted each time it is used. The seed runbook has about 150; a few hundred bytes of nested
#: aliases can otherwise expand to millions (a "billion laughs"), and reading them all would
#: take gigabytes.
MAX_NODES = 10_000

# The characters YAML 1.1 counts as line breaks, once CR LF and lone CR have become LF.
_BREAKS = re.compile("[\n\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Source:
    """A runbook file's bytes, its text and their hash.

    ``label`` is the path as the user gave it, used in every message.
    """

    path: Path
    label: str
    data: bytes
    text: str
    sha256: str

    def line_col(self, index: int) -> tuple[int, int]:
        """Return the 1-based line and column of character ``index`` of ``text``."""
        return line_col(self.text, index)


def line_col(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``text[index]``, counting breaks as YAML does."""
    index = max(0, min(index, len(text)))
    line, start = 1, 0
    for found in _BREAKS.finditer(text, 0, index):
        line += 1
        start = found.end()
    return line, index - start + 1


def read_source(path: str | os.PathLike[str]) -> tuple[Source | None, list[Problem]]:
    """Read the runbook at ``path``; return it, or ``None`` and the reason as a problem."""
    label = os.fspath(path)

    def whole_file(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(label, 0, 0, message)]

    file = Path(label)
    try:
        data = read_regular(file, max_bytes=MAX_BYTES, what="runbook")
    except InputFileError as exc:
        return whole_file(exc.reason)
    try:
        text = decode_text(data, path=label, what="runbook")
    except InputTextError as exc:
        return None, [Problem(label, exc.line, exc.col, exc.reason)]
    # One newline convention, so that positions in the text match YAML's marks.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(file, label, data, text, hashlib.sha256(data).hexdigest()), []


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    if exc.context == "expected a single document in the stream":
        return (
            "a second YAML document starts here; a runbook is one document, so remove this "
            "'---' and what follows, or make it a separate file."
        )
    problem = (exc.problem or "the YAML is malformed").rstrip(".")
    message = f"YAML syntax error: {problem}"
    if exc.context and exc.context_mark is not None:
        where = f"line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        message += f" ({exc.context} at {where})"
    if "'\\t'" in problem:
        message += "; YAML indents with spaces, never tabs"
    if problem == "mapping values are not allowed here":
        message += "; a value that holds ': ' must be put in quotes"
    return message + "."


def compose(source: Source) -> tuple[Node | None, list[Problem]]:
    """Compose ``source`` into its root node; on a YAML error return ``None`` and the problem.

    An empty document is reported too: there is nothing to validate.
    """
    label = source.label
    loader = None
    try:
        # The constructor already scans the text for forbidden characters.
        loader = yaml.SafeLoader(source.text)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return None, [Problem(label, line, col, _syntax_message(exc))]
    except yaml.reader.ReaderError as exc:
        line, col = source.line_col(exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        return None, [
            Problem(
                label, line, col, f"the character U+{code:04X} is not allowed in YAML; remove it."
            )
        ]
    except RecursionError:
        return None, [Problem(label, 1, 1, "the YAML is nested too deeply to be a runbook.")]
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        return None, [
            Problem(
                label,
                1,
                1,
                "the runbook is empty; it needs version, name, servers, license and steps.",
            )
        ]
    over = _over_budget(root, MAX_NODES)
    if over is not None:
        return None, [
            Problem(
                label,
                over.start_mark.line + 1,
                over.start_mark.column + 1,
                f"the runbook expands to more than {MAX_NODES:,} YAML nodes once its aliases "
                "(*name) and merge keys (<<) are followed, here; a runbook needs a few hundred, "
                "so write the values out instead of nesting aliases.",
            )
        ]
    return root, []


def _over_budget(root: Node, budget: int) -> Node | None:
    """The node whose contents take the expanded document past ``budget`` nodes, or ``None``.

    Aliased nodes are shared in the composed graph, so every use is counted again, as a
    reader walking the document meets it; counting as nodes are found keeps the walk itself
    within the budget (a recursive alias included).
    """
    count = 1
    stack = [root]
    while stack:
        node = stack.pop()
        children: list[Node] = []
        if isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, SequenceNode):
            children = list(node.value)
        count += len(children)
        if count > budget:
            return node
        stack.extend(children)
    return None
