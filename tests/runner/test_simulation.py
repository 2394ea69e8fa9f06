"""The runbook walked on a model of the servers: the seed procedure on tables made by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dnn_runbook.runbook import load
from dnn_runbook.runner.engine import steps_to_run
from dnn_runbook.runner.simulation import Simulation, Verdict, simulate
from dnn_runbook.runner.views import ServerView
from pages import LicenseRow
from tests.support import FAKE_ENV, seed_runbook

INVOICE = FAKE_ENV["DNN_LICENSE_INVOICE"]


def row(
    kind: str, *, invoice: str = INVOICE, expires: date | None = date(2099, 1, 1)
) -> LicenseRow:
    return LicenseRow(kind, invoice, "WEB", True, expires)


def views(
    old: tuple[LicenseRow, ...] = (row("Production"),),
    new: tuple[LicenseRow, ...] = (),
    *,
    old_reachable: bool = True,
    new_reachable: bool = True,
) -> dict[str, ServerView]:
    return {
        "old": ServerView("old", old, licensing_reachable=old_reachable),
        "new": ServerView("new", new, licensing_reachable=new_reachable),
    }


def walk(servers: dict[str, ServerView], **kwargs: object) -> Simulation:
    runbook = seed_runbook()
    return simulate(runbook, steps_to_run(runbook), servers, **kwargs)  # type: ignore[arg-type]


def verdicts(simulation: Simulation) -> dict[str, Verdict]:
    return {step.step_id: step.verdict for step in simulation.steps}


class TestTheStartingState:
    def test_every_step_would_run(self) -> None:
        """Old holding Production and new holding nothing: the whole procedure goes through."""
        simulation = walk(views())
        assert simulation.goes_through
        assert set(verdicts(simulation).values()) == {Verdict.WOULD_RUN}
        new = simulation.final["new"]
        assert [held.license_type for held in new.rows] == ["Production"]
        assert simulation.final["old"].rows == ()

    def test_the_removal_says_why_its_interlocks_hold(self) -> None:
        """Step 5's sentence names both interlocks and why each would hold."""
        step = walk(views()).steps[4]
        assert step.sentence() == (
            "step 5 would remove Production ••••01-1 from old; the interlock "
            "'reachable-before-remove' would hold because old reaches the licensing service; "
            "the interlock 'replacement-first' would hold because new would hold Development."
        )

    def test_activations_and_the_last_removal(self) -> None:
        """Development needs no interlock; Production and the Development removal say why."""
        steps = {step.step_id: step.sentence() for step in walk(views()).steps}
        assert "no interlock applies" in steps["add-dev-on-new"]
        assert (
            "'single-activation' would hold because no other server would hold Production"
            in steps["add-prod-on-new"]
        )
        assert (
            "'development-removed-last' would hold because new would keep its activated "
            "Production license" in steps["remove-dev-on-new"]
        )
        assert "EXPIRES is known only once" in steps["verify-new"]
        assert steps["preflight"].startswith(
            "step 1 would log in to old and new and pass: old holds"
        )


class TestRefusals:
    def test_an_unreachable_old_server_refuses_at_preflight(self) -> None:
        """Old cannot reach the licensing service: preflight refuses, nothing after runs."""
        simulation = walk(views(old_reachable=False))
        assert not simulation.goes_through
        stop = simulation.stop
        assert stop is not None
        assert (stop.step_id, stop.verdict) == ("preflight", Verdict.REFUSED)
        assert "old cannot reach the DNN licensing service" in (stop.reason or "")
        assert set(list(verdicts(simulation).values())[1:]) == {Verdict.NOT_REACHED}

    def test_a_server_in_another_state_refuses_at_preflight(self) -> None:
        """New already holds Development, or old holds nothing: preflight says which."""
        for servers, expected in (
            (views(new=(row("Development"),)), "new was expected to hold no license"),
            (views(old=()), "old was expected to hold Production"),
        ):
            stop = walk(servers).stop
            assert stop is not None
            assert stop.verdict is Verdict.REFUSED
            assert expected in (stop.reason or "")

    def test_an_unreadable_server_refuses_with_its_reason(self) -> None:
        """A server whose login failed is named with the reason it could not be read."""
        servers = views()
        del servers["new"]
        stop = walk(servers, unreadable={"new": "the password was refused."}).stop
        assert stop is not None
        assert "could not be read: the password was refused." in (stop.reason or "")

    def test_an_unreadable_servers_reason_is_a_sentence_of_its_own(self) -> None:
        """A reason without a full stop gets one, so the next problem starts a sentence."""
        servers = views()
        del servers["old"], servers["new"]
        unreadable = {"old": "the About panel did not open", "new": "the login timed out"}
        stop = walk(servers, unreadable=unreadable).stop
        assert stop is not None
        reason = stop.reason or ""
        assert "could not be read: the About panel did not open. new (" in reason
        assert reason.endswith("could not be read: the login timed out.")

    def test_an_interlock_refuses_a_step(self, tmp_path: Path) -> None:
        """A runbook that removes Production before adding anything: replacement-first stops it
        before the click, and says so."""
        source = tmp_path / "runbook.yaml"
        source.write_text(
            "version: 1\nname: early-removal\nservers:\n"
            "  old: {url: 'http://127.0.0.1:9', username: host, password: pw}\n"
            "  new: {url: 'http://127.0.0.1:9', username: host, password: pw}\n"
            f"license: {{email: a@example.com, invoice: {INVOICE}}}\n"
            "steps:\n  - {id: remove-prod, action: remove_license, server: old, type: Production}\n"
        )
        runbook = load(source)
        simulation = simulate(runbook, steps_to_run(runbook), views())
        stop = simulation.stop
        assert stop is not None
        assert (stop.step_id, stop.verdict) == ("remove-prod", Verdict.REFUSED)
        assert "the interlock 'replacement-first' would stop it: no other server holds" in (
            stop.sentence()
        )
        assert simulation.steps[0].step_id == "implicit-preflight"
        assert simulation.steps[0].sentence().startswith("the implicit preflight would log in")

    def test_refused_before_the_first_step(self) -> None:
        """An earlier run's open development window: no step is reached."""
        simulation = walk(views(), refused_before="An earlier run left it open.")
        assert not simulation.goes_through
        assert set(verdicts(simulation).values()) == {Verdict.NOT_REACHED}


class TestAlreadyDone:
    def test_a_migration_half_done_by_hand(self, tmp_path: Path) -> None:
        """Development already on new: with no expect: in preflight, add-dev is already done."""
        runbook = seed_runbook()
        steps = [step for step in steps_to_run(runbook) if step.id != "preflight"]
        simulation = simulate(runbook, steps, views(new=(row("Development"),)))
        assert simulation.goes_through
        assert verdicts(simulation)["add-dev-on-new"] is Verdict.ALREADY_DONE
        add_dev = next(step for step in simulation.steps if step.step_id == "add-dev-on-new")
        assert add_dev.sentence().endswith("(already done: nothing would be clicked).")

    def test_verify_fails_on_what_is_left_over(self) -> None:
        """A Test license for the invoice left on new makes verify-new (only: true) fail."""
        runbook = seed_runbook()
        steps = [step for step in steps_to_run(runbook) if step.id != "preflight"]
        simulation = simulate(runbook, steps, views(new=(row("Test"),)))
        stop = simulation.stop
        assert stop is not None
        assert stop.step_id == "verify-new"
        assert "other licenses would be left over: Test (••••01-1)" in (stop.reason or "")
