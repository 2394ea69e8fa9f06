"""``--trace retain-on-failure`` end to end: a run that stops keeps its traces, scrubbed."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from dnn_runbook.evidence.redact import SecretScanner
from dnn_runbook.evidence.trace import TraceMode
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.sandbox import Sandbox
from tests.support import (
    RUN_DEFAULTS,
    SEED_RUNBOOK,
    in_worker_thread,
    only_run_dir,
    run_exit_code,
    write_env,
)

pytestmark = pytest.mark.e2e


class TestRetainOnFailure:
    def test_a_refused_run_keeps_scrubbed_traces_before_its_report(
        self, sandbox_factory: Callable[..., Sandbox], tmp_path: Path
    ) -> None:
        """Preflight refuses (exit 4): both traces are kept, scrubbed, chained before report.html."""
        sandbox = sandbox_factory(faults=["old-unlicensed"], host_password="Refused&Pw<7>")
        evidence = tmp_path / "evidence"
        code = in_worker_thread(
            run_exit_code,
            SEED_RUNBOOK,
            env_file=write_env(sandbox, tmp_path / "env"),
            assume_yes=True,
            evidence_dir=evidence,
            trace=TraceMode.RETAIN_ON_FAILURE,
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


class TestEveryInvoiceForm:
    def test_a_padded_invoice_and_other_licenses_never_reach_a_trace(
        self,
        sandbox_factory: Callable[..., Sandbox],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """DNN_LICENSE_INVOICE with a trailing space (the runner compares it stripped) and five
        more licenses on the old server, --trace on: no file of the run directory, no trace
        member and nothing printed holds any invoice of the sandbox, in any form; the screenshots'
        invoice column is masked as always."""
        sandbox = sandbox_factory(seed_licenses=5)
        environ = {**sandbox.env(), "DNN_LICENSE_INVOICE": sandbox.license_invoice + " "}
        evidence = tmp_path / "evidence"
        code = in_worker_thread(
            run_exit_code,
            SEED_RUNBOOK,
            environ=environ,
            assume_yes=True,
            evidence_dir=evidence,
            trace=TraceMode.ON,
            **RUN_DEFAULTS,
        )
        assert code == 0
        run_dir = only_run_dir(evidence)
        state = sandbox.state()
        invoices = {
            lic["invoice"] for server in state["servers"].values() for lic in server["licenses"]
        } | {event["invoice"] for event in state["history"] if event.get("invoice")}
        assert len(invoices) >= 6, invoices
        files = {p.name for p in run_dir.iterdir()}
        assert {"trace-old.zip", "trace-new.zip"} <= files
        scanner = SecretScanner({invoice: invoice for invoice in invoices})
        printed = capsys.readouterr()
        findings = [
            *scanner.scan_paths([run_dir]),
            *scanner.scan_text(printed.out + printed.err, source="<printed>"),
        ]
        assert findings == [], "\n".join(map(str, findings))
        assert verify_run_dir(run_dir).ok
