"""Reading typed values out of YAML nodes, reporting every problem at its line and column.

``Reader`` is the one place that knows how a runbook value is spelled: it substitutes
``${VAR}``, checks the type, and on failure records a ``Problem`` that names the field, the
expectation and what was found, then returns ``None`` so the caller carries on and the next
problem gets reported too. Secret values are never echoed in a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dnn_runbook.runbook._reader import (
    MERGE_TAG,
    NULL_TAG,
    SLUG_MAX,
    Entry,
    ReaderBase,
    Text,
    describe_node,
    did_you_mean,
    slugify,
)
from dnn_runbook.runbook.durations import DURATION_FORMS, parse_duration

__all__ = ["Entry", "Reader", "Text", "describe_node", "did_you_mean", "slugify"]

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE_NUMBER = re.compile(r"[0-9]+")
#: No runbook number (an HTTP status, a version) needs more digits; a longer one is a mistake
#: or an attack on the conversion (Python refuses integers of over 4,300 digits).
MAX_DIGITS = 9
_BOOLEANS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
# Merges that refer to merges: deep enough for any real runbook, shallow enough to stop loops.
_MERGE_DEPTH = 8


@dataclass(slots=True)
class Reader(ReaderBase):
    """Reads the values of one runbook, structure and typed values, and collects its
    problems (see :class:`ReaderBase`)."""

    # Structure ---------------------------------------------------------------------------

    def mapping(self, node: Node | None, path: str, expected: str) -> dict[str, Entry] | None:
        """Return the entries of a mapping node, or report that ``node`` is not one.

        Keys must be plain names and appear once. YAML merge keys (``<<: *defaults``) are
        honoured: keys written in the mapping win over merged ones.
        """
        if not isinstance(node, MappingNode):
            self.wrong(node, path, expected)
            return None
        return self.entries(node, path)

    def entries(self, node: MappingNode, path: str = "") -> dict[str, Entry]:
        """Return the entries of a mapping node, as ``mapping`` does; ``path`` is ``""`` for
        the runbook itself."""
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
        where = path or "the runbook"
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.tag == MERGE_TAG:
                sources = value.value if isinstance(value, SequenceNode) else [value]
                for merge in sources:
                    if not isinstance(merge, MappingNode) or depth >= _MERGE_DEPTH:
                        self.report(
                            merge,
                            f"{where} merges (<<) something that is not a mapping, or merges "
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
                    f"{where} has a key that is {describe_node(key)}; keys are plain names "
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
        digits = text.value.strip()
        if _WHOLE_NUMBER.fullmatch(digits) and len(digits) > MAX_DIGITS:
            self.report(
                node,
                f"{path} must be {expected} (got a number of {len(digits):,} digits{text.origin()}; "
                f"no setting takes more than {MAX_DIGITS}).",
            )
            return None
        if _WHOLE_NUMBER.fullmatch(digits):
            return int(digits)
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
