"""``preflight.run`` on fake servers (no browser): what it reads, what it records, what it
says when the servers are ready, already migrated or not as expected, and how it refuses, so
that no mutant of ``runner/actions/preflight.py`` survives (``make mutation``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.exceptions import LoginFailedError, PageError, PreflightRefusedError
from dnn_runbook.runbook import load
from dnn_runbook.runner.actions import preflight
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import ServerHandle
from tests.support import FAKE_ENV, FakeServer, fake_step_context, license_row

MASKED = "••••01-1"
URL = FAKE_ENV["DNN_OLD_URL"]
FIREWALLED = Path(__file__).with_name("firewalled.yaml")
ADVICE = (
    " Bring the servers to the state the runbook expects (or correct the runbook's 'expect:'), "
    "then run it again."
)
REFUSED = "Preflight refused to start, and nothing was changed: "

#: The seed procedure with a preflight that names no server in ``expect:``: what each server
#: must hold comes from the steps alone (old must hold Production, new must not hold either
#: type it adds).
DERIVED = """\
version: 1
name: derived
servers:
  old: {url: "${DNN_OLD_URL}", username: "${DNN_OLD_USERNAME}", password: "${DNN_OLD_PASSWORD}"}
  new: {url: "${DNN_NEW_URL}", username: "${DNN_NEW_USERNAME}", password: "${DNN_NEW_PASSWORD}"}
license:
  email: ${DNN_LICENSE_EMAIL}
  invoice: ${DNN_LICENSE_INVOICE}
steps:
  - {id: preflight, action: preflight}
  - {id: add-dev, action: add_license, server: new, type: Development}
  - {id: remove-prod, action: remove_license, server: old, type: Production}
  - {id: add-prod, action: add_license, server: new, type: Production}
  - {id: remove-dev, action: remove_license, server: new, type: Development}
"""


class Unreadable(FakeServer):
    """A server whose Settings > About never opens: every read raises ``error``."""

    def __init__(self, name: str, error: PageError) -> None:
        super().__init__(name)
        self.error = error

    def about(self, *, reload: bool = False) -> Any:
        self.reads += 1
        raise self.error


@pytest.fixture
def logs() -> Iterator[list[dict[str, Any]]]:
    with capture_logs() as captured:
        yield captured


def context(
    tmp_path: Path, servers: dict[str, FakeServer], runbook: str | Path | None = None
) -> Any:
    book = None
    if isinstance(runbook, str):
        source = tmp_path / "derived.yaml"
        source.write_text(runbook)
        book = load(source, environ=FAKE_ENV)
    elif runbook is not None:
        book = load(runbook, environ=FAKE_ENV)
    ctx, out = fake_step_context(tmp_path, "preflight", servers, runbook=book)
    ctx.log = structlog.get_logger()
    return ctx, out


def servers(
    old: tuple[Any, ...] = (license_row("Production"),),
    new: tuple[Any, ...] = (),
    *,
    old_reachable: bool = True,
    new_reachable: bool = True,
) -> dict[str, FakeServer]:
    return {
        "old": FakeServer("old", old, reachable=old_reachable),
        "new": FakeServer("new", new, reachable=new_reachable),
    }


def refusal(ctx: Any) -> str:
    with pytest.raises(PreflightRefusedError) as info:
        preflight.run(ctx, ctx.step)
    return str(info.value)


def tolerated(logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in logs if e["event"] == "licensing_unreachable_tolerated"]


class TestReady:
    def test_ready_servers_pass_with_what_each_holds(
        self, tmp_path: Path, logs: list[dict[str, Any]]
    ) -> None:
        """Old holding Production and new nothing, as expect: says: the run goes on."""
        fakes = servers()
        ctx, out = context(tmp_path, fakes)
        result = preflight.run(ctx, ctx.step)
        assert result == ActionResult(
            StepStatus.DONE,
            f"Servers ready; for invoice {MASKED}: old: Production; new: no license.",
        )
        assert not result.ends_run
        assert ctx.record.screenshots == ["01-preflight-old.png", "01-preflight-new.png"]
        assert [fakes["old"].reads, fakes["new"].reads] == [1, 1]
        assert out.getvalue() == (
            "    reading the license table on old\n    reading the license table on new\n"
        )
        assert tolerated(logs) == []

    def test_ready_from_the_steps_alone(self, tmp_path: Path) -> None:
        """No expect:, the starting state derived from the steps: the same servers pass."""
        ctx, _ = context(tmp_path, servers(), DERIVED)
        assert preflight.run(ctx, ctx.step) == ActionResult(
            StepStatus.DONE,
            f"Servers ready; for invoice {MASKED}: old: Production; new: no license.",
        )

    def test_only_the_invoice_counts_in_the_summary(self, tmp_path: Path) -> None:
        """Another invoice's license on new is neither a problem nor named as held."""
        ctx, _ = context(tmp_path, servers(new=(license_row("Test", "INV009-9"),)))
        assert preflight.run(ctx, ctx.step).message == (
            f"Servers ready; for invoice {MASKED}: old: Production; new: no license."
        )

    def test_a_firewalled_server_that_needs_no_service_is_tolerated_with_a_warning(
        self, tmp_path: Path, logs: list[dict[str, Any]]
    ) -> None:
        """New only gets manual activations and loses Development: its firewall is no reason
        to refuse; the operator is told and the event logged."""
        ctx, out = context(tmp_path, servers(new_reachable=False), FIREWALLED)
        result = preflight.run(ctx, ctx.step)
        assert (result.status, result.message) == (
            StepStatus.DONE,
            f"Servers ready; for invoice {MASKED}: old: Production; new: no license.",
        )
        assert (
            "new cannot reach the licensing service; the runbook only activates manually and "
            "removes Development licenses there, so the run may go on."
        ) in out.getvalue()
        assert "old cannot reach" not in out.getvalue()
        assert tolerated(logs) == [
            {
                "event": "licensing_unreachable_tolerated",
                "server": "new",
                "log_level": "warning",
            }
        ]

    def test_a_reachable_server_that_needs_no_service_is_not_warned_about(
        self, tmp_path: Path, logs: list[dict[str, Any]]
    ) -> None:
        ctx, out = context(tmp_path, servers(), FIREWALLED)
        assert preflight.run(ctx, ctx.step).status is StepStatus.DONE
        assert "cannot reach" not in out.getvalue()
        assert tolerated(logs) == []


class TestAlreadyMigrated:
    def test_servers_in_the_end_state_end_the_run(self, tmp_path: Path) -> None:
        """New holds Production and old nothing: nothing to do, and the run ends there
        (although expect: describes the start, which the servers no longer match)."""
        fakes = servers(old=(), new=(license_row("Production"),))
        ctx, _ = context(tmp_path, fakes)
        assert preflight.run(ctx, ctx.step) == ActionResult(
            StepStatus.DONE,
            "Already migrated: the servers are in the state the runbook leads to (old: no "
            f"license; new: Production for invoice {MASKED}), so nothing was changed and no "
            "later step runs.",
            ends_run=True,
        )
        assert ctx.record.screenshots == ["01-preflight-old.png", "01-preflight-new.png"]

    def test_another_invoices_license_does_not_count(self, tmp_path: Path) -> None:
        """Old still holds a Production license, but of another invoice: for this invoice the
        servers are migrated, and the message says what they hold for it."""
        fakes = servers(
            old=(license_row("Production", "INV009-9"),), new=(license_row("Production"),)
        )
        ctx, _ = context(tmp_path, fakes)
        result = preflight.run(ctx, ctx.step)
        assert (result.ends_run, result.message) == (
            True,
            "Already migrated: the servers are in the state the runbook leads to (old: no "
            f"license; new: Production for invoice {MASKED}), so nothing was changed and no "
            "later step runs.",
        )

    def test_the_end_state_derived_from_the_steps(self, tmp_path: Path) -> None:
        """Without expect:, the start is what the steps remove: the end is still recognised."""
        ctx, _ = context(tmp_path, servers(old=(), new=(license_row("Production"),)), DERIVED)
        result = preflight.run(ctx, ctx.step)
        assert (result.status, result.ends_run) == (StepStatus.DONE, True)
        assert result.message.startswith("Already migrated: ")

    def test_the_start_comes_from_expect_where_it_differs_from_the_steps(
        self, tmp_path: Path
    ) -> None:
        """expect: says new starts with a Staging license, which no step touches: the end
        state keeps it beside Production on new, and that is what is recognised."""
        source = tmp_path / "expect.yaml"
        source.write_text(
            DERIVED.replace(
                "{id: preflight, action: preflight}",
                "{id: preflight, action: preflight, expect: {old: [Production], new: [Staging]}}",
            )
        )
        held = (license_row("Production"), license_row("Staging"))
        ctx, _ = context(tmp_path, servers(old=(), new=held), source)
        result = preflight.run(ctx, ctx.step)
        assert (result.status, result.ends_run) == (StepStatus.DONE, True)
        assert result.message == (
            "Already migrated: the servers are in the state the runbook leads to (old: no "
            f"license; new: Production, Staging for invoice {MASKED}), so nothing was "
            "changed and no later step runs."
        )

    def test_an_unusable_server_is_never_taken_for_migrated(self, tmp_path: Path) -> None:
        """Old refused the login: whatever new holds, preflight refuses."""
        fakes: dict[str, FakeServer] = {
            "old": Unreadable("old", LoginFailedError(URL, "Login failed: wrong password")),
            "new": FakeServer("new", [license_row("Production")]),
        }
        ctx, _ = context(tmp_path, fakes)
        assert refusal(ctx).startswith(REFUSED + "old: The login refused the account 'host'")


class TestRefusals:
    def test_every_server_not_as_expected_is_named_then_the_advice(self, tmp_path: Path) -> None:
        """Old holds nothing and new already holds Development: each problem is a sentence,
        in the servers' order, followed by what to do."""
        ctx, _ = context(tmp_path, servers(old=(), new=(license_row("Development"),)))
        assert refusal(ctx) == (
            REFUSED + f"old was expected to hold Production for invoice {MASKED} but holds no "
            f"license. new was expected to hold no license for invoice {MASKED} but holds "
            "Development. new already holds a Development license, which the runbook adds "
            "later: a server can hold one license of each type." + ADVICE
        )
        assert ctx.record.screenshots == ["01-preflight-old.png", "01-preflight-new.png"]

    def test_a_problem_on_the_first_server_alone_refuses(self, tmp_path: Path) -> None:
        """The second server being ready does not hide the first one's problem."""
        ctx, _ = context(tmp_path, servers(old=()))
        assert refusal(ctx) == (
            REFUSED + f"old was expected to hold Production for invoice {MASKED} but holds no "
            "license." + ADVICE
        )

    def test_the_derived_expectation_refuses(self, tmp_path: Path) -> None:
        """Without expect:, old must hold the Production license the runbook removes later."""
        ctx, _ = context(tmp_path, servers(old=()), DERIVED)
        assert refusal(ctx) == (
            REFUSED + f"old must hold the Production license for invoice {MASKED} that the "
            "runbook removes later, but holds no license." + ADVICE
        )

    def test_an_unreachable_server_that_needs_the_service_refuses_without_a_warning(
        self, tmp_path: Path, logs: list[dict[str, Any]]
    ) -> None:
        ctx, out = context(tmp_path, servers(old_reachable=False))
        assert refusal(ctx) == (
            REFUSED + "old cannot reach the DNN licensing service (its About page says "
            "'Connection to license server failed'): open the web server's firewall to the "
            "licensing service, or use manual activation." + ADVICE
        )
        assert "the run may go on" not in out.getvalue()
        assert tolerated(logs) == []

    def test_an_unusable_server_is_its_own_sentence_without_the_state_advice(
        self, tmp_path: Path
    ) -> None:
        """A refused login: no state of the servers would cure it, so the advice to bring
        them to the expected state is left out; the other server is still read."""
        fakes: dict[str, FakeServer] = {
            "old": Unreadable("old", LoginFailedError(URL, "Login failed: wrong password")),
            "new": FakeServer("new"),
        }
        ctx, _ = context(tmp_path, fakes)
        assert refusal(ctx) == (
            REFUSED + "old: The login refused the account 'host' (Logging in at "
            f"{URL} failed: the page said 'Login failed: wrong password'); it was tried once "
            "and will not be tried again in this run. Check the username and password in the "
            "runbook's variables before running again: DNN locks an account after a few failed "
            "logins, and a resume tries once more."
        )
        assert fakes["old"].reads == 1  # tried once: a second login would count to the lockout
        assert fakes["new"].reads == 1
        assert ctx.record.screenshots == ["01-preflight-new.png"]

    def test_an_unusable_server_comes_before_the_other_servers_problems(
        self, tmp_path: Path
    ) -> None:
        fakes: dict[str, FakeServer] = {
            "old": Unreadable("old", LoginFailedError(URL, "Login failed: wrong password")),
            "new": FakeServer("new", [license_row("Development")]),
        }
        ctx, _ = context(tmp_path, fakes)
        text = refusal(ctx)
        assert text.startswith(REFUSED + "old: The login refused the account 'host'")
        assert text.endswith(
            "and a resume tries once more. new was expected to hold no "
            f"license for invoice {MASKED} but holds Development. new already holds a "
            "Development license, which the runbook adds later: a server can hold one license "
            "of each type." + ADVICE
        )


class TestUnreadable:
    def test_an_unreadable_page_is_a_full_sentence_before_the_next_problem(
        self, tmp_path: Path
    ) -> None:
        """The About panel never opened on old: its reason ends with a full stop, so the next
        server's problem starts a sentence of its own."""
        fakes: dict[str, FakeServer] = {
            "old": Unreadable("old", PageError("the About panel did not open")),
            "new": FakeServer("new", [license_row("Development")]),
        }
        ctx, out = context(tmp_path, fakes)
        assert refusal(ctx) == (
            REFUSED + f"old ({URL}) could not be read: reading the license table on old failed "
            "after 3 attempts: the About panel did not open. new was expected to hold no "
            f"license for invoice {MASKED} but holds Development. new already holds a "
            "Development license, which the runbook adds later: a server can hold one license "
            "of each type." + ADVICE
        )
        assert fakes["old"].reads == 3
        assert ctx.record.screenshots == ["01-preflight-new.png"]
        assert "reading the license table on old: retrying in 0 s" in out.getvalue()

    @pytest.mark.parametrize("reason", ["the page is gone.", "the page is gone!", "is it gone?"])
    def test_a_reason_that_ends_a_sentence_gets_no_second_stop(
        self, tmp_path: Path, reason: str
    ) -> None:
        fakes: dict[str, FakeServer] = {"old": Unreadable("old", PageError(reason))}
        fakes["new"] = FakeServer("new")
        ctx, _ = context(tmp_path, fakes)
        assert refusal(ctx) == (
            REFUSED + f"old ({URL}) could not be read: reading the license table on old failed "
            f"after 3 attempts: {reason}" + ADVICE
        )

    def test_a_page_error_from_the_reading_layer_itself(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A page error that no retry wrapped (the handle raised it as it is) is reported
        the same way, and the next server is still read."""
        original = ServerHandle.view

        def view(handle: ServerHandle) -> Any:
            if handle.name == "old":
                raise PageError("no table")
            return original(handle)

        monkeypatch.setattr(ServerHandle, "view", view)
        ctx, _ = context(tmp_path, servers(new=(license_row("Development"),)))
        assert refusal(ctx) == (
            REFUSED + f"old ({URL}) could not be read: no table. new was expected to hold no "
            f"license for invoice {MASKED} but holds Development. new already holds a "
            "Development license, which the runbook adds later: a server can hold one license "
            "of each type." + ADVICE
        )
