"""Reading runbook files into positioned YAML nodes (``dnn_runbook.runbook._loader``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from yaml.nodes import MappingNode

from dnn_runbook.runbook._loader import MAX_BYTES, compose, line_col, read_source


class TestReadSource:
    def test_reads_bytes_text_and_hash(self, tmp_path: Path) -> None:
        """The source keeps the label as given, the bytes, the text and their SHA-256."""
        path = tmp_path / "r.yaml"
        path.write_bytes(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n")
        source, problems = read_source(path)
        assert problems == []
        assert source is not None
        assert source.label == str(path)
        assert source.text == "a: 1\nb: 2\n"  # BOM dropped, one newline convention
        assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    def test_folder_is_refused(self, tmp_path: Path) -> None:
        """A folder is a whole-file problem."""
        source, problems = read_source(tmp_path)
        assert source is None
        assert [p.message for p in problems] == [
            "this is a folder; give the path of a runbook file."
        ]

    def test_huge_file_is_refused_unread(self, tmp_path: Path) -> None:
        """A file far larger than any runbook is refused before it is read."""
        path = tmp_path / "big.yaml"
        with path.open("wb") as handle:
            handle.truncate(MAX_BYTES + 1)
        _, problems = read_source(path)
        assert problems[0].message.startswith("the file is 1,000,001 bytes")


class TestCompose:
    def compose_text(self, tmp_path: Path, text: str) -> tuple[object, list[str]]:
        """Compose ``text`` from a file; return the root and the problems as printed."""
        path = tmp_path / "r.yaml"
        path.write_text(text, encoding="utf-8")
        source, _ = read_source(path)
        assert source is not None
        root, problems = compose(source)
        return root, [str(p).removeprefix(f"{path}:") for p in problems]

    def test_nodes_carry_positions(self, tmp_path: Path) -> None:
        """Every key and value node knows its 0-based line and column."""
        root, problems = self.compose_text(tmp_path, "a:\n  b: [1, 2]\n")
        assert problems == []
        assert isinstance(root, MappingNode)
        ((_, inner),) = root.value
        ((key, value),) = inner.value
        assert (key.start_mark.line, key.start_mark.column) == (1, 2)
        assert (value.start_mark.line, value.start_mark.column) == (1, 5)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "a: [1, 2\n",
                "2:1: YAML syntax error: expected ',' or ']', but got '<stream end>' "
                "(while parsing a flow sequence at line 1, column 4).",
            ),
            (
                "a: 'open\n",
                "2:1: YAML syntax error: found unexpected end of stream (while "
                "scanning a quoted scalar at line 1, column 4).",
            ),
            (
                "a: 1\n b: 2\n",
                "2:3: YAML syntax error: mapping values are not allowed here; a "
                "value that holds ': ' must be put in quotes.",
            ),
            (
                "a: *nope\n",
                "1:4: YAML syntax error: found undefined alias 'nope'.",
            ),
            ("a: 1\x07\n", "1:5: the character U+0007 is not allowed in YAML; remove it."),
            ("", "1:1: the runbook is empty; it needs version, name, servers, license and steps."),
            (
                "# only a comment\n",
                "1:1: the runbook is empty; it needs version, name, servers, license and steps.",
            ),
        ],
    )
    def test_errors_are_located(self, tmp_path: Path, text: str, expected: str) -> None:
        """YAML errors, forbidden characters and empty files come out as LINE:COL: message."""
        root, problems = self.compose_text(tmp_path, text)
        assert root is None
        assert problems == [expected]

    def test_deep_nesting_is_a_problem_not_a_crash(self, tmp_path: Path) -> None:
        """Absurdly deep nesting is reported, not a RecursionError."""
        root, problems = self.compose_text(tmp_path, "[" * 600 + "]" * 600)
        assert root is None
        assert problems == ["1:1: the YAML is nested too deeply to be a runbook."]


class TestLineCol:
    @pytest.mark.parametrize(
        ("index", "expected"), [(0, (1, 1)), (2, (1, 3)), (3, (2, 1)), (5, (3, 1)), (99, (3, 2))]
    )
    def test_positions(self, index: int, expected: tuple[int, int]) -> None:
        """Indexes map to 1-based lines and columns; past the end clamps to the end."""
        assert line_col("ab\nc\nd", index) == expected

    def test_yaml_line_breaks(self) -> None:
        """NEL and the Unicode line separators break lines, as they do for YAML's marks."""
        assert line_col("a\x85b\u2028c", 4) == (3, 1)
