"""``add_license``, ``remove_license`` and ``verify_license`` on scripted fake servers: every
branch, every message, every event and every screenshot, so that no mutant of
``runner/actions/licenses.py`` or ``runner/actions/lost_activation.py`` survives
(``make mutation``). The whole-runner proofs are in ``tests/safety/``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.exceptions import (
    ActivationLostError,
    InterlockError,
    PageError,
    StepFailedError,
    SupportCaseError,
)
from dnn_runbook.runbook import load
from dnn_runbook.runner.actions import licenses, lost_activation
from pages import LicenseRow, Outcome, OutcomeKind
from tests.support import FAKE_ENV, FakeAbout, FakeServer, fake_step_context

MASKED = "••••01-1"
INVOICE = "INV001-1"
FUTURE = date.today() + timedelta(days=300)

RUNBOOK = """\
version: 1
name: actions
servers:
  old: {url: "${DNN_OLD_URL}", username: "${DNN_OLD_USERNAME}", password: "${DNN_OLD_PASSWORD}"}
  new: {url: "${DNN_NEW_URL}", username: "${DNN_NEW_USERNAME}", password: "${DNN_NEW_PASSWORD}"}
license:
  email: ${DNN_LICENSE_EMAIL}
  invoice: ${DNN_LICENSE_INVOICE}
steps:
  - {id: preflight, action: preflight}
  - {id: add-dev, action: add_license, server: new, type: Development}
  - {id: add-prod, action: add_license, server: new, type: Production}
  - {id: add-manual, action: add_license, server: new, type: Staging, activation: manual}
  - {id: remove-any, action: remove_license, server: old, invoice: "${DNN_LICENSE_INVOICE}"}
  - {id: remove-prod, action: remove_license, server: old, type: Production}
  - {id: remove-dev, action: remove_license, server: new, type: Development}
  - {id: verify-future, action: verify_license, server: new, type: Production}
  - {id: verify-date, action: verify_license, server: new, type: Production, expires: 2030-01-02}
  - {id: verify-only, action: verify_license, server: new, type: Production, only: true}
"""

ACTIVATED = Outcome(OutcomeKind.ACTIVATED, "Production License has been activated", False)
DEV_ACTIVATED = Outcome(OutcomeKind.ACTIVATED, "Development License has been activated", False)
DELETED = Outcome(OutcomeKind.DELETED, "Your license has been deleted successfully.", False)
LOST = Outcome(
    OutcomeKind.DELETED_ACTIVATION_LOST,
    "Your license was deleted.\nUnable to add activation back to your invoice.",
    True,
)
UNREACHABLE = Outcome(
    OutcomeKind.LICENSING_UNREACHABLE, "Unable to activate license. Connection failed.", True
)
REFUSED = Outcome(OutcomeKind.FAILED, "Production activation for INV001-1 is in use.", True)


def lic(
    kind: str,
    invoice: str = INVOICE,
    *,
    activated: bool = True,
    expires: date | None = FUTURE,
) -> LicenseRow:
    return LicenseRow(kind, invoice, "WEB", activated, expires)


class Form:
    """Add License, filled and answered from the server's script."""

    def __init__(self, server: Server) -> None:
        self.server = server

    def fill(self, **values: str) -> Form:
        self.server.filled.append(values)
        return self

    def activate_automatically(self) -> Outcome:
        return self.server.answer("activate")


class About(FakeAbout):
    server: Server

    def add_license(self) -> Form:
        return Form(self.server)

    def remove_license(self, row: Any) -> Outcome:
        return self.server.answer("remove", row)


class Server(FakeServer):
    """A fake server whose clicks answer from a script: an Outcome (applied to the table
    when it succeeded), an exception to raise, or ("raise-after", exception) for a click
    that took effect but whose answer was lost."""

    def __init__(self, name: str, rows: list[LicenseRow], script: list[Any] = ()) -> None:  # type: ignore[assignment]
        super().__init__(name, rows)
        self.script = list(script)
        self.filled: list[dict[str, str]] = []
        self.added: list[LicenseRow] = []

    def about(self, *, reload: bool = False) -> About:
        assert isinstance(reload, bool), reload
        if reload:
            self.reads += 1
        return About(self)

    def answer(self, what: str, row: LicenseRow | None = None) -> Outcome:
        self.clicks.append((what, row.license_type if row else self.filled[-1]["license_type"]))
        step = self.script.pop(0)
        took = isinstance(step, tuple)
        if took:
            step = step[1]
        succeeded = (
            isinstance(step, Outcome) and not step.temporary and step.kind is not OutcomeKind.FAILED
        )
        if took or succeeded:
            self.apply(what, row)
        if isinstance(step, BaseException):
            raise step
        assert isinstance(step, Outcome)
        return step

    def apply(self, what: str, row: LicenseRow | None) -> None:
        if what == "remove" and row is not None:
            self.rows.remove(row)
        elif what == "activate":
            added = lic(self.filled[-1]["license_type"])
            self.rows.append(added)
            self.added.append(added)


@pytest.fixture
def logs() -> Iterator[list[dict[str, Any]]]:
    with capture_logs() as captured:
        yield captured


def context(tmp_path: Path, step_id: str, servers: dict[str, Server], **options: Any) -> Any:
    path = tmp_path / "actions.yaml"
    path.write_text(RUNBOOK)
    book = load(path, environ=FAKE_ENV)
    ctx, out = fake_step_context(tmp_path, step_id, servers, runbook=book, **options)  # type: ignore[arg-type]
    ctx.log = structlog.get_logger()
    return ctx, out


def shots(ctx: Any) -> list[str]:
    return [name.split("-", 1)[1].removesuffix(".png") for name in ctx.record.screenshots]


def events(logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in logs if e["event"] != "license_table_read" and e["event"] != "screenshot"]


class TestAdd:
    def test_activates_and_says_so(self, tmp_path: Path, logs: list[dict[str, Any]]) -> None:
        old = Server("old", [])
        new = Server("new", [lic("Production", activated=False)], [ACTIVATED])
        ctx, out = context(tmp_path, "add-prod", {"old": old, "new": new})
        result = licenses.add(ctx, ctx.step)
        assert (result.status, result.message, result.notification) == (
            StepStatus.DONE,
            "Activated the Production license on new.",
            "Production License has been activated",
        )
        assert new.filled == [
            {
                "license_type": "Production",
                "account_email": FAKE_ENV["DNN_LICENSE_EMAIL"],
                "invoice_number": INVOICE,
            }
        ]
        assert shots(ctx) == ["add-prod-before", "add-prod-after"]
        assert ctx.record.attempts == 1
        assert old.reads == 1  # single-activation looked at old
        assert new.reads == 1  # once, right before the click; the form is on that page
        assert events(logs)[-1] == {
            "event": "license_activated",
            "server": "new",
            "type": "Production",
            "notification": "Production License has been activated",
            "log_level": "info",
        }
        printed = out.getvalue()
        assert "filling in Add License on new" in printed
        assert "pressing Automatic Activation on new" in printed
        assert ctx.journal.development_activated is None

    def test_development_notes_the_window_once(self, tmp_path: Path) -> None:
        new = Server("new", [], [DEV_ACTIVATED])
        old = Server("old", [])
        ctx, _ = context(tmp_path, "add-dev", {"old": old, "new": new})
        assert licenses.add(ctx, ctx.step).status is StepStatus.DONE
        assert ctx.journal.development_activated is not None
        assert old.reads == 0  # Development activations are unlimited: old is not read
        first = ctx.journal.development_activated
        ctx.journal.development_activated = "2020-01-01T00:00:00Z"
        new.rows.clear()
        new.script.append(DEV_ACTIVATED)
        licenses.add(ctx, ctx.step)
        assert ctx.journal.development_activated == "2020-01-01T00:00:00Z" != first

    def test_already_done(self, tmp_path: Path) -> None:
        new = Server("new", [lic("Development")])
        ctx, _ = context(tmp_path, "add-dev", {"old": Server("old", []), "new": new})
        result = licenses.add(ctx, ctx.step)
        assert (result.status, result.message) == (
            StepStatus.ALREADY_DONE,
            f"new already holds an activated Development license for invoice {MASKED}; nothing "
            "was clicked.",
        )
        assert new.clicks == []
        assert shots(ctx) == ["add-dev-already-done"]
        assert ctx.journal.development_activated is not None

    def test_another_invoice_is_not_already_done(self, tmp_path: Path) -> None:
        new = Server("new", [lic("Development", "INV009-9")], [DEV_ACTIVATED])
        ctx, _ = context(tmp_path, "add-dev", {"old": Server("old", []), "new": new})
        assert licenses.add(ctx, ctx.step).status is StepStatus.DONE
        assert len(new.clicks) == 1

    def test_another_invoice_elsewhere_does_not_hold_it_back(self, tmp_path: Path) -> None:
        old = Server("old", [lic("Production", "INV009-9")])
        new = Server("new", [], [ACTIVATED])
        ctx, _ = context(tmp_path, "add-prod", {"old": old, "new": new})
        assert licenses.add(ctx, ctx.step).status is StepStatus.DONE

    def test_a_row_not_activated_is_not_already_done(self, tmp_path: Path) -> None:
        new = Server("new", [lic("Development", activated=False)], [DEV_ACTIVATED])
        ctx, _ = context(tmp_path, "add-dev", {"old": Server("old", []), "new": new})
        assert licenses.add(ctx, ctx.step).status is StepStatus.DONE

    def test_automatic_needs_the_service(self, tmp_path: Path) -> None:
        new = Server("new", [])
        new.reachable = False
        ctx, _ = context(tmp_path, "add-dev", {"old": Server("old", []), "new": new})
        with pytest.raises(StepFailedError) as info:
            licenses.add(ctx, ctx.step)
        assert str(info.value) == (
            "new cannot reach the DNN licensing service, so automatic activation would fail. Let "
            "the web server reach the licensing service, or set 'activation: manual' on this "
            "step, then resume."
        )
        assert new.clicks == []

    def test_manual_needs_no_service(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        new = Server("new", [])
        new.reachable = False
        answered: list[Any] = []

        def manual(given: Any, server: Any, step: Any, form: Any) -> Outcome:
            assert (given, server.name, step, type(form)) == (ctx, "new", ctx.step, Form)
            answered.append(form)
            new.rows.append(lic("Staging"))
            return Outcome(OutcomeKind.ACTIVATED, "Staging License has been activated", False)

        monkeypatch.setattr(licenses.manual, "activate", manual)
        ctx, out = context(tmp_path, "add-manual", {"old": Server("old", []), "new": new})
        assert licenses.add(ctx, ctx.step).status is StepStatus.DONE
        assert len(answered) == 1
        assert "pressing Automatic Activation" not in out.getvalue()

    def test_single_activation_before_the_click(self, tmp_path: Path) -> None:
        old, new = Server("old", [lic("Production")]), Server("new", [])
        ctx, _ = context(tmp_path, "add-prod", {"old": old, "new": new})
        with pytest.raises(InterlockError) as info:
            licenses.add(ctx, ctx.step)
        assert (
            f"old still holds the Production license for invoice {MASKED}, so activating it on new"
            in str(info.value)
        )
        assert new.clicks == []
        assert shots(ctx) == []

    def test_a_refusal_fails_at_once(self, tmp_path: Path) -> None:
        new = Server("new", [], [REFUSED])
        ctx, _ = context(tmp_path, "add-prod", {"old": Server("old", []), "new": new})
        with pytest.raises(StepFailedError) as info:
            licenses.add(ctx, ctx.step)
        assert str(info.value) == (
            "activating the Production license on new failed; the page said: Production "
            "activation for •••• is in use."
        )
        assert len(new.clicks) == 1

    def test_a_lost_answer_is_checked_on_the_table(
        self, tmp_path: Path, logs: list[dict[str, Any]]
    ) -> None:
        new = Server("new", [], [("took", PageError("no answer"))])
        ctx, _ = context(tmp_path, "add-prod", {"old": Server("old", []), "new": new})
        result = licenses.add(ctx, ctx.step)
        assert (result.status, result.message) == (
            StepStatus.DONE,
            "Activated the Production license on new (the page's answer was lost; the table "
            "shows it).",
        )
        assert shots(ctx) == ["add-prod-before", "add-prod-after"]
        assert {"event": "activation_no_answer", "server": "new", "error": "no answer"}.items() <= (
            events(logs)[0].items()
        )

    def test_the_table_after_a_lost_answer_notes_development(self, tmp_path: Path) -> None:
        new = Server("new", [], [("took", PageError("no answer"))])
        ctx, _ = context(tmp_path, "add-dev", {"old": Server("old", []), "new": new})
        assert licenses.add(ctx, ctx.step).status is StepStatus.DONE
        assert ctx.journal.development_activated is not None

    def test_temporary_answers_are_retried_then_given_up(
        self, tmp_path: Path, logs: list[dict[str, Any]]
    ) -> None:
        waits: list[float] = []
        new = Server("new", [], [UNREACHABLE, PageError("gone"), UNREACHABLE])
        ctx, out = context(
            tmp_path,
            "add-prod",
            {"old": Server("old", []), "new": new},
            backoff=(0.5, 1.5),
            sleep=waits.append,
        )
        with pytest.raises(StepFailedError) as info:
            licenses.add(ctx, ctx.step)
        assert str(info.value) == (
            "activating the Production license on new did not succeed after 3 attempts "
            "(Unable to activate license. Connection failed.). Resume the run later."
        )
        assert waits == [0.5, 1.5]
        retries = [e for e in logs if e["event"] == "activation_retry"]
        assert [(e["server"], e["delay_s"], e["log_level"]) for e in retries] == [
            ("new", 0.5, "warning"),
            ("new", 1.5, "warning"),
        ]
        assert "activation did not go through; retrying in 0.5 s" in out.getvalue()

    def test_a_page_that_never_answers(self, tmp_path: Path) -> None:
        new = Server("new", [], [PageError("x")])
        ctx, _ = context(tmp_path, "add-prod", {"old": Server("old", []), "new": new}, backoff=())
        with pytest.raises(StepFailedError) as info:
            licenses.add(ctx, ctx.step)
        assert str(info.value).endswith(
            "after 1 attempts (the page never answered). Resume the run later."
        )

    def test_a_temporary_answer_then_success(self, tmp_path: Path) -> None:
        new = Server("new", [], [UNREACHABLE, ACTIVATED])
        ctx, _ = context(tmp_path, "add-prod", {"old": Server("old", []), "new": new})
        assert licenses.add(ctx, ctx.step).message == "Activated the Production license on new."
        assert ctx.record.attempts == 2


class TestRemove:
    def servers(self, old_rows: list[LicenseRow], script: list[Any]) -> dict[str, Server]:
        return {"old": Server("old", old_rows, script), "new": Server("new", [lic("Development")])}

    def test_removes_and_says_so(self, tmp_path: Path, logs: list[dict[str, Any]]) -> None:
        servers = self.servers([lic("Production")], [DELETED])
        ctx, out = context(tmp_path, "remove-prod", servers)
        result = licenses.remove(ctx, ctx.step)
        assert (result.status, result.message, result.notification) == (
            StepStatus.DONE,
            "Removed the Production license from old.",
            "Your license has been deleted successfully.",
        )
        assert shots(ctx) == ["remove-prod-before", "remove-prod-after"]
        assert ctx.record.attempts == 1
        assert events(logs)[-1] == {
            "event": "license_removal_answer",
            "server": "old",
            "kind": "deleted",
            "notification": "Your license has been deleted successfully.",
            "log_level": "info",
        }
        assert "removing the Production license on old" in out.getvalue()
        assert servers["old"].reads == 1
        assert ctx.journal.development_removed is None

    def test_development_removal_notes_the_window(self, tmp_path: Path) -> None:
        servers = {
            "old": Server("old", []),
            "new": Server("new", [lic("Development"), lic("Production")], [DELETED]),
        }
        ctx, _ = context(tmp_path, "remove-dev", servers)
        assert licenses.remove(ctx, ctx.step).status is StepStatus.DONE
        assert ctx.journal.development_removed is not None

    def test_a_lost_development_activation_costs_nothing(self, tmp_path: Path) -> None:
        servers = {
            "old": Server("old", []),
            "new": Server("new", [lic("Development"), lic("Production")], [LOST]),
        }
        ctx, _ = context(tmp_path, "remove-dev", servers)
        result = licenses.remove(ctx, ctx.step)
        assert (result.status, result.message) == (
            StepStatus.DONE,
            "Removed the Development license from new.",
        )
        assert ctx.journal.development_removed is not None
        assert ctx.record.activation_lost is None

    def test_a_lost_production_activation_stops_at_once(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(licenses, "utc_now", lambda: None)
        servers = self.servers([lic("Production")], [LOST, DELETED])
        ctx, _ = context(tmp_path, "remove-prod", servers)
        with pytest.raises(ActivationLostError) as info:
            licenses.remove(ctx, ctx.step)
        when = ctx.record.activation_lost
        assert when is not None
        assert abs(
            datetime.now(UTC) - datetime.fromisoformat(when.replace("Z", "+00:00"))
        ) < timedelta(hours=1)
        assert str(info.value) == (
            f"the Production license was deleted from old at {when}, but its activation was NOT "
            f"returned to invoice {MASKED} (the server could not reach the licensing service). "
            "Do not retry. Contact DNN Technical Support with the invoice number and this time so "
            "they can restore the activation, then resume the run with --support-case CASE-ID. "
            "The page said: Your license was deleted. Unable to add activation back to your "
            "invoice."
        )
        assert ctx.record.notification == (
            "Your license was deleted. Unable to add activation back to your invoice."
        )
        assert servers["old"].clicks == [("remove", "Production")]
        saved = ctx.journal.load(ctx.journal.path.parent).record("remove-prod")
        assert saved.activation_lost == when

    def test_already_done(self, tmp_path: Path) -> None:
        servers = {"old": Server("old", []), "new": Server("new", [lic("Production")])}
        ctx, _ = context(tmp_path, "remove-dev", servers)
        result = licenses.remove(ctx, ctx.step)
        assert (result.status, result.message) == (
            StepStatus.ALREADY_DONE,
            f"new holds no Development license for invoice {MASKED}; nothing was clicked.",
        )
        assert shots(ctx) == ["remove-dev-already-done"]
        assert ctx.journal.development_removed is not None

    def test_already_done_without_a_type(self, tmp_path: Path) -> None:
        ctx, _ = context(tmp_path, "remove-any", self.servers([lic("Test", "INV004-1")], []))
        result = licenses.remove(ctx, ctx.step)
        assert result.message == f"old holds no license for invoice {MASKED}; nothing was clicked."

    def test_a_lost_answer_without_a_type(self, tmp_path: Path) -> None:
        servers = self.servers([lic("Production")], [("took", PageError("lost"))])
        ctx, _ = context(tmp_path, "remove-any", servers)
        assert licenses.remove(ctx, ctx.step).message.startswith(
            "Removed the license from old (the page's answer was lost;"
        )

    def test_already_done_production_leaves_the_window_alone(self, tmp_path: Path) -> None:
        ctx, _ = context(tmp_path, "remove-prod", self.servers([], []))
        assert licenses.remove(ctx, ctx.step).status is StepStatus.ALREADY_DONE
        assert ctx.journal.development_removed is None

    def test_without_a_type_it_must_be_one_row(self, tmp_path: Path) -> None:
        servers = self.servers([lic("Production"), lic("Development")], [])
        ctx, _ = context(tmp_path, "remove-any", servers)
        with pytest.raises(StepFailedError) as info:
            licenses.remove(ctx, ctx.step)
        assert str(info.value) == (
            f"old holds 2 licenses for invoice {MASKED} (Production, Development); name the one "
            "to remove with 'type:' in the runbook."
        )
        assert servers["old"].clicks == []

    def test_without_a_type_one_row_is_removed(self, tmp_path: Path) -> None:
        servers = self.servers([lic("Production"), lic("Test", "INV004-1")], [DELETED])
        ctx, _ = context(tmp_path, "remove-any", servers)
        assert licenses.remove(ctx, ctx.step).message == "Removed the Production license from old."

    def test_interlock_before_the_click(self, tmp_path: Path) -> None:
        servers = {"old": Server("old", [lic("Production")]), "new": Server("new", [])}
        ctx, _ = context(tmp_path, "remove-prod", servers)
        with pytest.raises(InterlockError) as info:
            licenses.remove(ctx, ctx.step)
        assert (
            f"replacement-first' stopped the step before anything was clicked: no other server holds an activated license for invoice {MASKED},"
            in str(info.value)
        )
        assert servers["old"].clicks == []
        assert shots(ctx) == []

    def test_a_refusal_fails(self, tmp_path: Path) -> None:
        refusal = Outcome(OutcomeKind.FAILED, "Delete License failed.", True)
        ctx, _ = context(tmp_path, "remove-prod", self.servers([lic("Production")], [refusal]))
        with pytest.raises(StepFailedError) as info:
            licenses.remove(ctx, ctx.step)
        assert str(info.value) == (
            "removing the Production license from old failed; the page said: Delete License failed."
        )

    def test_a_lost_answer_is_checked_on_the_table(
        self, tmp_path: Path, logs: list[dict[str, Any]]
    ) -> None:
        servers = self.servers([lic("Production")], [("took", PageError("lost"))])
        ctx, out = context(tmp_path, "remove-prod", servers)
        result = licenses.remove(ctx, ctx.step)
        assert (result.status, result.message) == (
            StepStatus.DONE,
            "Removed the Production license from old (the page's answer was lost; the table no "
            "longer shows it). Check the invoice's activations with DNN if in doubt.",
        )
        assert shots(ctx) == ["remove-prod-before", "remove-prod-after"]
        no_answer = [e for e in logs if e["event"] == "removal_no_answer"]
        assert [(e["server"], e["error"], e["log_level"]) for e in no_answer] == [
            ("old", "lost", "warning")
        ]
        assert "the removal got no clear answer; checking again in 0 s" in out.getvalue()

    def test_a_lost_answer_on_development_notes_the_window(self, tmp_path: Path) -> None:
        servers = {
            "old": Server("old", []),
            "new": Server("new", [lic("Development"), lic("Production")], [("t", PageError("x"))]),
        }
        ctx, _ = context(tmp_path, "remove-dev", servers)
        assert licenses.remove(ctx, ctx.step).status is StepStatus.DONE
        assert ctx.journal.development_removed is not None

    def test_temporary_answers_are_retried_then_given_up(
        self, tmp_path: Path, logs: list[dict[str, Any]]
    ) -> None:
        waits: list[float] = []
        temporary = Outcome(OutcomeKind.LICENSING_UNREACHABLE, "try later", True)
        servers = self.servers([lic("Production")], [temporary, PageError("p"), temporary])
        ctx, _ = context(tmp_path, "remove-prod", servers, backoff=(0.5, 2.0), sleep=waits.append)
        with pytest.raises(StepFailedError) as info:
            licenses.remove(ctx, ctx.step)
        assert str(info.value) == (
            "removing the Production license from old got no clear answer in 3 attempts and the "
            "license is still there. Resume the run to try again."
        )
        assert waits == [0.5, 2.0]
        retries = [(e["server"], e["delay_s"]) for e in logs if e["event"] == "removal_retry"]
        assert retries == [("old", 0.5), ("old", 2.0)]


class TestResumePastALostActivation:
    def lost(self, tmp_path: Path, **options: Any) -> Any:
        ctx, _ = context(
            tmp_path, "remove-prod", {"old": Server("old", []), "new": Server("new", [])}, **options
        )
        ctx.record.activation_lost = "2026-12-01T05:00:00Z"
        return ctx

    def test_refused_without_the_case(self, tmp_path: Path) -> None:
        ctx = self.lost(tmp_path)
        with pytest.raises(StepFailedError) as info:
            licenses.remove(ctx, ctx.step)
        assert str(info.value) == (
            "The Production license was deleted from old at 2026-12-01T05:00:00Z but its "
            f"activation was NOT returned to invoice {MASKED}. The run goes past this step only "
            "once DNN Technical Support has a case for it: resume with --support-case CASE-ID "
            "(the case's ID, recorded in the evidence)."
        )
        assert ctx.record.support_case is None
        assert list(ctx.sessions.opened()) == []

    def test_goes_on_with_the_case(self, tmp_path: Path, logs: list[dict[str, Any]]) -> None:
        ctx = self.lost(tmp_path, support_case="CS-1")
        result = licenses.remove(ctx, ctx.step)
        assert (result.status, result.message) == (
            StepStatus.DONE,
            "The Production license was deleted from old at 2026-12-01T05:00:00Z but its "
            f"activation was NOT returned to invoice {MASKED}; the operator confirmed DNN support "
            "case CS-1 for it, and the run went on.",
        )
        assert (
            ctx.journal.load(ctx.journal.path.parent).record("remove-prod").support_case == "CS-1"
        )
        assert logs[-1] == {
            "event": "support_case_confirmed",
            "support_case": "CS-1",
            "activation_lost": "2026-12-01T05:00:00Z",
            "log_level": "warning",
        }

    def test_a_step_without_a_type_names_the_license(self, tmp_path: Path) -> None:
        ctx, _ = context(
            tmp_path, "remove-any", {"old": Server("old", []), "new": Server("new", [])}
        )
        ctx.record.activation_lost = "T"
        with pytest.raises(StepFailedError, match=r"^The license was deleted from old at T but"):
            licenses.remove(ctx, ctx.step)

    @pytest.mark.parametrize(
        ("case", "resuming", "expected"),
        [
            (None, False, []),
            ("CS-1", True, []),
            ("9 a._#/:-Z" + "x" * 54, True, []),
            (
                "CS-1",
                False,
                [
                    "--support-case confirms the DNN support case for an activation a run lost; "
                    "give it with --resume RUN_DIR of that run."
                ],
            ),
            (
                "-CS",
                True,
                [
                    "--support-case must be the case's ID: 1 to 64 letters, digits, spaces and "
                    "'._#/:-', starting with a letter or digit (got '-CS')."
                ],
            ),
        ],
    )
    def test_case_problems(self, case: str | None, resuming: bool, expected: list[str]) -> None:
        assert lost_activation.case_problems(case, resuming=resuming) == expected

    def test_a_long_malformed_case_is_shown_cut(self) -> None:
        (problem,) = lost_activation.case_problems("-" + "x" * 100, resuming=True)
        assert problem.endswith(f"(got {'-' + 'x' * 79!r}).")

    @pytest.mark.parametrize("case", ["", "x" * 65, "CS\n1", "CS;1"])
    def test_malformed_cases(self, case: str) -> None:
        assert lost_activation.case_problems(case, resuming=True) != []

    def test_a_case_for_a_run_that_lost_nothing(self, tmp_path: Path) -> None:
        ctx = self.lost(tmp_path)
        lost_activation.check_case_fits(ctx.journal, None)
        lost_activation.check_case_fits(ctx.journal, "CS-1")
        ctx.record.support_case = "CS-0"
        with pytest.raises(SupportCaseError) as info:
            lost_activation.check_case_fits(ctx.journal, "CS-1")
        assert str(info.value) == (
            f"--support-case 'CS-1' was given, but no step of run {ctx.journal.run_id} lost an "
            "activation that waits for a support case; nothing was started. Leave --support-case "
            "out."
        )
        ctx.record.activation_lost = None
        ctx.record.support_case = None
        with pytest.raises(SupportCaseError):
            lost_activation.check_case_fits(ctx.journal, "CS-1")


class TestVerify:
    def verify(self, tmp_path: Path, step_id: str, rows: list[LicenseRow]) -> Any:
        ctx, _ = context(tmp_path, step_id, {"old": Server("old", []), "new": Server("new", rows)})
        return ctx, licenses.verify(ctx, ctx.step)

    def failure(self, tmp_path: Path, step_id: str, rows: list[LicenseRow]) -> str:
        with pytest.raises(StepFailedError) as info:
            self.verify(tmp_path, step_id, rows)
        return str(info.value)

    def test_activated_and_expiring_later(self, tmp_path: Path) -> None:
        ctx, result = self.verify(
            tmp_path, "verify-future", [lic("Production"), lic("Development")]
        )
        assert (result.status, result.message) == (
            StepStatus.DONE,
            f"new holds an activated Production license for invoice {MASKED}, expiring "
            f"{FUTURE.isoformat()}.",
        )
        assert shots(ctx) == ["verify-future-verify"]

    def test_only_and_nothing_else(self, tmp_path: Path) -> None:
        _, result = self.verify(tmp_path, "verify-only", [lic("Production")])
        assert result.message.endswith(f"expiring {FUTURE.isoformat()}, and nothing else.")

    def test_the_expected_date(self, tmp_path: Path) -> None:
        _, result = self.verify(
            tmp_path, "verify-date", [lic("Production", expires=date(2030, 1, 2))]
        )
        assert result.status is StepStatus.DONE
        assert self.failure(
            tmp_path, "verify-date", [lic("Production", expires=date(2030, 1, 3))]
        ) == ("verification failed: EXPIRES shows 2030-01-03, not 2030-01-02.")

    def test_another_type_for_the_invoice_is_not_it(self, tmp_path: Path) -> None:
        assert self.failure(tmp_path, "verify-future", [lic("Development")]) == (
            f"verification failed: new holds no Production license for invoice {MASKED}."
        )

    def test_only_counts_a_second_row_of_the_type_as_left_over(self, tmp_path: Path) -> None:
        rows = [lic("Production"), lic("Production", expires=FUTURE + timedelta(days=1))]
        assert self.failure(tmp_path, "verify-only", rows) == (
            "verification failed: other licenses are left over: Production (••••01-1)."
        )

    def test_nothing_held(self, tmp_path: Path) -> None:
        assert self.failure(tmp_path, "verify-future", [lic("Production", "INV009-9")]) == (
            f"verification failed: new holds no Production license for invoice {MASKED}."
        )

    def test_every_problem_at_once(self, tmp_path: Path) -> None:
        rows = [
            lic("Production", activated=False, expires=None),
            lic("Development"),
            lic("Test", "INV004-1"),
        ]
        assert self.failure(tmp_path, "verify-only", rows) == (
            "verification failed: the Production license on new is not activated; its EXPIRES "
            "column is empty; other licenses are left over: Development (••••01-1), Test "
            "(••••04-1)."
        )

    @pytest.mark.parametrize("days", [0, -1])
    def test_expires_today_or_before_is_not_the_future(self, tmp_path: Path, days: int) -> None:
        day = date.today() + timedelta(days=days)
        assert self.failure(tmp_path, "verify-future", [lic("Production", expires=day)]) == (
            f"verification failed: EXPIRES shows {day.isoformat()}, which is not in the future."
        )

    def test_an_empty_expiry_without_other_problems(self, tmp_path: Path) -> None:
        assert self.failure(tmp_path, "verify-date", [lic("Production", expires=None)]) == (
            "verification failed: its EXPIRES column is empty."
        )
