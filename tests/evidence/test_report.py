"""report.html: built from the run directory alone, self-contained, escaped, redacted, chained."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import shutil
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.evidence.journal import Journal, RunStatus, StepStatus
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.redact import REDACTED, Redactor, SecretScanner
from dnn_runbook.evidence.report import write_report
from dnn_runbook.evidence.run_dir import create_run_dir
from dnn_runbook.evidence.verify import verify_run_dir
from tests.evidence.conftest import binding_of

PASSWORD = "Pw&<Zq9>\"x'-report"
INVOICE = "INV7Q4Z9-3"
EMAIL = "ledger.k7q+audit@example.org"
SECRETS = {"password": PASSWORD, "invoice": INVOICE, "email": EMAIL}
RUNBOOK = "version: 1\nname: migrate-license\n"
RUNBOOK_SHA = hashlib.sha256(RUNBOOK.encode()).hexdigest()
T0 = "2026-11-29T21:24:06.000Z"


@functools.cache
def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour, so that a browser can show it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


@dataclass
class FakeRun:
    """A run directory written through the real manifest and journal APIs."""

    run_dir: Path
    manifest: Manifest
    journal: Journal
    events: list[dict[str, object]]

    def event(self, event: str, step_id: str | None = None, **fields: object) -> None:
        record: dict[str, object] = {**fields, "event": event, "run_id": self.journal.run_id}
        if step_id is not None:
            record["step_id"] = step_id
        record.setdefault("level", "info")
        record.setdefault("timestamp", "2026-11-29T21:24:07.000000Z")
        self.events.append(record)

    def shot(self, step_id: str, name: str, rgb: tuple[int, int, int]) -> None:
        self.manifest.write_file(name, png(1280, 860, rgb), step_id)
        self.journal.record(step_id).screenshots.append(name)

    def finish(self, status: RunStatus) -> None:
        self.journal.status = status
        self.journal.finished = "2026-11-29T21:25:01.500Z"
        self.journal.save()
        lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in self.events)
        (self.run_dir / "events.jsonl").write_text(lines, encoding="utf-8")
        self.manifest.add("events.jsonl")
        self.manifest.add("state.json")


def _table(server: str, *rows: tuple[str, str]) -> dict[str, object]:
    return {
        "server": server,
        "licensing_reachable": True,
        "licenses": [
            {
                "type": kind,
                "invoice": invoice,
                "web_server": f"WEB-{server.upper()}",
                "activated": True,
                "expires": "2027-11-29",
            }
            for kind, invoice in rows
        ],
    }


@pytest.fixture
def make_run(tmp_path: Path) -> Callable[..., FakeRun]:
    """``make_run(status)``: a three-step run that ended with ``status`` after step 2."""

    def make(status: RunStatus = RunStatus.DONE) -> FakeRun:
        runbook = tmp_path / "runbook.yaml"
        runbook.write_text(RUNBOOK)
        run_dir = create_run_dir(tmp_path / "screenshots", "migrate-license", datetime.now(UTC))
        manifest = Manifest.create(
            run_dir, run_dir.name, binding_of("migrate-license", RUNBOOK_SHA)
        )
        journal = Journal.create(
            run_dir,
            run_id=run_dir.name,
            runbook_name="migrate-license",
            runbook_sha256=RUNBOOK_SHA,
            runbook_path=str(runbook),
            steps=[
                (1, "preflight", "preflight"),
                (2, "add-dev-on-new", "add_license"),
                (3, "remove-prod-on-old", "remove_license"),
            ],
        )
        journal.started = T0
        run = FakeRun(run_dir, manifest, journal, [])
        run.event("run_started", runbook="migrate-license", user="auditor", host="ops-host-7")
        run.event("browser_started", browser="/usr/bin/chromium", version="156.0.1")
        preflight = journal.record("preflight")
        preflight.status, preflight.message = StepStatus.DONE, "Servers ready."
        preflight.started, preflight.finished = T0, "2026-11-29T21:24:10.250Z"
        run.event("step_started", "preflight", description="Preflight, changing nothing.")
        run.event("license_table_read", "preflight", **_table("old", ("Production", "••••Z9-3")))
        run.event("license_table_read", "preflight", **_table("new"))
        run.shot("preflight", "01-preflight-old.png", (200, 30, 30))
        add = journal.record("add-dev-on-new")
        add.started, add.finished = "2026-11-29T21:24:10.300Z", "2026-11-29T21:24:13.100Z"
        add.attempts = 1
        run.event("step_started", "add-dev-on-new", description="Add a Development license.")
        run.shot("add-dev-on-new", "02-add-dev-on-new-before.png", (30, 200, 30))
        run.shot("add-dev-on-new", "02-add-dev-on-new-after.png", (30, 30, 200))
        if status is RunStatus.DONE:
            add.status, add.message = StepStatus.DONE, "Activated the Development license on new."
            add.notification = "Development License has been activated successfully."
            journal.development_activated = "2026-11-29T21:24:13.000Z"
            journal.development_removed = "2026-11-29T21:24:55.000Z"
            remove = journal.record("remove-prod-on-old")
            remove.status, remove.message = StepStatus.DONE, "Removed."
            remove.started, remove.finished = "2026-11-29T21:24:14Z", "2026-11-29T21:24:16Z"
        else:
            add.status = StepStatus.FAILED
            add.message = "Step 'add-dev-on-new': the page said: <b>no</b>"
            run.event("step_stopped", "add-dev-on-new", level="error", error=add.message)
        run.event("run_finished", status=status.value)
        run.finish(status)
        return run

    return make


def _report(run: FakeRun, **kwargs: object) -> str:
    name = write_report(run.manifest, redactor=Redactor(SECRETS.values()), **kwargs)  # type: ignore[arg-type]
    return (run.run_dir / name).read_text(encoding="utf-8")


class TestContent:
    def test_shows_runbook_operator_times_and_steps(self, make_run: Callable[..., FakeRun]) -> None:
        """Name, SHA-256, OS user and host, UTC start/end, each step's outcome and duration."""
        page = _report(make_run())
        for expected in (
            "migrate-license",
            RUNBOOK_SHA,
            "auditor",
            "ops-host-7",
            "2026-11-29 21:24:06 UTC",
            "2026-11-29 21:25:01 UTC",
            "add-dev-on-new",
            "Development License has been activated successfully.",
            "2.8 s",
            "Completed",
            "/usr/bin/chromium 156.0.1",
        ):
            assert expected in page, expected

    def test_screenshots_are_embedded_and_nothing_is_fetched(
        self, make_run: Callable[..., FakeRun]
    ) -> None:
        """Every image is a data: URI of the file's exact bytes; no script, link or URL fetch."""
        run = make_run()
        page = _report(run)
        sources = re.findall(r'<img src="([^"]+)"', page)
        assert len(sources) == 3
        for source, name in zip(
            sources,
            ["01-preflight-old.png", "02-add-dev-on-new-before.png", "02-add-dev-on-new-after.png"],
            strict=True,
        ):
            prefix = "data:image/png;base64,"
            assert source.startswith(prefix)
            assert base64.b64decode(source[len(prefix) :]) == (run.run_dir / name).read_bytes()
        assert "<script" not in page.lower()
        assert "<link" not in page.lower()
        assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
        assert "url(" not in page

    def test_before_and_after_sit_side_by_side(self, make_run: Callable[..., FakeRun]) -> None:
        """The step's before and after screenshots share one row, before first."""
        page = _report(make_run())
        row = page.split("Before and after", 1)[1].split("</div>", 1)[0]
        assert row.index("02-add-dev-on-new-before.png") < row.index("02-add-dev-on-new-after.png")

    def test_license_tables_and_final_state(self, make_run: Callable[..., FakeRun]) -> None:
        """The tables read are shown per step, and the last one of each server as final state."""
        page = _report(make_run())
        final = page.split("<h2>Final state</h2>", 1)[1]
        assert "WEB-OLD" in final
        assert "••••Z9-3" in final
        assert "No license." in final

    def test_development_window_closed(self, make_run: Callable[..., FakeRun]) -> None:
        """The window from Development activation to removal is shown with its length."""
        page = _report(make_run())
        window = page.split("Development-license window", 1)[1].split("</section>", 1)[0]
        assert "Closed" in window
        assert "42.0 s" in window

    def test_failed_run_says_where_and_why(self, make_run: Callable[..., FakeRun]) -> None:
        """A failed run's report shows the stopping step, its reason, and the steps not run."""
        page = _report(make_run(RunStatus.FAILED))
        # The step is named once: the error's own "Step 'add-dev-on-new': " is not repeated.
        assert (
            "Stopped at step 2 <code>add-dev-on-new</code>:</b> the page said: &lt;b&gt;no&lt;/b&gt;"
        ) in page
        assert "Not run" in page
        assert "not activated as a Development license" in page


class TestSafety:
    def test_every_text_is_escaped(self, make_run: Callable[..., FakeRun]) -> None:
        """Markup in a message is shown as text, never interpreted."""
        run = make_run()
        run.journal.record("preflight").message = "<img src=x onerror=alert(1)>"
        run.journal.save()
        run.manifest.add("state.json")
        page = _report(run)
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page

    def test_secrets_in_events_are_redacted(self, make_run: Callable[..., FakeRun]) -> None:
        """Even a secret that slipped into the journal or events never reaches the report."""
        run = make_run()
        run.journal.record("preflight").message = f"typed {PASSWORD} for {EMAIL}"
        run.journal.save()
        run.manifest.add("state.json")
        page = _report(run)
        assert SecretScanner(SECRETS).scan_text(page) == []
        assert f"typed {REDACTED} for {REDACTED}" in page

    def test_invoices_show_their_last_four_characters_at_most(
        self, make_run: Callable[..., FakeRun]
    ) -> None:
        """A license table event with a whole invoice is cut to four characters in the report."""
        run = make_run()
        run.event("license_table_read", "preflight", **_table("old", ("Test", "INV123456-7")))
        run.finish(RunStatus.DONE)
        page = write_report(run.manifest, redactor=Redactor([]))
        text = (run.run_dir / page).read_text()
        assert "INV123456-7" not in text
        assert "3456-7" not in text
        assert "••••56-7" in text

    def test_only_files_the_manifest_lists_are_embedded(
        self, make_run: Callable[..., FakeRun], tmp_path: Path
    ) -> None:
        """A journal naming a file outside the run directory cannot pull it into the report."""
        outside = tmp_path / "outside-secret.txt"
        outside.write_text("private key material")
        run = make_run()
        record = json.loads((run.run_dir / "state.json").read_text())
        record["steps"][0]["screenshots"] += ["../../outside-secret.txt", "missing.png"]
        (run.run_dir / "state.json").write_text(json.dumps(record))
        run.manifest.add("state.json")
        page = _report(run)
        assert "private key material" not in page
        assert "../../outside-secret.txt is not in the manifest, so it is not shown" in page
        assert "missing.png is not in the manifest" in page


class TestChain:
    def test_report_is_chained_last_and_states_the_head_before_it(
        self, make_run: Callable[..., FakeRun]
    ) -> None:
        """The report names the head before it was added; the final head then covers it."""
        run = make_run()
        head_before = run.manifest.head
        page = _report(run)
        assert head_before in page
        assert run.manifest.entries[-1].file == "report.html"
        assert run.manifest.entries[-1].prev == head_before
        assert verify_run_dir(run.run_dir).ok

    def test_a_second_report_never_overwrites_the_first(
        self, make_run: Callable[..., FakeRun]
    ) -> None:
        """report.html stays; the next one is report-2.html, chained after it."""
        run = make_run()
        first = _report(run)
        write_report(run.manifest, redactor=Redactor([]))
        assert (run.run_dir / "report.html").read_text(encoding="utf-8") == first
        assert [e.file for e in run.manifest.entries[-2:]] == ["report.html", "report-2.html"]
        assert verify_run_dir(run.run_dir).ok

    def test_a_rebuilt_report_lists_the_earlier_one_as_evidence(
        self, make_run: Callable[..., FakeRun]
    ) -> None:
        """report.html is evidence like any file: report-2.html lists it with its SHA-256."""
        run = make_run()
        _report(run)
        digest = run.manifest.entries[-1].sha256
        name = write_report(run.manifest, redactor=Redactor([]))
        files = (run.run_dir / name).read_text(encoding="utf-8").split("evidence files", 1)[1]
        assert "report.html" in files
        assert digest in files


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["report", *args], terminal_width=200)
    return result.exit_code, result.output


class TestReportCommand:
    def test_rebuild_writes_report_2_and_chains_it(self, make_run: Callable[..., FakeRun]) -> None:
        """exit 0; report-2.html next to report.html; the run directory still verifies, its
        SHA256SUMS too."""
        run = make_run()
        _report(run)
        code, out = _cli(str(run.run_dir))
        assert code == 0, out
        assert (
            f"{run.run_dir / 'report-2.html'}: written and chained after the ticket; the run "
            "recorded no ticket hash." in out
        )
        assert "report-2.html" in (run.run_dir / "SHA256SUMS").read_text()
        assert verify_run_dir(run.run_dir).ok

    def test_refuses_evidence_that_does_not_verify(self, make_run: Callable[..., FakeRun]) -> None:
        """exit 1, naming the problem, and no report is written."""
        run = make_run()
        (run.run_dir / "01-preflight-old.png").write_bytes(png(128, 86, (0, 0, 0)))
        code, out = _cli(str(run.run_dir))
        assert code == 1
        assert "01-preflight-old.png was altered" in out
        assert "--force" in out
        assert not list(run.run_dir.glob("report*.html"))

    def test_force_builds_a_report_marked_in_red(self, make_run: Callable[..., FakeRun]) -> None:
        """--force: the report says it was built from evidence that does not verify, and why."""
        run = make_run()
        (run.run_dir / "01-preflight-old.png").write_bytes(png(128, 86, (0, 0, 0)))
        code, out = _cli(str(run.run_dir), "--force")
        assert code == 0, out
        page = (run.run_dir / "report.html").read_text(encoding="utf-8")
        assert "does NOT verify" in page
        assert "01-preflight-old.png was altered" in page
        assert "ALTERED: does not match the manifest" in page
        problems = verify_run_dir(run.run_dir).problems
        assert len(problems) == 1
        assert "01-preflight-old.png was altered" in problems[0]

    def test_force_with_a_broken_chain_writes_but_cannot_chain(
        self, make_run: Callable[..., FakeRun]
    ) -> None:
        """A chain that cannot be continued: the report is written, and said to be unchained."""
        run = make_run()
        document = json.loads((run.run_dir / "manifest.json").read_text())
        document["entries"][0]["size"] += 1
        (run.run_dir / "manifest.json").write_text(json.dumps(document, indent=2) + "\n")
        code, out = _cli(str(run.run_dir), "--force")
        assert code == 0, out
        assert "NOT chained" in out
        assert "does NOT verify" in (run.run_dir / "report.html").read_text(encoding="utf-8")

    def test_not_a_run_directory_exits_2(self, tmp_path: Path) -> None:
        """A folder without manifest.json is not evidence: exit 2."""
        code, out = _cli(str(tmp_path))
        assert code == 2
        assert "not a run directory" in out

    def test_redacts_with_the_runbooks_secrets(
        self, make_run: Callable[..., FakeRun], tmp_path: Path
    ) -> None:
        """With the run's runbook and env file, a secret that slipped into the journal goes."""
        run = make_run()
        runbook = tmp_path / "real.yaml"
        runbook.write_text((Path(__file__).parents[2] / "runbook.yaml").read_text())
        env = tmp_path / "run.env"
        env.write_text(
            "".join(
                f"{key}={value}\n"
                for key, value in {
                    "DNN_OLD_URL": "http://127.0.0.1:1",
                    "DNN_NEW_URL": "http://127.0.0.1:2",
                    "DNN_SITE_URL": "http://127.0.0.1:2",
                    "DNN_OLD_USERNAME": "host",
                    "DNN_OLD_PASSWORD": "only-in-the-env-file-91",
                    "DNN_NEW_USERNAME": "host",
                    "DNN_NEW_PASSWORD": "another-one-in-the-env-77",
                    "DNN_LICENSE_EMAIL": EMAIL,
                    "DNN_LICENSE_INVOICE": INVOICE,
                }.items()
            )
        )
        record = json.loads((run.run_dir / "state.json").read_text())
        record["runbook"]["sha256"] = hashlib.sha256(runbook.read_bytes()).hexdigest()
        record["runbook"]["path"] = str(runbook)
        record["steps"][0]["message"] = "slipped: only-in-the-env-file-91"
        (run.run_dir / "state.json").write_text(json.dumps(record))
        run.manifest.add("state.json")
        code, out = _cli(str(run.run_dir), "--env-file", str(env))
        assert code == 0, out
        assert f"Redacting with the secrets of {runbook}" in out
        page = (run.run_dir / "report.html").read_text(encoding="utf-8")
        assert "only-in-the-env-file-91" not in page
        assert f"slipped: {REDACTED}" in page

    def test_without_the_runbook_it_still_builds_and_says_so(
        self, make_run: Callable[..., FakeRun]
    ) -> None:
        """The recorded runbook changed: the report is built all the same, the output says so."""
        run = make_run()
        Path(run.journal.runbook_path).write_text(RUNBOOK + "# edited\n")
        code, out = _cli(str(run.run_dir))
        assert code == 0, out
        assert "is not the runbook the run used" in out


@pytest.mark.e2e
class TestHostileRunDirectories:
    def test_force_never_follows_a_linked_folder_out_of_the_run(
        self, make_run: Callable[..., FakeRun], tmp_path: Path
    ) -> None:
        """A chained screenshot's folder replaced by a link to a folder outside: report --force
        says so and embeds nothing from outside."""
        run = make_run()
        run.shot("preflight", "shots/01-preflight-new.png", (10, 20, 30))
        run.journal.save()
        run.manifest.add("state.json")
        outside = tmp_path / "outside"
        outside.mkdir()
        secret_png = png(64, 43, (1, 2, 3))
        (outside / "01-preflight-new.png").write_bytes(secret_png)
        shutil.rmtree(run.run_dir / "shots")
        (run.run_dir / "shots").symlink_to(outside, target_is_directory=True)
        code, out = _cli(str(run.run_dir), "--force")
        assert code == 0, out
        page = (run.run_dir / "report.html").read_text(encoding="utf-8")
        assert base64.b64encode(secret_png).decode() not in page
        assert "reached through a link" in page

    @pytest.mark.parametrize(
        "line",
        ["[" * 100_000 + "]" * 100_000, '{"n": ' + "9" * 5000 + "}", '{"event": "\u2028"}'],
    )
    def test_a_crafted_events_file_is_noted_not_a_traceback(
        self, make_run: Callable[..., FakeRun], line: str
    ) -> None:
        """Deeply nested or huge-number lines in events.jsonl: report --force builds the
        report and notes the lines it could not read."""
        run = make_run()
        with (run.run_dir / "events.jsonl").open("a", encoding="utf-8") as stream:
            stream.write(line + "\n")
        code, out = _cli(str(run.run_dir), "--force")
        assert code == 0, out
        assert "Traceback" not in out

    @pytest.mark.skipif(os.name != "posix", reason="FIFOs")
    def test_a_fifo_in_place_of_the_events_does_not_hang(
        self, make_run: Callable[..., FakeRun]
    ) -> None:
        """events.jsonl replaced by a named pipe: verify names it, report --force goes on."""
        run = make_run()
        (run.run_dir / "events.jsonl").unlink()
        os.mkfifo(run.run_dir / "events.jsonl")
        code, out = _cli(str(run.run_dir), "--force")
        assert code == 0, out
        assert "events.jsonl is not a regular file" in out

    def test_a_rebuilt_report_keeps_the_ticket_hash(self, make_run: Callable[..., FakeRun]) -> None:
        """The head the run said to record (head.txt) stays true after a rebuild, and the
        rebuilt report shows that same head."""
        run = make_run()
        ticket = run.manifest.head
        run.manifest.write_file("head.txt", f"{ticket}\n")
        _report(run)
        code, out = _cli(str(run.run_dir))
        assert code == 0, out
        assert f"the ticket hash stays {ticket} (head.txt)" in out
        assert ticket in (run.run_dir / "report-2.html").read_text(encoding="utf-8")
        assert verify_run_dir(run.run_dir, expect_head=ticket).ok

    def test_report_waits_for_nobody_it_is_refused_while_a_run_holds_the_lock(
        self, make_run: Callable[..., FakeRun]
    ) -> None:
        """A run directory a process holds is not written to by report: exit 2."""
        from dnn_runbook.evidence.lock import RunLock

        run = make_run()
        with RunLock.acquire(run.run_dir):
            code, out = _cli(str(run.run_dir))
        assert code == 2
        assert "is in use by process" in out


class TestInTheBrowser:
    def test_it_renders_without_javascript_and_zooms_on_click(
        self, make_run: Callable[..., FakeRun], browser: Browser, tmp_path: Path
    ) -> None:
        """With JavaScript off, every image loads and a click shows one full size, then closes."""
        run = make_run()
        name = write_report(run.manifest, redactor=Redactor([]))
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": 1200, "height": 800}
        )
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto((run.run_dir / name).as_uri())
        images = page.locator("figure img")
        assert images.count() == 3
        for index in range(3):
            assert images.nth(index).evaluate("img => img.complete && img.naturalWidth") == 1280
        small = images.nth(0).bounding_box()
        assert small is not None
        assert small["width"] < 600
        images.nth(0).click()
        big = images.nth(0).bounding_box()
        assert big is not None
        # As large as fits in 96% of the 1200 x 800 window: here the height decides.
        assert big["width"] == pytest.approx(0.96 * 800 * 1280 / 860, abs=2)
        assert images.nth(0).evaluate("img => getComputedStyle(img).position") == "fixed"
        images.nth(0).click()
        assert images.nth(0).evaluate("img => getComputedStyle(img).position") == "static"
        assert all(url.startswith(("file:", "data:")) for url in requests), requests
        context.close()
