"""The core of reading a runbook: where a value is, how it is reported, and text, strings
and secrets with ``${VAR}`` substituted.

:class:`ReaderBase` records every problem with its line and column and never echoes a secret;
``_fields.Reader`` builds the structure and the typed values on top of it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dnn_runbook.problems import Problem, Severity
from dnn_runbook.runbook._loader import Source
from dnn_runbook.runbook._variables import Lookup, VariableProblem, substitute
from dnn_runbook.runbook.secrets import Secret, SecretKind, mask_values, repr_forms

_TAG = "tag:yaml.org,2002:"
NULL_TAG, BOOL_TAG, INT_TAG, MERGE_TAG = (_TAG + t for t in ("null", "bool", "int", "merge"))
#: Slugs name folders and files; this keeps paths sane.
SLUG_MAX = 64
#: Secrets shorter than this are not masked inside validation messages: they would mask
#: ordinary words of the message (plans and runs mask every secret, whatever its length).
MIN_MASKED = 4


@dataclass(frozen=True, slots=True)
class Entry:
    """One key of a mapping: its name and the key and value nodes."""

    name: str
    key: Node
    value: Node


@dataclass(frozen=True, slots=True)
class Text:
    """A scalar's text after substitution; ``variables`` names the variables it used."""

    value: str
    node: Node
    variables: tuple[str, ...]
    from_file: bool

    def origin(self) -> str:
        """``', from ${A}'`` when variables supplied the value, for messages."""
        if not self.variables:
            return ""
        return ", from " + " and ".join(f"${{{name}}}" for name in self.variables)


def did_you_mean(given: str, options: Sequence[str]) -> str | None:
    """Return the option ``given`` most likely meant (close spelling or a unique prefix)."""
    folded = {option.casefold(): option for option in options}
    probe = given.casefold().strip()
    prefixed = [option for key, option in folded.items() if probe and key.startswith(probe)]
    if len(prefixed) == 1:
        return prefixed[0]
    close = difflib.get_close_matches(probe, list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def slugify(text: str) -> str:
    """``'Add Dev on New'`` gives ``'add-dev-on-new'``: the slug a message can suggest."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:SLUG_MAX]


def describe_node(node: Node | None, *, secret: bool = False) -> str:
    """Say what a node holds, for "(got ...)": ``'Prod'``, ``30, a number``, ``a list``."""
    if node is None or (isinstance(node, ScalarNode) and node.tag == NULL_TAG):
        return "nothing"
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if secret:
        return "a value that is not shown"
    value = str(node.value)
    shown = value if len(value) <= 60 else value[:60] + "…"
    if node.tag == INT_TAG:
        return f"{shown}, a number"
    if node.tag == BOOL_TAG:
        return f"{shown}, a true/false value"
    return repr(shown)


@dataclass(slots=True)
class ReaderBase:
    """Reads the scalar values of one runbook and collects its problems.

    ``lookup`` finds variables, ``known`` lists the defined names (for hints) and
    ``env_file`` names the env file in use, if any. ``secret_values`` collects every secret read, so
    that ``redact`` can make sure no message shows one.
    """

    source: Source
    lookup: Lookup
    env_file: str | None = None
    known: Collection[str] = ()
    problems: list[Problem] = field(default_factory=list)
    secret_values: set[str] = field(default_factory=set)

    # Reporting ---------------------------------------------------------------------------

    def report(
        self,
        node: Node | None,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        index: int | None = None,
    ) -> None:
        """Record a problem at ``node`` (or at character ``index`` of the file)."""
        if index is not None:
            line, col = self.source.line_col(index)
        elif node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        else:
            line, col = 1, 1
        self.problems.append(Problem(self.source.label, line, col, message, severity))

    def warn(self, node: Node | None, message: str) -> None:
        """Record a warning at ``node``."""
        self.report(node, message, severity=Severity.WARNING)

    def wrong(self, node: Node | None, path: str, expected: str, *, secret: bool = False) -> None:
        """Record "``path`` must be ``expected`` (got …)."."""
        self.report(node, f"{path} must be {expected} (got {describe_node(node, secret=secret)}).")

    def redact(self) -> list[Problem]:
        """Return the problems with any secret value that slipped into a message masked.

        A secret substituted into another field (``type: ${DNN_OLD_PASSWORD}``) reaches its
        message as the value, as Python's repr escapes it, stripped, or as the slug a "did you
        mean" suggests: every such form is masked, in any letter case.
        """
        # Short values would mask ordinary words; every message about a secret field is
        # written not to show the value anyway, so this is only a net under that rule.
        forms: set[str] = set()
        for value in self.secret_values:
            for variant in {value, value.strip()}:
                forms |= {variant, slugify(variant), *repr_forms(variant)}
        redacted = []
        for problem in self.problems:
            message = mask_values(problem.message, forms, min_length=MIN_MASKED)
            redacted.append(
                problem
                if message == problem.message
                else Problem(problem.file, problem.line, problem.col, message, problem.severity)
            )
        return redacted

    # Scalars -----------------------------------------------------------------------------

    def text(
        self, node: Node | None, path: str, expected: str, *, secret: bool = False
    ) -> Text | None:
        """Return the substituted text of a scalar, or report why there is none.

        The scalar's text is taken as written, whatever YAML would have typed it as, so
        ``no``, ``0123`` and ``2027-06-30`` stay strings here.
        """
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG:
            self.wrong(node, path, expected, secret=secret)
            return None
        raw = str(node.value)
        if "$" not in raw:
            return Text(raw, node, (), from_file=True)
        result, problems = substitute(
            raw, self.lookup, where=path, env_file=self.env_file, known=self.known
        )
        for problem in problems:
            self.report(node, problem.message, index=self._locate(node, raw, problem))
        return None if problems else Text(result.text, node, result.variables, result.from_file)

    def _locate(self, node: ScalarNode, raw: str, problem: VariableProblem) -> int | None:
        """Find in the file the reference a substitution problem is about.

        The problem's offset is in the scalar's value; quotes and escapes can shift it in the
        file, so the reference is searched for in the scalar's source text instead.
        """
        offset, needle = problem.offset, problem.reference
        start, end = node.start_mark.index, node.end_mark.index
        segment = self.source.text[start:end]
        nth = raw.count(needle, 0, offset)
        found = -1
        for _ in range(nth + 1):
            found = segment.find(needle, found + 1)
            if found < 0:
                return None
        return start + found

    def string(
        self, node: Node | None, path: str, expected: str = "text", *, empty_ok: bool = False
    ) -> str | None:
        """Return a string value; an empty one is a problem unless ``empty_ok``."""
        text = self.text(node, path, expected)
        if text is None:
            return None
        if not text.value.strip() and not empty_ok:
            self.report(node, f"{path} must be {expected} (got an empty value{text.origin()}).")
            return None
        return text.value

    def secret(
        self, node: Node | None, path: str, kind: SecretKind, variable: str
    ) -> Secret | None:
        """Return a secret; warn when (part of) it is written in the file.

        ``variable`` is the name a message suggests to hold it (``DNN_OLD_PASSWORD``).
        """
        expected = f"the {kind}, best written as ${{{variable}}}"
        text = self.text(node, path, expected, secret=True)
        if text is None:
            return None
        if not text.value.strip():
            self.report(node, f"{path} is empty{text.origin()}; it must hold the {kind}.")
            return None
        self.secret_values.add(text.value)
        if text.from_file:
            self.warn(
                node,
                f"{path} is written in the runbook itself; keep secrets out of files that get "
                f"shared: write ${{{variable}}} and set {variable} in the environment or in an "
                "--env-file.",
            )
        return Secret(text.value, kind)
