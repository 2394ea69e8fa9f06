"""The plan: a runbook in plain words (``dnn_runbook.runbook.plan``)."""

from __future__ import annotations

import re
from pathlib import Path

from dnn_runbook.runbook import load
from dnn_runbook.runbook.plan import render_plan


class TestRenderPlan:
    def test_seed_plan(self, seed_path: Path, seed_environ: dict[str, str]) -> None:
        """The seed's plan: header, servers, license, window and nine numbered steps."""
        runbook = load(seed_path, environ=seed_environ)
        text = render_plan(runbook, label="runbook.yaml")
        lines = text.splitlines()
        assert (
            lines[0]
            == f"Plan for migrate-evoq-license (runbook.yaml, sha256 {runbook.sha256[:12]})"
        )
        assert "  old  http://127.0.0.1:18001  (logs in as host at /Login)" in lines
        assert "  new  http://127.0.0.1:18002  (logs in as host at /Login)" in lines
        assert "License: invoice ••••42-7, account email •••• (hidden)" in lines
        assert "The production invoice may serve as a Development license for at most 2h." in lines
        assert "Steps (9):" in lines
        numbered = [re.match(r"  (\d)\. \[([a-z-]+)\] ", line) for line in lines]
        assert [(int(m[1]), m[2]) for m in numbered if m] == [
            (step.index, step.id) for step in runbook.steps
        ]
        assert (
            "  2. [add-dev-on-new] Add a Development license on new (http://127.0.0.1:18002)"
            in text
        )

    def test_no_secret_in_the_plan(
        self, seed_path: Path, seed_environ: dict[str, str], seed_secrets: dict[str, str]
    ) -> None:
        """No password, email or whole invoice appears anywhere in the plan."""
        text = render_plan(load(seed_path, environ=seed_environ))
        for value in seed_secrets.values():
            assert value not in text
        assert "INV042" not in text

    def test_lines_wrap_with_a_hanging_indent(
        self, seed_path: Path, seed_environ: dict[str, str]
    ) -> None:
        """Long lines wrap, steps under their own text; addresses are never broken."""
        text = render_plan(load(seed_path, environ=seed_environ), label="r.yaml", width=60)
        lines = text.splitlines()
        assert all(len(line) <= 60 for line in lines[1:])
        first = lines.index(next(line for line in lines if line.startswith("  1. ")))
        assert lines[first + 1].startswith("     (http://127.0.0.1:18001)")
