"""doctor against the real browser, and its version warning."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dnn_runbook.app.doctor import run_doctor, version_warning
from dnn_runbook.cli import app
from tests.support import in_worker_thread

pytestmark = pytest.mark.e2e


class TestDoctor:
    def test_starts_the_real_browser(self) -> None:
        """doctor finds a browser, starts it headless and reports its version."""
        report = in_worker_thread(run_doctor)
        assert report.ok, report.error
        lines = dict(report.lines)
        assert lines["Headless start"].startswith("ok")
        assert lines["Browser version"][0].isdigit()
        assert lines["Chosen because"]

    def test_cli_exits_zero_when_the_browser_started(self) -> None:
        """`dnn-runbook doctor` prints the versions and exits 0."""
        result = in_worker_thread(CliRunner().invoke, app, ["doctor"], terminal_width=100)
        assert result.exit_code == 0, result.output
        assert "Playwright:" in result.output
        assert "doctor: the browser works." in result.output

    def test_cli_exits_one_for_a_browser_that_is_not_there(self, tmp_path: object) -> None:
        """A named browser that does not exist: exit 1 and the reason."""
        result = in_worker_thread(
            CliRunner().invoke, app, ["doctor", "--browser-path", "/no/such/chrome"]
        )
        assert result.exit_code == 1
        assert "/no/such/chrome" in result.output

    def test_cli_exits_one_when_the_browser_does_not_start(
        self, tmp_path: pytest.TempPathFactory
    ) -> None:
        """A file that is not a browser is found but fails to start: exit 1 with the failure."""
        fake = tmp_path / "fake-chrome"  # type: ignore[operator]
        fake.write_text("#!/bin/sh\necho 'I am not a browser' >&2\nexit 3\n")
        fake.chmod(0o755)
        result = in_worker_thread(CliRunner().invoke, app, ["doctor", "--browser-path", str(fake)])
        assert result.exit_code == 1
        assert "did not start" in result.output
        assert str(fake) in result.output


class TestVersionWarning:
    def test_close_versions_are_quiet(self) -> None:
        """Two majors apart is accepted silently."""
        assert version_warning("157.0.1", "159.0.8154.6") is None

    def test_far_versions_warn(self) -> None:
        """Three majors apart gets a warning naming both versions and the fix."""
        warning = version_warning("156.0.8078.108", "159.0.8154.6")
        assert warning is not None
        assert "Chromium 156" in warning
        assert "Chromium 159" in warning
        assert "playwright install chromium" in warning

    def test_unknown_versions_are_quiet(self) -> None:
        """Without both versions there is nothing to compare."""
        assert version_warning(None, "159") is None
