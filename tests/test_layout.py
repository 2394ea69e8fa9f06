"""The layout's promises that no linter checks: modules stay small."""

from __future__ import annotations

from tests.support import REPO

#: The longest a module of ``src/`` may be.
MAX_LINES = 400


class TestLayout:
    def test_no_module_in_src_is_over_400_lines(self) -> None:
        """Modules are named for what they hold and stay small enough to read in one sitting."""
        src = REPO / "src" / "dnn_runbook"
        too_long = {
            path.relative_to(src).as_posix(): lines
            for path in src.rglob("*.py")
            if "node_modules" not in path.parts
            and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        }
        assert too_long == {}
