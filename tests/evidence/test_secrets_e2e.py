"""The secret scan of issue 6, on one full rehearsal that also serves the trace and report checks.

The sandbox starts with known, distinctive secrets (two host passwords full of characters that
every encoder escapes, an account email with a ``+``, an invoice number); the new server
cannot reach the licensing service, so both activations on it are manual and two activation
keys are typed too; ``--trace on`` keeps a trace of each server. Then every byte of every file
of the run directory (inside the trace archives too) and everything printed (Python's streams
and the process's file descriptors 1 and 2, so Chromium's and Playwright's output as well) is
scanned for each secret in every encoding the scanner knows.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.app.rehearse import key_provider
from dnn_runbook.browser import started_browser
from dnn_runbook.evidence.redact import REDACTED, Finding, SecretScanner
from dnn_runbook.evidence.trace import TraceMode
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.runbook import AddLicenseStep
from dnn_runbook.sandbox import Sandbox
from tests.support import (
    REPO,
    RUN_DEFAULTS,
    holdings,
    in_worker_thread,
    only_run_dir,
    run_exit_code,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("secrets-rehearsal")]

PASSWORDS = {"old": "Old&Pw<\"9x'%+ü-Zq71", "new": "New Pw/ß>{4}\\Kv38#"}
EMAIL = "ledger.k7q+audit@example.org"
INVOICE = "INVQ7X4Z9-3"
FIREWALLED = REPO / "tests" / "runner" / "firewalled.yaml"


@dataclass(frozen=True)
class Rehearsal:
    """What the module's one rehearsal left behind."""

    exit_code: int
    run_dir: Path
    printed: str
    keys: tuple[str, ...]
    state: dict[str, Any]

    def secrets(self) -> dict[str, str]:
        """Every secret of the run, by label; the invoice's fifth-last character onwards too."""
        found = {
            "old host password": PASSWORDS["old"],
            "new host password": PASSWORDS["new"],
            "account email": EMAIL,
            "invoice": INVOICE,
            "more than the invoice's last four characters": INVOICE[-5:],
        }
        found.update({f"activation key {n}": key for n, key in enumerate(self.keys, start=1)})
        return found


@contextlib.contextmanager
def _everything_printed() -> Iterator[io.StringIO]:
    """Capture sys.stdout/sys.stderr and file descriptors 1 and 2 (child processes too)."""
    buffer = io.StringIO()
    with tempfile.TemporaryFile() as raw:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(raw.fileno(), 1)
        os.dup2(raw.fileno(), 2)
        try:
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                yield buffer
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            raw.seek(0)
            buffer.write(raw.read().decode("utf-8", "replace"))


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Rehearsal:
    """One rehearsal of the firewalled runbook with known secrets and --trace on."""
    evidence = tmp_path_factory.mktemp("evidence")
    with Sandbox.start(
        faults=["licensing-down:new"],
        host_password=PASSWORDS,
        license_email=EMAIL,
        license_invoice=INVOICE,
    ) as sandbox:
        keys: list[str] = []
        provide = key_provider(sandbox)

        def recording(server_id: str, step: AddLicenseStep) -> str:
            keys.append(provide(server_id, step))
            return keys[-1]

        with _everything_printed() as printed:
            code = in_worker_thread(
                run_exit_code,
                FIREWALLED,
                env_file=None,
                environ={**os.environ, **sandbox.env()},
                activation_key_provider=recording,
                assume_yes=True,
                evidence_dir=evidence,
                trace=TraceMode.ON,
                **RUN_DEFAULTS,
            )
        state = sandbox.state()
    return Rehearsal(code, only_run_dir(evidence), printed.getvalue(), tuple(keys), state)


def _explain(findings: list[Finding]) -> str:
    return "\n".join(str(finding) for finding in findings)


class TestTheRehearsal:
    def test_it_moved_the_license_with_two_manual_activations(self, rehearsal: Rehearsal) -> None:
        """The scan below means something: the run typed every secret, two keys included."""
        assert rehearsal.exit_code == 0, rehearsal.printed[-2000:]
        assert "Evidence:" in rehearsal.printed
        held = holdings(rehearsal.state)
        assert held == {"old": [], "new": [("Production", INVOICE)]}
        assert len(rehearsal.keys) == 2
        assert all(len(key) > 64 for key in rehearsal.keys)


class TestNoSecretAnywhere:
    def test_not_in_any_byte_of_any_file_of_the_run_directory(self, rehearsal: Rehearsal) -> None:
        """Screenshots, journal, events, manifest, Server ID files, traces (every member), report."""
        files = sorted(p.name for p in rehearsal.run_dir.iterdir())
        assert {"report.html", "trace-old.zip", "trace-new.zip", "events.jsonl"} <= set(files)
        findings = SecretScanner(rehearsal.secrets()).scan_paths([rehearsal.run_dir])
        assert findings == [], _explain(findings)

    def test_not_in_anything_printed(self, rehearsal: Rehearsal) -> None:
        """The console, typer's output, and whatever the browser or the driver wrote."""
        findings = SecretScanner(rehearsal.secrets()).scan_text(
            rehearsal.printed, source="<printed>"
        )
        assert findings == [], _explain(findings)

    def test_the_invoice_shows_at_most_its_last_four_characters(self, rehearsal: Rehearsal) -> None:
        """Where the invoice is referred to, it is as its last four characters."""
        journal = (rehearsal.run_dir / "state.json").read_text(encoding="utf-8")
        assert INVOICE[-4:] in journal
        assert INVOICE[-5:] not in journal


class TestTraces:
    def _members(self, rehearsal: Rehearsal, server: str) -> dict[str, bytes]:
        with zipfile.ZipFile(rehearsal.run_dir / f"trace-{server}.zip") as archive:
            assert archive.testzip() is None
            return {name: archive.read(name) for name in archive.namelist()}

    def test_each_server_has_a_trace_chained_into_the_manifest(self, rehearsal: Rehearsal) -> None:
        """trace-old.zip and trace-new.zip are evidence files like the others."""
        manifest = json.loads((rehearsal.run_dir / "manifest.json").read_text())
        listed = {entry["file"] for entry in manifest["entries"]}
        assert {"trace-old.zip", "trace-new.zip"} <= listed
        assert verify_run_dir(rehearsal.run_dir).ok

    def test_the_typing_was_recorded_and_scrubbed(self, rehearsal: Rehearsal) -> None:
        """The traces hold the fill actions, their values replaced: the scrub had work to do."""
        for server in ("old", "new"):
            lines = self._members(rehearsal, server)["trace.trace"].decode().splitlines()
            events = [json.loads(line) for line in lines if line.strip()]
            fills = [
                e["params"]["value"]
                for e in events
                if e.get("method") == "fill" and "value" in e.get("params", {})
            ]
            assert REDACTED in fills, server
        new = self._members(rehearsal, "new")["trace.trace"].decode()
        assert new.count(REDACTED) >= 4  # password, email, invoice, activation keys

    def test_session_cookies_are_blanked(self, rehearsal: Rehearsal) -> None:
        """No session cookie value is left in the network log."""
        network = self._members(rehearsal, "old")["trace.network"].decode()
        cookies = [
            cookie
            for line in network.splitlines()
            if line.strip()
            for part in ("request", "response")
            for cookie in json.loads(line).get("snapshot", {}).get(part, {}).get("cookies", [])
        ]
        assert cookies
        assert {cookie["value"] for cookie in cookies} == {REDACTED}


class TestReport:
    def test_written_last_and_stating_the_ticket_hash(self, rehearsal: Rehearsal) -> None:
        """report.html is the manifest's last entry, after head.txt; the report and the console
        show the same ticket hash, the head of the entry before head.txt, and verify takes it."""
        manifest = json.loads((rehearsal.run_dir / "manifest.json").read_text())
        files = [entry["file"] for entry in manifest["entries"]]
        assert files[-2:] == ["head.txt", "report.html"]
        ticket = manifest["entries"][-3]["hash"]
        assert (rehearsal.run_dir / "head.txt").read_text() == f"{ticket}\n"
        report = (rehearsal.run_dir / "report.html").read_text(encoding="utf-8")
        assert ticket in report
        assert manifest["head"] not in report
        assert f"Ticket hash (record it in the change ticket): {ticket}" in rehearsal.printed
        assert verify_run_dir(rehearsal.run_dir, expect_head=ticket).ok

    def test_it_tells_the_whole_run(self, rehearsal: Rehearsal) -> None:
        """Every step, the Server ID recorded, the closed window and the traces are in it."""
        report = (rehearsal.run_dir / "report.html").read_text(encoding="utf-8")
        for step in (
            "preflight",
            "add-dev-on-new",
            "dns-cutover",
            "remove-prod-on-old",
            "add-prod-on-new",
            "remove-dev-on-new",
            "verify-new",
        ):
            assert f'id="step-{step}"' in report, step
        assert rehearsal.state["servers"]["new"]["server_id"][:64] in report
        assert "Closed" in report
        assert "trace-old.zip" in report
        assert "Completed" in report

    def test_one_changed_byte_of_the_report_breaks_verify(
        self, rehearsal: Rehearsal, tmp_path: Path
    ) -> None:
        """The report is covered by the chain like every other file."""
        copy = tmp_path / rehearsal.run_dir.name
        shutil.copytree(rehearsal.run_dir, copy)
        data = bytearray((copy / "report.html").read_bytes())
        data[len(data) // 2] ^= 1
        (copy / "report.html").write_bytes(bytes(data))
        problems = verify_run_dir(copy).problems
        assert len(problems) == 1
        assert problems[0].startswith("report.html was altered")

    def test_it_looks_whole_in_chromium_without_javascript(
        self, rehearsal: Rehearsal, tmp_path: Path
    ) -> None:
        """Every screenshot loads, nothing overflows sideways, no request leaves the file."""
        sizes, width, requests = in_worker_thread(
            _open_report, rehearsal.run_dir / "report.html", tmp_path / "report.png"
        )
        assert len(sizes) >= 12
        assert set(sizes) == {1280}
        assert width <= 1440
        assert (tmp_path / "report.png").stat().st_size > 100_000
        assert all(url.startswith(("file:", "data:")) for url in requests), requests


def _open_report(report: Path, shot: Path) -> tuple[list[int], int, list[str]]:
    """Open ``report`` with JavaScript off, as the run's own browser layer starts Chromium.

    Returns each image's natural width (0 if it did not load), the page's scroll width, and
    every URL requested.
    """
    with started_browser() as (browser, _choice):
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": 1440, "height": 900}
        )
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto(report.as_uri())
        sizes: list[int] = page.locator("figure img").evaluate_all(
            "imgs => imgs.map(img => img.complete ? img.naturalWidth : 0)"
        )
        width: int = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=shot, full_page=True)
        context.close()
    return sizes, width, requests
