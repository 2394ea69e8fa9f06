"""Static checks of the license flow against the declared starting state
(``dnn_runbook.runbook._flow``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dnn_runbook.runbook import Severity, check

HEAD = """\
version: 1
name: flow
servers:
  old: {url: "https://old.example.com", username: host, password: "${PW}"}
  new: {url: "https://new.example.com", username: host, password: "${PW}"}
license: {email: "${EMAIL}", invoice: "${INVOICE}"}
steps:
"""
ENVIRON = {"PW": "flow-pw-1", "EMAIL": "f@example.com", "INVOICE": "INV5-5"}
PREFLIGHT = "  - {id: pre, action: preflight, expect: {old: [Production], new: []}}\n"


def warnings_of(write: Callable[..., Path], steps: str) -> list[str]:
    """Check HEAD + ``steps``; return the warnings as 'LINE:COL: message' (no error allowed)."""
    path = write(HEAD + steps, dedent=False)
    runbook, problems = check(path, environ=ENVIRON)
    assert runbook is not None, [str(p) for p in problems]
    assert all(p.severity is Severity.WARNING for p in problems)
    return [f"{p.line}:{p.col}: {p.message}" for p in problems]


def step(line: str) -> str:
    """A flow-style step line."""
    return f"  - {{{line}}}\n"


class TestFlow:
    def test_the_seed_procedure_is_clean(self, write: Callable[..., Path]) -> None:
        """KB-MIG's order raises no warning."""
        steps = PREFLIGHT + "".join(
            step(s)
            for s in (
                "id: a, action: add_license, server: new, type: Development",
                "id: b, action: remove_license, server: old, type: Production",
                "id: c, action: add_license, server: new, type: Production",
                "id: d, action: remove_license, server: new, type: Development",
                "id: e, action: verify_license, server: new, type: Production, only: true",
            )
        )
        assert warnings_of(write, steps) == []

    def test_removing_production_first_trips_the_interlock(
        self, write: Callable[..., Path]
    ) -> None:
        """Removing Production before another server holds a license is flagged."""
        steps = PREFLIGHT + step("id: rm, action: remove_license, server: old, type: Production")
        assert warnings_of(write, steps) == [
            "9:5: steps[2] (rm) removes the Production license from old before any other server "
            "holds a license for this invoice; the runner refuses that (interlock) unless "
            "another server is seen holding one, so add it there first."
        ]

    def test_nothing_to_remove_and_already_there(self, write: Callable[..., Path]) -> None:
        """Removing what is not held, and adding what is, are flagged at their steps."""
        steps = (
            PREFLIGHT
            + step("id: rm, action: remove_license, server: new, type: Test")
            + step("id: add, action: add_license, server: old, type: production")
        )
        assert warnings_of(write, steps) == [
            "9:5: steps[2] (rm) removes a Test license from new, which by then holds no license "
            "for this invoice (by the preflight's expect and the steps before); there would be "
            "nothing to remove.",
            "10:5: steps[3] (add) adds a Production license on old, which by then already holds "
            "one for this invoice (by the preflight's expect and the steps before).",
        ]

    def test_verify_what_no_step_produced(self, write: Callable[..., Path]) -> None:
        """Verifying a type the server will not hold, or only: with leftovers, is flagged."""
        steps = (
            PREFLIGHT
            + step("id: v1, action: verify_license, server: new, type: Production")
            + step("id: add, action: add_license, server: old, type: Test")
            + step("id: v2, action: verify_license, server: old, type: Test, only: yes")
        )
        assert warnings_of(write, steps) == [
            "9:5: steps[2] (v1) expects a Production license on new, which by then holds no "
            "license for this invoice (by the preflight's expect and the steps before).",
            "11:5: steps[4] (v2) says only: true, but old by then also holds a Production "
            "license for this invoice.",
        ]

    def test_development_left_behind(self, write: Callable[..., Path]) -> None:
        """A Development license on the production invoice that is never removed is flagged."""
        steps = PREFLIGHT + step("id: dev, action: add_license, server: new, type: Development")
        assert warnings_of(write, steps) == [
            "9:5: steps[2] (dev) adds a Development license on new that no later step removes; "
            "the production invoice may serve as Development only for a short time (DNN KB "
            "360006325634), so remove it once Production is active."
        ]

    def test_undeclared_state_is_not_guessed(self, write: Callable[..., Path]) -> None:
        """Without a preflight expect nothing is known, so only the interlock rule applies."""
        steps = (
            step("id: pre, action: preflight")
            + step("id: rm, action: remove_license, server: new, type: Test")
            + step("id: v, action: verify_license, server: old, type: Staging")
        )
        assert warnings_of(write, steps) == []

    def test_other_invoices_are_not_tracked(self, write: Callable[..., Path]) -> None:
        """Steps on another invoice are left alone."""
        steps = PREFLIGHT + step("id: rm, action: remove_license, server: new, invoice: '${OTHER}'")
        path = write(HEAD + steps, dedent=False)
        _, problems = check(path, environ={**ENVIRON, "OTHER": "INV9-9"})
        assert [p.message for p in problems if "remove" in p.message] == []
