"""events.jsonl: one JSON object a line, with the secrets known at the time redacted."""

from __future__ import annotations

import json
from pathlib import Path

import structlog

from dnn_runbook.evidence.redact import SecretSet
from dnn_runbook.runner.eventlog import event_log


class TestEventLog:
    def test_lines_are_json_with_run_id_and_utc_time(self, tmp_path: Path) -> None:
        """Every event carries the run id, its level and an ISO UTC timestamp."""
        with event_log(tmp_path, SecretSet(), run_id="run-1", show=None) as path:
            structlog.get_logger().info("step_started", step_id="preflight")
        event = json.loads(path.read_text().splitlines()[0])
        assert event["event"] == "step_started"
        assert event["run_id"] == "run-1"
        assert event["step_id"] == "preflight"
        assert event["timestamp"].endswith("Z")

    def test_a_secret_learnt_during_the_run_is_redacted_from_then_on(self, tmp_path: Path) -> None:
        """An activation key typed mid-run never reaches the file, whatever event holds it."""
        secrets = SecretSet(["hunter2-password"])
        shown: list[object] = []
        with event_log(tmp_path, secrets, run_id="r", show=shown.append) as path:
            log = structlog.get_logger()
            log.info("login", note="typed hunter2-password")
            secrets.add("KEY-0123456789ABCDEF")
            log.info("manual", note={"pasted": ["KEY-0123456789ABCDEF"]})
        text = path.read_text()
        assert "hunter2-password" not in text
        assert "KEY-0123456789ABCDEF" not in text
        assert text.count("••••") == 2
        assert not any("KEY-0123456789ABCDEF" in str(event) for event in shown)
        assert len(shown) == 2
