"""``${VAR}`` in runbook values, and the ``--env-file`` that can supply them.

Substitution rules (the same as docker compose, minus the forms runbooks do not need):

- ``${NAME}`` is the variable's value; an undefined variable is an error.
- ``${NAME:-default}`` is the value, or ``default`` (taken as written) when the variable is
  undefined or empty.
- ``$$`` is a literal ``$``. A ``$`` before a name without braces (``$NAME``) is an error, since
  it is almost always a forgotten pair of braces; any other ``$`` is literal.

Values come from the process environment first, then from the env file: the environment
overrides the file, as in docker compose, so a CI job can replace one value without editing
the file. Values are used as they are: a value is never substituted again.

Env files hold ``KEY=value`` lines, ``#`` comment lines and blank lines. A line may start with
``export ``. A value may be wrapped in single quotes (taken literally) or double quotes
(``\\n``, ``\\t``, ``\\"`` and ``\\\\`` are escapes); after a closing quote only a ``# comment``
may follow. An unquoted value runs to the end of the line, ``#`` included, so that a password
holding ``#`` needs no quoting. Error messages name keys and lines, never values.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from dnn_runbook.exceptions import InputFileError, InputTextError
from dnn_runbook.inputs import decode_text, mode_of, read_regular
from dnn_runbook.problems import Problem, Severity

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOUBLE_QUOTE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}

#: An env file holds a dozen lines; anything larger than this is not one.
MAX_ENV_BYTES = 1_000_000

#: Looks a variable up by name; ``None`` when it is not defined anywhere.
Lookup = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Substituted:
    """A string after substitution, and where its parts came from.

    ``variables`` names every variable whose value was used. ``from_file`` is true when any
    part of the text was written in the runbook itself (literal text, ``$$`` or a default):
    for a secret that means the file holds (part of) it.
    """

    text: str
    variables: tuple[str, ...]
    from_file: bool


@dataclass(frozen=True, slots=True)
class VariableProblem:
    """A bad or undefined reference, at ``offset`` (the index of its ``$``) in the raw text."""

    offset: int
    reference: str
    message: str


def _suggest(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.7)
    return f" Did you mean ${{{close[0]}}}?" if close else ""


def _undefined(where: str, name: str, env_file: str | None, known: Collection[str]) -> str:
    if env_file is None:
        places, fixes = "the environment", "set it, pass --env-file FILE"
    else:
        places, fixes = f"the environment or in {env_file}", f"set it, add it to {env_file}"
    return (
        f"{where} uses ${{{name}}}, which is not set in {places}; {fixes}, or write "
        f"${{{name}:-default}}.{_suggest(name, known)}"
    )


def substitute(
    raw: str,
    lookup: Lookup,
    *,
    where: str,
    env_file: str | None = None,
    known: Collection[str] = (),
) -> tuple[Substituted, list[VariableProblem]]:
    """Replace every ``${...}`` in ``raw``; return the result and any problems.

    ``where`` names the value in messages (``servers.old.url``); ``env_file`` names the env
    file in use, if any; ``known`` holds the names that are defined, for "did you mean"
    hints. An undefined variable leaves its reference out of the text; the caller must not
    use a text that came with problems.
    """
    out: list[str] = []
    used: list[str] = []
    problems: list[VariableProblem] = []
    from_file = False
    i, n = 0, len(raw)
    while i < n:
        j = raw.find("$", i)
        if j < 0:
            out.append(raw[i:])
            from_file = True
            break
        if j > i:
            out.append(raw[i:j])
            from_file = True
        following = raw[j + 1 : j + 2]
        if following == "$":
            out.append("$")
            from_file = True
            i = j + 2
        elif following == "{":
            close = raw.find("}", j + 2)
            if close < 0:
                problems.append(
                    VariableProblem(
                        j,
                        "${",
                        f"{where} has a '${{' that is never closed; write ${{NAME}} or "
                        "${NAME:-default}, or $$ for a literal $.",
                    )
                )
                break
            body = raw[j + 2 : close]
            reference = raw[j : close + 1]
            name, has_default, default = body.partition(":-")
            i = close + 1
            if not _NAME.fullmatch(name):
                problems.append(
                    VariableProblem(
                        j,
                        reference,
                        f"{where} has {reference!r}, which is not a variable reference; "
                        "write ${NAME} or ${NAME:-default} (NAME made of letters, digits and "
                        "underscores), or $$ for a literal $.",
                    )
                )
                continue
            if "${" in default:
                problems.append(
                    VariableProblem(
                        j,
                        reference,
                        f"{where} nests a variable inside the default of ${{{name}}}; defaults "
                        "are taken as written, so give a plain default.",
                    )
                )
                continue
            value = lookup(name)
            if has_default and not value:
                out.append(default)
                from_file = True
                continue
            if value is None:
                problems.append(
                    VariableProblem(j, reference, _undefined(where, name, env_file, known))
                )
                continue
            out.append(value)
            used.append(name)
        elif (bare := _NAME.match(raw, j + 1)) is not None:
            name = bare.group()
            problems.append(
                VariableProblem(
                    j,
                    f"${name}",
                    f"{where} has ${name} without braces; write ${{{name}}} for the variable, "
                    "or $$ for a literal $.",
                )
            )
            i = bare.end()
        else:
            out.append("$")
            from_file = True
            i = j + 1
    return Substituted("".join(out), tuple(used), from_file), problems


def _unquote(value: str, key: str, report: Callable[[str], None]) -> str | None:
    """Return a quoted env-file value without its quotes, or ``None`` after reporting why."""
    quote = value[0]
    chars: list[str] = []
    k = 1
    while k < len(value):
        char = value[k]
        if char == quote:
            rest = value[k + 1 :].strip()
            if rest and not rest.startswith("#"):
                report(
                    f"there is text after the closing quote of {key}'s value; only a "
                    "# comment may follow it."
                )
                return None
            return "".join(chars)
        if quote == '"' and char == "\\" and k + 1 < len(value):
            escaped = value[k + 1]
            chars.append(_DOUBLE_QUOTE_ESCAPES.get(escaped, "\\" + escaped))
            k += 2
            continue
        chars.append(char)
        k += 1
    report(f"the quoted value of {key} is not closed on its line; close the {quote} quote.")
    return None


def parse_env_text(text: str, label: str) -> tuple[dict[str, str], list[Problem]]:
    """Parse the text of an env file (named ``label`` in messages) into a dict and problems.

    Every malformed line is reported as ``FILE:LINE:COL``; a key set twice is a warning (the
    later line wins, as in a shell).
    """
    values: dict[str, str] = {}
    first_line: dict[str, int] = {}
    problems: list[Problem] = []
    # Lines end at LF, CR LF or CR only: str.splitlines() would also split at form feeds, NEL
    # and U+2028, which may sit inside a value (a password), and cut it in two.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        body = line.strip()
        if not body or body.startswith("#"):
            continue
        col = len(line) - len(line.lstrip()) + 1
        if body.startswith(("export ", "export\t")):
            stripped = body[len("export") :].lstrip()
            col += len(body) - len(stripped)
            body = stripped

        def report(message: str, *, at: int = col, number: int = number) -> None:
            problems.append(Problem(label, number, at, message))

        key, equals, rest = body.partition("=")
        key = key.rstrip()
        if not equals:
            report("expected KEY=value, a # comment or a blank line (found no '=').")
            continue
        if not _NAME.fullmatch(key):
            shown = key if len(key) <= 40 else key[:40] + "…"
            report(
                f"{shown!r} is not a variable name; names are letters, digits and underscores "
                "and do not start with a digit."
            )
            continue
        value = rest.strip()
        if value[:1] in ("'", '"'):
            unquoted = _unquote(value, key, report)
            if unquoted is None:
                continue
            value = unquoted
        if key in first_line:
            problems.append(
                Problem(
                    label,
                    number,
                    col,
                    f"{key} is set again (first on line {first_line[key]}); this later line wins.",
                    Severity.WARNING,
                )
            )
        else:
            first_line[key] = number
        values[key] = value
    return values, problems


def read_env_file(path: str | os.PathLike[str]) -> tuple[dict[str, str], list[Problem]]:
    """Read and parse the env file at ``path``; a file that cannot be read (missing, not a
    regular file, over :data:`MAX_ENV_BYTES`) is a whole-file problem, and one that other users
    may read or change draws a warning."""
    label = os.fspath(path)
    try:
        data = read_regular(label, max_bytes=MAX_ENV_BYTES, what="env file")
    except InputFileError as exc:
        return {}, [Problem(label, 0, 0, exc.reason)]
    warnings: list[Problem] = []
    mode = mode_of(label)
    if mode is not None and mode & 0o077:
        warnings.append(
            Problem(
                label,
                0,
                0,
                f"the env file holds passwords but other users may read or change it (mode "
                f"{mode:04o}); make it private: chmod 600 {label}.",
                Severity.WARNING,
            )
        )
    try:
        text = decode_text(data, path=label, what="env file")
    except InputTextError as exc:
        return {}, [Problem(label, exc.line, exc.col, exc.reason)]
    values, problems = parse_env_text(text, label)
    return values, warnings + problems


def is_variable_name(name: str) -> bool:
    """Whether ``name`` may be used as ``${name}``."""
    return _NAME.fullmatch(name) is not None
