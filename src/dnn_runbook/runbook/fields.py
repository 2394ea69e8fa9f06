"""Reading typed values out of YAML nodes, reporting every problem at its line and column.

``Reader`` is the one place that knows how a runbook value is spelled: it substitutes
``${VAR}``, checks the type, and on failure records a ``Problem`` that names the field, the
expectation and what was found, then returns ``None`` so the caller carries on and the next
problem gets reported too. Secret values are never echoed in a message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dnn_runbook.licenses import MASK
from dnn_runbook.runbook.durations import DURATION_FORMS, parse_duration
from dnn_runbook.runbook.loader import Source
from dnn_runbook.runbook.problems import Problem, Severity
from dnn_runbook.runbook.secrets import Secret, SecretKind
from dnn_runbook.runbook.variables import Lookup, VariableProblem, substitute

_TAG = "tag:yaml.org,2002:"
NULL_TAG, BOOL_TAG, INT_TAG, MERGE_TAG = (_TAG + t for t in ("null", "bool", "int", "merge"))
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE_NUMBER = re.compile(r"[0-9]+")
_BOOLEANS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
#: Slugs name folders and files; this keeps paths sane.
SLUG_MAX = 64
# Merges that refer to merges: deep enough for any real runbook, shallow enough to stop loops.
_MERGE_DEPTH = 8


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
class Reader:
    """Reads the values of one runbook and collects its problems.

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
        """Return the problems with any secret value that slipped into a message masked."""
        # Short values would mask ordinary words; every message about a secret field is
        # written not to show the value anyway, so this is only a net under that rule.
        values = sorted((v for v in self.secret_values if len(v) >= 4), key=len, reverse=True)
        redacted = []
        for problem in self.problems:
            message = problem.message
            for value in values:
                message = message.replace(value, MASK)
            redacted.append(
                problem
                if message == problem.message
                else Problem(problem.file, problem.line, problem.col, message, problem.severity)
            )
        return redacted

    # Structure ---------------------------------------------------------------------------

    def mapping(self, node: Node | None, path: str, expected: str) -> dict[str, Entry] | None:
        """Return the entries of a mapping node, or report that ``node`` is not one.

        Keys must be plain names and appear once. YAML merge keys (``<<: *defaults``) are
        honoured: keys written in the mapping win over merged ones.
        """
        if not isinstance(node, MappingNode):
            self.wrong(node, path, expected)
            return None
        own: dict[str, Entry] = {}
        merged: dict[str, Entry] = {}
        self._collect(node, path, own, merged, depth=0)
        return own | {name: entry for name, entry in merged.items() if name not in own}

    def _collect(
        self,
        node: MappingNode,
        path: str,
        own: dict[str, Entry],
        merged: dict[str, Entry],
        depth: int,
    ) -> None:
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.tag == MERGE_TAG:
                sources = value.value if isinstance(value, SequenceNode) else [value]
                for merge in sources:
                    if not isinstance(merge, MappingNode) or depth >= _MERGE_DEPTH:
                        self.report(
                            merge,
                            f"{path} merges (<<) something that is not a mapping, or merges "
                            "too deeply; merge an anchored mapping such as <<: *defaults.",
                        )
                        continue
                    inner: dict[str, Entry] = {}
                    self._collect(merge, path, inner, merged, depth + 1)
                    for name, entry in inner.items():
                        merged.setdefault(name, entry)
                continue
            if not isinstance(key, ScalarNode) or key.tag == NULL_TAG:
                self.report(
                    key,
                    f"{path} has a key that is {describe_node(key)}; keys are plain names "
                    "such as url.",
                )
                continue
            name = str(key.value)
            if name in own:
                first = own[name].key.start_mark.line + 1
                self.report(
                    key, f"{_join(path, name)} is given twice (first on line {first}); keep one."
                )
                continue
            own[name] = Entry(name, key, value)

    def check_keys(
        self,
        entries: dict[str, Entry],
        path: str,
        allowed: Sequence[str],
        *,
        owner: str,
        elsewhere: Callable[[str], str | None] = lambda _key: None,
    ) -> None:
        """Report every key of ``entries`` not in ``allowed``, with a "did you mean" hint.

        ``owner`` names what the keys belong to in the message (``'a server'``);
        ``elsewhere`` may say where an unexpected key would belong instead.
        """
        for name, entry in entries.items():
            if name in allowed:
                continue
            message = f"{_join(path, name)} is not a setting of {owner}"
            guess = did_you_mean(name, allowed)
            other = elsewhere(name)
            if guess:
                message += f"; did you mean {guess!r}?"
            elif other:
                message += f" (it belongs to {other}); {owner} takes {', '.join(allowed)}."
            else:
                message += f"; {owner} takes {', '.join(allowed)}."
            self.report(entry.key, message)

    def require(
        self, entries: dict[str, Entry], node: Node, path: str, keys: Sequence[str], hint: str
    ) -> bool:
        """Report each of ``keys`` missing from ``entries``; return whether all are there."""
        missing = [key for key in keys if key not in entries]
        for key in missing:
            self.report(node, f"{path} has no {key}; {hint}")
        return not missing

    def sequence(self, node: Node | None, path: str, expected: str) -> list[Node] | None:
        """Return the items of a list node, or report that ``node`` is not a list."""
        if not isinstance(node, SequenceNode):
            self.wrong(node, path, expected)
            return None
        return list(node.value)

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

    def slug(self, node: Node | None, path: str, what: str) -> str | None:
        """Return a slug (``[a-z0-9][a-z0-9-]*``, at most 64 characters)."""
        expected = (
            f"{what}: lower-case letters, digits and hyphens, starting with a letter or digit"
        )
        text = self.text(node, path, expected)
        if text is None:
            return None
        if _SLUG.fullmatch(text.value) and len(text.value) <= SLUG_MAX:
            return text.value
        message = f"{path} must be {expected} (got {text.value!r}{text.origin()})"
        suggestion = slugify(text.value)
        if suggestion and suggestion != text.value:
            message += f"; did you mean {suggestion!r}?"
        self.report(node, message if message.endswith("?") else message + ".")
        return None

    def choice(self, node: Node | None, path: str, options: Sequence[str]) -> str | None:
        """Return the option ``node`` names, in any letter case, spelled as in ``options``."""
        expected = f"one of {', '.join(options)}"
        text = self.text(node, path, expected)
        if text is None:
            return None
        for option in options:
            if option.casefold() == text.value.strip().casefold():
                return option
        message = f"{path} must be {expected} (got {text.value!r}{text.origin()})"
        guess = did_you_mean(text.value, options)
        self.report(node, message + (f"; did you mean {guess!r}?" if guess else "."))
        return None

    def integer(self, node: Node | None, path: str, expected: str) -> int | None:
        """Return a whole number written plainly (``200``), or through a variable."""
        if isinstance(node, ScalarNode) and node.style is not None and "$" not in node.value:
            self.report(
                node,
                f"{path} must be {expected} (got the quoted text {node.value!r}); "
                "write the number without quotes.",
            )
            return None
        text = self.text(node, path, expected)
        if text is None:
            return None
        if _WHOLE_NUMBER.fullmatch(text.value.strip()):
            return int(text.value)
        self.report(node, f"{path} must be {expected} (got {describe_node(node)}{text.origin()}).")
        return None

    def boolean(self, node: Node | None, path: str) -> bool | None:
        """Return ``true``/``false`` (YAML's ``yes``/``no``/``on``/``off`` too)."""
        text = self.text(node, path, "true or false")
        if text is None:
            return None
        value = _BOOLEANS.get(text.value.strip().casefold())
        if value is None or (isinstance(node, ScalarNode) and node.style and not text.variables):
            self.report(node, f"{path} must be true or false (got {text.value!r}{text.origin()}).")
            return None
        return value

    def duration(self, node: Node | None, path: str) -> timedelta | None:
        """Return a positive duration such as ``5m``."""
        text = self.text(node, path, DURATION_FORMS)
        if text is None:
            return None
        try:
            value = parse_duration(text.value.strip())
        except ValueError as exc:
            reason = "" if DURATION_FORMS in str(exc) else f": {exc}"
            self.report(
                node,
                f"{path} must be {DURATION_FORMS} (got {text.value!r}{text.origin()}{reason}).",
            )
            return None
        if not value:
            self.report(node, f"{path} must be longer than zero (got {text.value!r}).")
            return None
        return value

    def iso_date(self, text: Text, path: str, expected: str) -> date | None:
        """Return the date ``text`` spells as ``YYYY-MM-DD``."""
        value = text.value.strip()
        if not _ISO_DATE.fullmatch(value):
            self.report(text.node, f"{path} must be {expected} (got {value!r}{text.origin()}).")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            self.report(
                text.node,
                f"{path} must be {expected} (got {value!r}{text.origin()}, which is not a real "
                f"date: {exc}).",
            )
            return None

    def http_url(self, node: Node | None, path: str, *, strip_slash: bool = False) -> str | None:
        """Return an http(s) URL with a host and no credentials.

        With ``strip_slash``, trailing slashes go, so that paths can be appended.
        """
        expected = "an address starting with http:// or https://, such as https://www.example.com"
        text = self.text(node, path, expected)
        if text is None:
            return None
        value = text.value.strip()
        got = f"(got {value!r}{text.origin()})"
        try:
            parts = urlsplit(value)
            port_ok = parts.port is None or parts.port > 0
        except ValueError:
            self.report(node, f"{path} must be {expected} {got}.")
            return None
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not port_ok:
            self.report(node, f"{path} must be {expected} {got}.")
            return None
        if parts.username is not None or parts.password is not None:
            # Never echo this value: it holds a password.
            self.report(
                node,
                f"{path} holds a user name or password before the host; put credentials in "
                "username and password, never in an address that gets logged.",
            )
            return None
        if strip_slash and not parts.query and not parts.fragment:
            return value.rstrip("/")
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
