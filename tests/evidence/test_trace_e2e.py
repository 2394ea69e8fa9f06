"""``--trace retain-on-failure`` end to end: a run that stops keeps its traces, scrubbed."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from dnn_runbook.cli.run_options import execute
from dnn_runbook.evidence.redact import SecretScanner
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.sandbox import Sandbox
from tests.support import RUN_DEFAULTS, SEED_RUNBOOK, in_worker_thread, only_run_dir, write_env

pytestmark = pytest.mark.e2e


class TestRetainOnFailure:
    def test_a_refused_run_keeps_scrubbed_traces_before_its_report(
        self, sandbox_factory: Callable[..., Sandbox], tmp_path: Path
    ) -> None:
        """Preflight refuses (exit 4): both traces are kept, scrubbed, chained before report.html."""
        sandbox = sandbox_factory(faults=["old-unlicensed"], host_password="Refused&Pw<7>")
        evidence = tmp_path / "evidence"
        code = in_worker_thread(
            execute,
            SEED_RUNBOOK,
            env_file=write_env(sandbox, tmp_path / "env"),
            assume_yes=True,
            evidence_dir=evidence,
            trace="retain-on-failure",
            **RUN_DEFAULTS,
        )
        assert code == 4
        run_dir = only_run_dir(evidence)
        files = [e["file"] for e in json.loads((run_dir / "manifest.json").read_text())["entries"]]
        assert files[-1] == "report.html"
        assert {"trace-old.zip", "trace-new.zip"} <= set(files)
        assert files.index("trace-old.zip") < files.index("report.html")
        with zipfile.ZipFile(run_dir / "trace-old.zip") as archive:
            assert "trace.trace" in archive.namelist()
        secrets = {
            "password": sandbox.old.password,
            "email": sandbox.license_email,
            "invoice": sandbox.license_invoice,
        }
        assert SecretScanner(secrets).scan_paths([run_dir]) == []
        assert verify_run_dir(run_dir).ok
        report = (run_dir / "report.html").read_text(encoding="utf-8")
        assert "Refused" in report
        assert "trace-new.zip" in report
