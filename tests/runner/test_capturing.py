"""``--capture`` on ``rehearse`` (and so on ``run``): after its steps the run looks at every
server it logged in to, as ``check`` does, behind the read-only guard, and writes a capture
that holds no identifier, adds no login and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from dnn_runbook.captures import PANEL_STATES, Capture
from dnn_runbook.evidence.redact import scan_paths
from tests.support import RUN_DEFAULTS, SEED_RUNBOOK, in_worker_thread, rehearse

pytestmark = pytest.mark.e2e


class TestCaptureAfterARun:
    def test_a_rehearsal_writes_a_clean_capture(self, tmp_path: Path) -> None:
        """The migration goes through; the capture holds every page of both servers and each
        step's time; the sandbox saw one login per server and only the run's own changes."""
        path = tmp_path / "capture.json"
        printed: list[str] = []
        result = in_worker_thread(
            rehearse,
            SEED_RUNBOOK,
            echo=printed.append,
            assume_yes=True,
            evidence_dir=tmp_path / "evidence",
            capture=path,
            **RUN_DEFAULTS,
        )
        assert result.exit_code == 0, "\n".join(printed)
        assert any(line.startswith(f"Capture: {path}") for line in printed)
        kinds = [event["kind"] for event in result.state["history"]]
        assert kinds.count("login") == 2
        assert "activation_refused" not in kinds
        assert kinds.count("license_removed") == 2

        capture = Capture.loads(path.read_text(encoding="utf-8"))
        assert capture.command == "run"
        assert [step.step for step in capture.run_steps][:2] == ["preflight", "add-dev-on-new"]
        for server in capture.servers:
            assert {shot.name for shot in server.snapshots} == {"menu", *PANEL_STATES}
        defaults = {
            "invoice": "INV001-1",
            "email": "licensing@example.com",
            "old web server": "WEB-OLD",
            "new web server": "WEB-NEW",
            "host": "127.0.0.1",
        }
        assert scan_paths([path], defaults) == []
