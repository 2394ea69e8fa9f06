"""The step context: one handle per server, reads retried, the step attached to errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from dnn_runbook.exceptions import PageTimeoutError, StepFailedError, step_context
from tests.support import FakeServer, fake_step_context, license_row


class TestServerHandle:
    def test_the_session_is_opened_once_per_server(self, tmp_path: Path) -> None:
        """Two handles on one server share its session: the pool is asked once."""
        old, new = FakeServer("old", [license_row("Production")]), FakeServer("new")
        ctx, _ = fake_step_context(tmp_path, "remove-prod-on-old", {"old": old, "new": new})
        spec = ctx.runbook.servers["old"]
        assert ctx.on(spec).session is ctx.on(spec).session is old

    def test_a_view_is_read_fresh_and_logged_with_the_invoice_masked(self, tmp_path: Path) -> None:
        """view() reloads the table, and its event never holds the invoice."""
        old = FakeServer("old", [license_row("Production")])
        ctx, _ = fake_step_context(tmp_path, "remove-prod-on-old", {"old": old})
        with capture_logs() as logs:
            view = ctx.on(ctx.runbook.servers["old"]).view()
        assert old.reads == 1
        assert view.licensing_reachable
        (event,) = [log for log in logs if log["event"] == "license_table_read"]
        assert event["licenses"][0]["invoice"] == "••••01-1"
        assert "INV001-1" not in str(event)

    def test_a_development_activation_does_not_read_the_other_servers(self, tmp_path: Path) -> None:
        """No interlock looks at them before a Development activation: no extra round trip."""
        old, new = FakeServer("old", [license_row("Production")]), FakeServer("new")
        ctx, _ = fake_step_context(tmp_path, "add-dev-on-new", {"old": old, "new": new})
        assert ctx.on(ctx.runbook.servers["new"]).others() == {}
        assert old.reads == 0

    def test_a_removal_reads_every_other_server(self, tmp_path: Path) -> None:
        """Before a removal the interlocks see every other server as it is now."""
        old, new = FakeServer("old", [license_row("Production")]), FakeServer("new")
        ctx, _ = fake_step_context(tmp_path, "remove-prod-on-old", {"old": old, "new": new})
        others = ctx.on(ctx.runbook.servers["old"]).others()
        assert list(others) == ["new"]
        assert (old.reads, new.reads) == (0, 1)

    def test_views_start_every_read_before_finishing_any(self, tmp_path: Path) -> None:
        """views() starts both servers' fresh reads first, then reads the others, then this
        server last: each table still read from the server, in the time of about one read."""
        old, new = FakeServer("old", [license_row("Production")]), FakeServer("new")
        order: list[str] = []
        for server in (old, new):
            start, about = server.start_fresh_read, server.about

            def started(start: Any = start, name: str = server.name) -> None:
                order.append(f"start {name}")
                start()

            def read(*, reload: bool = False, about: Any = about, name: str = server.name) -> Any:
                order.append(f"read {name}")
                return about(reload=reload)

            server.start_fresh_read = started  # type: ignore[method-assign]
            server.about = read  # type: ignore[method-assign]
        ctx, _ = fake_step_context(tmp_path, "remove-prod-on-old", {"old": old, "new": new})
        others, view = ctx.on(ctx.runbook.servers["old"]).views()
        assert order == ["start new", "start old", "read new", "read old"]
        assert list(others) == ["new"]
        assert view.name == "old"
        assert (old.reads, new.reads) == (1, 1)

    def test_a_screenshot_is_chained_and_recorded_with_the_step(self, tmp_path: Path) -> None:
        """The file is named for the step, chained into the manifest and listed in the journal."""
        old = FakeServer("old", [license_row("Production")])
        ctx, _ = fake_step_context(tmp_path, "remove-prod-on-old", {"old": old})
        name = ctx.on(ctx.runbook.servers["old"]).screenshot("before")
        assert name == "05-remove-prod-on-old-before.png"
        assert ctx.record.screenshots == [name]
        assert ctx.evidence.manifest.latest(name) is not None


class TestRetrying:
    def test_a_read_is_retried_after_a_page_error(self, tmp_path: Path) -> None:
        """A timeout, then success: the read returns, one retry logged."""
        ctx, _ = fake_step_context(tmp_path, "preflight", {})
        attempts: list[int] = []

        def flaky() -> str:
            attempts.append(1)
            if len(attempts) == 1:
                raise PageTimeoutError("the table did not load")
            return "read"

        with capture_logs() as logs:
            assert ctx.retrying("reading", flaky) == "read"
        assert [log["event"] for log in logs] == ["read_retry"]

    def test_the_last_failure_says_how_many_attempts_and_names_the_step(
        self, tmp_path: Path
    ) -> None:
        """After the backoff runs out the step fails; the step context names the step."""
        ctx, _ = fake_step_context(tmp_path, "preflight", {})

        def never() -> None:
            raise PageTimeoutError("the table did not load")

        with pytest.raises(StepFailedError) as info, step_context("preflight"):
            ctx.retrying("reading the license table on old", never)
        assert str(info.value) == (
            "Step 'preflight': reading the license table on old failed after 3 attempts: "
            "the table did not load"
        )
