"""The license actions on fake servers: reads first, interlocks before the click, and
nothing clicked when the effect is already there."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.exceptions import InterlockError, StepFailedError
from dnn_runbook.runner.actions import perform
from tests.support import FakeServer, fake_step_context, license_row


class TestRemoveLicense:
    def test_refused_before_the_click_when_no_other_server_holds_the_invoice(
        self, tmp_path: Path
    ) -> None:
        """replacement-first fires on the fresh reads; the trash icon is never pressed."""
        old, new = FakeServer("old", [license_row("Production")]), FakeServer("new")
        ctx, _ = fake_step_context(tmp_path, "remove-prod-on-old", {"old": old, "new": new})
        with pytest.raises(InterlockError, match="replacement-first"):
            perform(ctx)
        assert old.clicks == []

    def test_removes_once_the_new_server_holds_a_license(self, tmp_path: Path) -> None:
        """Development on new: the Production license on old goes, with before/after shots."""
        old = FakeServer("old", [license_row("Production")])
        new = FakeServer("new", [license_row("Development")])
        ctx, _ = fake_step_context(tmp_path, "remove-prod-on-old", {"old": old, "new": new})
        result = perform(ctx)
        assert result.status is StepStatus.DONE
        assert old.clicks == [("remove", "Production")]
        assert [name.rsplit("-", 1)[1] for name in ctx.record.screenshots] == [
            "before.png",
            "after.png",
        ]

    def test_an_invoice_shown_with_spaces_or_in_lower_case_is_the_same_invoice(
        self, tmp_path: Path
    ) -> None:
        """Row matching is one rule (the page objects'): the interlock and the action agree."""
        old = FakeServer("old", [license_row("PRODUCTION", " inv001-1 ")])
        new = FakeServer("new", [license_row("development", "INV001-1 ")])
        ctx, _ = fake_step_context(tmp_path, "remove-prod-on-old", {"old": old, "new": new})
        assert perform(ctx).status is StepStatus.DONE

    def test_already_done_when_the_server_no_longer_holds_it(self, tmp_path: Path) -> None:
        """Nothing to remove: recorded as already done, with a screenshot, nothing clicked."""
        old, new = FakeServer("old"), FakeServer("new", [license_row("Production")])
        ctx, _ = fake_step_context(tmp_path, "remove-prod-on-old", {"old": old, "new": new})
        result = perform(ctx)
        assert result.status is StepStatus.ALREADY_DONE
        assert old.clicks == []
        assert ctx.record.screenshots == ["05-remove-prod-on-old-already-done.png"]


class TestAddLicense:
    def test_already_done_when_the_server_holds_it_activated(self, tmp_path: Path) -> None:
        """An activated Development license on new: no form is opened."""
        old = FakeServer("old", [license_row("Production")])
        new = FakeServer("new", [license_row("Development")])
        ctx, _ = fake_step_context(tmp_path, "add-dev-on-new", {"old": old, "new": new})
        result = perform(ctx)
        assert result.status is StepStatus.ALREADY_DONE
        assert ctx.journal.development_activated is not None

    def test_single_activation_refuses_production_while_old_holds_it(self, tmp_path: Path) -> None:
        """Production on new while old still holds it: refused before the form opens."""
        old = FakeServer("old", [license_row("Production")])
        new = FakeServer("new", [license_row("Development")])
        ctx, _ = fake_step_context(tmp_path, "add-prod-on-new", {"old": old, "new": new})
        with pytest.raises(InterlockError, match="single-activation"):
            perform(ctx)

    def test_automatic_activation_needs_the_licensing_service(self, tmp_path: Path) -> None:
        """A new server that cannot reach the service: the step says to use manual activation."""
        new = FakeServer("new", reachable=False)
        ctx, _ = fake_step_context(tmp_path, "add-dev-on-new", {"new": new})
        with pytest.raises(StepFailedError, match="activation: manual"):
            perform(ctx)


class TestVerifyLicense:
    def test_every_problem_in_one_sentence(self, tmp_path: Path) -> None:
        """Not activated and another license left over: both named, the invoice masked."""
        new = FakeServer(
            "new", [license_row("Production", activated=False), license_row("Development")]
        )
        ctx, _ = fake_step_context(tmp_path, "verify-new", {"new": new})
        with pytest.raises(StepFailedError) as info:
            perform(ctx)
        message = str(info.value)
        assert message.startswith("verification failed: the Production license on new is not")
        assert "other licenses are left over: Development (••••01-1)" in message
        assert "INV001-1" not in message


class TestScreenshot:
    @pytest.mark.parametrize(
        ("rows", "words"), [(0, "0 licenses"), (1, "1 license"), (2, "2 licenses")]
    )
    def test_says_how_many_licenses_the_table_held(
        self, tmp_path: Path, rows: int, words: str
    ) -> None:
        """evidence-final records the table it shot, counted in plain English."""
        held = [license_row("Production"), license_row("Development")][:rows]
        new = FakeServer("new", held)
        ctx, _ = fake_step_context(
            tmp_path, "evidence-final", {"old": FakeServer("old"), "new": new}
        )
        result = perform(ctx)
        assert result.status is StepStatus.DONE
        assert f"Recorded Settings > About on new ({words}) as " in result.message
        assert ctx.record.screenshots == ["09-evidence-final-final-state.png"]

    def test_a_page_loaded_afresh_just_before_is_taken_as_shown(self, tmp_path: Path) -> None:
        """Right after verify-new read new afresh, with nothing done on it since, the
        screenshot step takes that page as shown, and says so in its message and event."""
        new = FakeServer("new", [license_row("Production")])
        ctx, _ = fake_step_context(
            tmp_path, "evidence-final", {"old": FakeServer("old"), "new": new}
        )
        new.about(reload=True)
        new.fresh_age_s = 0.4
        with capture_logs() as logs:
            result = perform(ctx)
        assert new.reads == 1
        assert result.message.endswith(
            "as loaded from the server 0.4 s before with nothing done since."
        )
        (event,) = [log for log in logs if log["event"] == "license_table_read"]
        assert event["loaded_s_ago"] == 0.4
        assert ctx.record.screenshots == ["09-evidence-final-final-state.png"]

    @pytest.mark.parametrize("age", [None, 5.5], ids=["acted-on-since", "loaded-too-long-ago"])
    def test_a_page_acted_on_or_older_than_five_seconds_is_loaded_again(
        self, tmp_path: Path, age: float | None
    ) -> None:
        """A page handed out to act on since its load (``about(reload=False)``), or loaded
        over five seconds before, is loaded from the server again for the screenshot."""
        new = FakeServer("new", [license_row("Production")])
        ctx, _ = fake_step_context(
            tmp_path, "evidence-final", {"old": FakeServer("old"), "new": new}
        )
        new.about(reload=True)
        new.fresh_age_s = age
        with capture_logs() as logs:
            result = perform(ctx)
        assert new.reads == 2
        assert "as loaded from the server" not in result.message
        (event,) = [log for log in logs if log["event"] == "license_table_read"]
        assert "loaded_s_ago" not in event


class TestInterlockReads:
    def test_a_page_loaded_just_before_is_still_loaded_again_before_a_click(
        self, tmp_path: Path
    ) -> None:
        """The interlocks never take a page as shown: before removing Production from old,
        both servers are loaded afresh even though both were loaded a moment ago."""
        old = FakeServer("old", [license_row("Production")])
        new = FakeServer("new", [license_row("Development")])
        for server in (old, new):
            server.about(reload=True)
        ctx, _ = fake_step_context(tmp_path, "remove-prod-on-old", {"old": old, "new": new})
        perform(ctx)
        assert (old.reads, new.reads) == (2, 2)
