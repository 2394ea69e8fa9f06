"""``${VAR}`` substitution and env files (``dnn_runbook.runbook._variables``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dnn_runbook.runbook import Severity, parse_env_text, read_env_file
from dnn_runbook.runbook._variables import substitute

VARS = {"HOST": "new.example.com", "EMPTY": "", "DOLLAR": "a$b"}


def sub(raw: str, env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Substitute ``raw`` with ``env`` (default VARS); return the text and the messages."""
    values = VARS if env is None else env
    result, problems = substitute(raw, values.get, where="x", known=values)
    return result.text, [p.message for p in problems]


class TestSubstitute:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("https://${HOST}/", "https://new.example.com/"),
            ("${HOST}${HOST}", "new.example.com" * 2),
            ("${MISSING:-fallback}", "fallback"),
            ("${EMPTY:-fallback}", "fallback"),
            ("${EMPTY}", ""),
            ("cost: $$5", "cost: $5"),
            ("$$${HOST}", "$new.example.com"),
            ("${DOLLAR}", "a$b"),
            ("a $ b", "a $ b"),
            ("5$", "5$"),
            ("$1", "$1"),
            ("${MISSING:-a:-b}", "a:-b"),
            ("plain", "plain"),
        ],
    )
    def test_values(self, raw: str, expected: str) -> None:
        """References, defaults, $$ and lone dollars come out as documented."""
        assert sub(raw) == (expected, [])

    def test_values_are_not_substituted_again(self) -> None:
        """A value holding ${...} is used as it is."""
        assert sub("${V}", {"V": "${HOST}"}) == ("${HOST}", [])

    def test_undefined_with_hint(self) -> None:
        """An undefined name is reported, with the closest defined name as a hint."""
        _, messages = sub("${HOTS}")
        assert messages == [
            "x uses ${HOTS}, which is not set in the environment; set it, pass --env-file FILE, "
            "or write ${HOTS:-default}. Did you mean ${HOST}?"
        ]

    def test_undefined_with_env_file(self) -> None:
        """With an env file, the message names it as the place to add the variable."""
        _, problems = substitute("${NOPE}", {}.get, where="x", env_file="my.env")
        assert problems[0].message == (
            "x uses ${NOPE}, which is not set in the environment or in my.env; set it, add it "
            "to my.env, or write ${NOPE:-default}."
        )

    @pytest.mark.parametrize(
        ("raw", "offset", "fragment"),
        [
            ("ab ${", 3, "never closed"),
            ("${1X}", 0, "'${1X}', which is not a variable reference"),
            ("${}", 0, "not a variable reference"),
            ("${A B}", 0, "not a variable reference"),
            ("x${A:-${B}}", 1, "nests a variable"),
            ("see $HOST", 4, "$HOST without braces"),
        ],
    )
    def test_malformed_references(self, raw: str, offset: int, fragment: str) -> None:
        """Each malformed reference is reported at the offset of its $."""
        _, problems = substitute(raw, VARS.get, where="x")
        assert [p.offset for p in problems] == [offset]
        assert fragment in problems[0].message

    def test_every_problem_in_a_value(self) -> None:
        """All references in one value are checked, not only the first."""
        _, problems = substitute("${A}/${HOST}/${B}", VARS.get, where="x")
        assert [(p.offset, p.reference) for p in problems] == [(0, "${A}"), (13, "${B}")]

    def test_from_file_tells_literal_text(self) -> None:
        """from_file is false only when variables supplied every character."""
        assert not substitute("${HOST}", VARS.get, where="x")[0].from_file
        assert substitute("${HOST}.", VARS.get, where="x")[0].from_file
        assert substitute("${NOPE:-d}", VARS.get, where="x")[0].from_file
        assert substitute("${HOST}", VARS.get, where="x")[0].variables == ("HOST",)

    @given(st.text())
    def test_escaping_round_trip(self, text: str) -> None:
        """Any text with each $ doubled substitutes back to itself."""
        result, problems = substitute(text.replace("$", "$$"), {}.get, where="x")
        assert (result.text, problems) == (text, [])


class TestEnvFile:
    def test_forms(self) -> None:
        """KEY=value, export, quotes, escapes, comments and blank lines."""
        text = (
            "# the sandbox\n"
            "\n"
            "PLAIN=value with spaces and # hash\n"
            "export EXPORTED=yes\n"
            "SINGLE='it is literal \\n'\n"
            'DOUBLE="tab\\there \\"quoted\\" \\\\ done"  # a comment\n'
            "  INDENTED = spaced  \n"
            "EMPTY=\n"
            "URL=http://127.0.0.1:8001/?a=b\n"
        )
        values, problems = parse_env_text(text, "e.env")
        assert problems == []
        assert values == {
            "PLAIN": "value with spaces and # hash",
            "EXPORTED": "yes",
            "SINGLE": "it is literal \\n",
            "DOUBLE": 'tab\there "quoted" \\ done',
            "INDENTED": "spaced",
            "EMPTY": "",
            "URL": "http://127.0.0.1:8001/?a=b",
        }

    def test_single_quotes_are_literal(self) -> None:
        """Inside single quotes nothing is an escape."""
        values, _ = parse_env_text("K='a\\nb $X'\n", "e.env")
        assert values == {"K": "a\\nb $X"}

    @pytest.mark.parametrize(
        ("line", "col", "message"),
        [
            ("just words", 1, "expected KEY=value, a # comment or a blank line (found no '=')."),
            (
                "  1KEY=v",
                3,
                "'1KEY' is not a variable name; names are letters, digits and "
                "underscores and do not start with a digit.",
            ),
            ("export  BAD-KEY=v", 9, "'BAD-KEY' is not a variable name"),
            ("K='open", 1, "the quoted value of K is not closed on its line; close the ' quote."),
            (
                'K="a" b',
                1,
                "there is text after the closing quote of K's value; only a # "
                "comment may follow it.",
            ),
        ],
    )
    def test_malformed_lines(self, line: str, col: int, message: str) -> None:
        """A malformed line is an error at FILE:LINE:COL; other lines still count."""
        values, problems = parse_env_text(f"A=1\n{line}\nB=2\n", "e.env")
        assert values == {"A": "1", "B": "2"}
        assert len(problems) == 1
        assert (problems[0].file, problems[0].line, problems[0].col) == ("e.env", 2, col)
        assert problems[0].message.startswith(message)

    def test_messages_never_show_values(self) -> None:
        """Problems name keys and lines, never the values (they may be passwords)."""
        _, problems = parse_env_text('PW=\'hunter2-secret\nhunter3-secret\nX="a" hunter4\n', "e")
        assert len(problems) == 3
        assert all("hunter" not in str(p) for p in problems)

    def test_key_set_twice_warns_and_later_wins(self) -> None:
        """A repeated key is a warning; the later line wins."""
        values, problems = parse_env_text("K=1\nK=2\n", "e.env")
        assert values == {"K": "2"}
        assert [(p.line, p.severity) for p in problems] == [(2, Severity.WARNING)]
        assert "first on line 1" in problems[0].message

    def test_read_file_with_bom_and_crlf(self, tmp_path: Path) -> None:
        """A Windows-made file (BOM, CR LF) reads the same."""
        path = tmp_path / "w.env"
        path.write_bytes(b"\xef\xbb\xbfA=1\r\nB='two'\r\n")
        path.chmod(0o600)
        assert read_env_file(path) == ({"A": "1", "B": "two"}, [])

    def test_unreadable_file(self, tmp_path: Path) -> None:
        """A missing env file is a whole-file problem."""
        _, problems = read_env_file(tmp_path / "nope.env")
        assert [str(p) for p in problems] == [
            f"{tmp_path / 'nope.env'}: the env file cannot be read: No such file or directory."
        ]

    def test_not_utf8(self, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 are located."""
        path = tmp_path / "b.env"
        path.write_bytes(b"A=1\nB=caf\xe9\n")
        _, problems = read_env_file(path)
        assert [(p.line, p.col, p.message) for p in problems] == [
            (
                2,
                6,
                "the env file is not UTF-8 text (nor UTF-16 with a byte order mark); save it "
                "as UTF-8.",
            )
        ]

    @given(
        st.dictionaries(
            st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True),
            st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"])),
            max_size=8,
        )
    )
    def test_double_quoted_round_trip(self, values: dict[str, str]) -> None:
        """Any values written double-quoted with escapes read back unchanged."""
        lines = []
        for key, value in values.items():
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{key}="{escaped}"')
        assert parse_env_text("\n".join(lines), "e.env") == (values, [])


class TestEnvFileEdges:
    @pytest.mark.parametrize("inside", ["\x0c", "\x85", "\u2028", "\u2029", "\x1c", "\x0b"])
    def test_a_value_is_one_line_whatever_it_holds(self, inside: str, tmp_path: Path) -> None:
        """Form feed, NEL, U+2028 and the like inside a value stay in it: only LF, CR LF and CR
        end a line, so a password holding one is not cut in two."""
        path = tmp_path / "e.env"
        path.write_text(f"PW=a{inside}b\nNEXT=1\n", encoding="utf-8")
        path.chmod(0o600)
        assert read_env_file(path) == ({"PW": f"a{inside}b", "NEXT": "1"}, [])

    @pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
    @pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
    def test_a_file_others_may_read_draws_a_warning(self, mode: int, tmp_path: Path) -> None:
        """An env file holds passwords: one that group or others may read or change is named,
        with its mode and the command that fixes it; its values still count."""
        path = tmp_path / "e.env"
        path.write_text("A=1\n", encoding="utf-8")
        path.chmod(mode)
        values, problems = read_env_file(path)
        assert values == {"A": "1"}
        assert [(p.severity, str(p)) for p in problems] == [
            (
                Severity.WARNING,
                f"{path}: warning: the env file holds passwords but other users may read or "
                f"change it (mode {mode:04o}); make it private: chmod 600 {path}.",
            )
        ]

    @pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
    def test_a_private_file_draws_none(self, tmp_path: Path) -> None:
        """Mode 0600 (or stricter): no warning."""
        path = tmp_path / "e.env"
        path.write_text("A=1\n", encoding="utf-8")
        path.chmod(0o400)
        assert read_env_file(path) == ({"A": "1"}, [])
