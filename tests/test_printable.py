"""dnn_runbook.printable: text for a terminal, control characters shown and never obeyed."""

from __future__ import annotations

import pytest

from dnn_runbook.printable import printable


class TestPrintable:
    @pytest.mark.parametrize(
        ("raw", "shown"),
        [
            ("\x1b[2Jcleared", "\\x1b[2Jcleared"),
            ("bell\x07", "bell\\x07"),
            ("csi\x9b31m", "csi\\x9b31m"),
            ("del\x7f", "del\\x7f"),
            ("line\u2028sep", "line\\u2028sep"),
            ("rtl\u202eoverride", "rtl\\u202eoverride"),
            ("a\rb", "a\\x0db"),
        ],
    )
    def test_control_characters_become_visible_escapes(self, raw: str, shown: str) -> None:
        """Escape sequences, C1 controls, separators and bidi overrides are written out."""
        assert printable(raw) == shown

    def test_ordinary_text_is_unchanged(self) -> None:
        """Letters of any script, tabs and the mask stay as they are."""
        text = "Zürich\t日本 ••••01-1"
        assert printable(text) == text

    def test_newlines_only_when_allowed(self) -> None:
        """A newline is escaped in one line of output, kept in a multi-line text."""
        assert printable("a\nb") == "a\\x0ab"
        assert printable("a\nb\x1b", newlines=True) == "a\nb\\x1b"
