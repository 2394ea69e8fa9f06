"""wait_cutover through the whole runner: real Chromium against the sandbox, the public site's
name moved by a resolver the run is given, or its answers moved by a load balancer in front of
the sandbox's servers. The step must hold the run (and the old server's license) until the
public site is the new server's."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.sandbox import Sandbox
from tests.support import (
    RUN_DEFAULTS,
    SEED_RUNBOOK,
    holdings,
    in_worker_thread,
    journal,
    only_run_dir,
    run_exit_code,
)

pytestmark = pytest.mark.e2e

PUBLIC = "www.site.test"
#: In the sandbox both servers listen on 127.0.0.1; in this test's DNS the old server's
#: public address is a documentation address, the new server's is 127.0.0.1 (named here).
OLD_ADDRESS = "192.0.2.10"
NEW_NAME = "new-web.site.test"
NEW_ADDRESS = "127.0.0.1"


class MovingDns:
    """Resolves the public name to the old server's address for ``old_answers`` lookups, then
    to the new server's; records every lookup."""

    def __init__(self, old_answers: int) -> None:
        self.old_answers = old_answers
        self.lookups: list[str] = []

    def __call__(self, host: str) -> frozenset[str]:
        self.lookups.append(host)
        if host == NEW_NAME:
            return frozenset({NEW_ADDRESS})
        if host == PUBLIC:
            public = [h for h in self.lookups if h == PUBLIC]
            return frozenset({OLD_ADDRESS if len(public) <= self.old_answers else NEW_ADDRESS})
        raise OSError(-2, "Name or service not known")


def runbook_with(tmp_path: Path, check: str, timing: str) -> Path:
    """The seed runbook, its cut-over step checking ``check`` with ``timing``."""
    text = SEED_RUNBOOK.read_text()
    start = text.index("    address: ${DNN_NEW_URL}")
    end = text.index("  - id: remove-prod-on-old")
    path = tmp_path / "runbook.yaml"
    path.write_text(text[:start] + check + timing + text[end:])
    return path


def env(sandbox: Sandbox, site_url: str) -> dict[str, str]:
    return {**sandbox.env(), "DNN_SITE_URL": site_url}


def run(runbook: Path, environ: dict[str, str], evidence_dir: Path, **options: Any) -> int:
    options = {**RUN_DEFAULTS, "assume_yes": True, "evidence_dir": evidence_dir, **options}
    return in_worker_thread(run_exit_code, runbook, environ=environ, **options)


def waits_recorded(slept: list[float]) -> Any:
    """A clock that records the waits instead of sleeping them (the runner's own seam)."""
    return slept.append


class TestResolvedAddress:
    def test_times_out_while_the_public_name_points_at_old_then_resume_finishes(
        self, sandbox: Sandbox, tmp_path: Path, evidence_dir: Path
    ) -> None:
        """DNS still on old: the step fails (exit 1) saying what resolved to what, Production
        stays on old; once DNS has moved, --resume finishes the migration."""
        runbook = runbook_with(
            tmp_path, f"    address: {NEW_NAME}\n", "    timeout: 5s\n    interval: 5s\n"
        )
        environ = env(sandbox, f"http://{PUBLIC}/")
        code = run(runbook, environ, evidence_dir, resolve=MovingDns(old_answers=10**6))
        assert code == 1
        held = holdings(sandbox.state())
        assert [t for t, _ in held["old"]] == ["Production"]
        assert [t for t, _ in held["new"]] == ["Development"]
        run_dir = only_run_dir(evidence_dir)
        steps = {s["id"]: s for s in journal(run_dir)["steps"]}
        assert steps["wait-new-serving"]["status"] == "failed"
        message = steps["wait-new-serving"]["message"]
        assert f"{PUBLIC} resolves to {OLD_ADDRESS}" in message
        assert f"not an address of {NEW_NAME} ({NEW_ADDRESS})" in message
        assert "resume" in message
        assert steps["remove-prod-on-old"]["status"] == "pending"
        events = (run_dir / "events.jsonl").read_text()
        assert '"event": "cutover_poll"' in events
        assert f'"resolved": ["{OLD_ADDRESS}"]' in events

        dns = MovingDns(old_answers=0)
        code = run(runbook, environ, evidence_dir, resolve=dns, resume=run_dir)
        assert code == 0
        held = holdings(sandbox.state())
        assert held["old"] == []
        assert [t for t, _ in held["new"]] == ["Production"]
        assert PUBLIC in dns.lookups
        assert verify_run_dir(run_dir).ok

    def test_waits_until_the_public_name_moves_to_new(
        self, sandbox: Sandbox, tmp_path: Path, evidence_dir: Path
    ) -> None:
        """Two lookups still give old's address, the third new's: the step waits two intervals,
        then the run goes on and moves the license."""
        runbook = runbook_with(
            tmp_path, f"    address: {NEW_NAME}\n", "    timeout: 10m\n    interval: 7s\n"
        )
        slept: list[float] = []
        code = run(
            runbook,
            env(sandbox, f"https://{PUBLIC}/"),
            evidence_dir,
            resolve=MovingDns(old_answers=2),
            sleep=waits_recorded(slept),
        )
        assert code == 0
        assert slept.count(7.0) == 2
        held = holdings(sandbox.state())
        assert held["old"] == []
        assert [t for t, _ in held["new"]] == ["Production"]
        steps = {s["id"]: s for s in journal(only_run_dir(evidence_dir))["steps"]}
        message = steps["wait-new-serving"]["message"]
        assert "after 3 tries" in message
        assert f"{PUBLIC} resolves to {NEW_ADDRESS}, the address of {NEW_NAME}" in message


class LoadBalancer:
    """The public site: relays every GET to one of the sandbox's servers, the old one for the
    first ``old_answers`` requests, then the new one (as a load balancer switched over)."""

    def __init__(self, old: str, new: str, old_answers: int) -> None:
        self.backends = (old, new)
        self.old_answers = old_answers
        self.requests = 0

    def backend(self) -> str:
        self.requests += 1
        return self.backends[0 if self.requests <= self.old_answers else 1]


@pytest.fixture
def balancer(sandbox: Sandbox) -> Iterator[tuple[LoadBalancer, str]]:
    state = LoadBalancer(sandbox.old.url, sandbox.new.url, old_answers=2)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with httpx.Client(trust_env=False, timeout=10) as client:
                answer = client.get(state.backend() + self.path)
            self.send_response(answer.status_code)
            for name in ("X-Served-By", "Content-Type"):
                if name in answer.headers:
                    self.send_header(name, answer.headers[name])
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


MARKER = "    marker:\n      header: X-Served-By\n      value: WEB-NEW\n"


class TestMarker:
    def test_times_out_while_the_old_server_answers(
        self, sandbox: Sandbox, tmp_path: Path, evidence_dir: Path
    ) -> None:
        """The public site still answered by old (X-Served-By: WEB-OLD): exit 1, Production
        stays on old, the header seen is recorded."""
        runbook = runbook_with(tmp_path, MARKER, "    timeout: 5s\n    interval: 5s\n")
        code = run(runbook, env(sandbox, sandbox.old.url), evidence_dir)
        assert code == 1
        held = holdings(sandbox.state())
        assert [t for t, _ in held["old"]] == ["Production"]
        steps = {s["id"]: s for s in journal(only_run_dir(evidence_dir))["steps"]}
        assert steps["wait-new-serving"]["status"] == "failed"
        assert (
            "answered with X-Served-By: WEB-OLD, not WEB-NEW"
            in (steps["wait-new-serving"]["message"])
        )

    def test_passes_once_the_balancer_sends_the_site_to_new(
        self,
        sandbox: Sandbox,
        tmp_path: Path,
        evidence_dir: Path,
        balancer: tuple[LoadBalancer, str],
    ) -> None:
        """The balancer answers from old twice, then from new: the third poll sees WEB-NEW and
        the run moves the license."""
        state, url = balancer
        runbook = runbook_with(tmp_path, MARKER, "    timeout: 10m\n    interval: 3s\n")
        slept: list[float] = []
        code = run(runbook, env(sandbox, url), evidence_dir, sleep=waits_recorded(slept))
        assert code == 0
        assert state.requests == 3
        assert slept.count(3.0) == 2
        assert [t for t, _ in holdings(sandbox.state())["new"]] == ["Production"]
        run_dir = only_run_dir(evidence_dir)
        steps = {s["id"]: s for s in journal(run_dir)["steps"]}
        assert "answered with X-Served-By: WEB-NEW" in steps["wait-new-serving"]["message"]
        assert '"marker_seen": "X-Served-By: WEB-OLD"' in (run_dir / "events.jsonl").read_text()


class TestSeedRunbook:
    def test_holds_production_on_old_while_the_public_name_points_at_old(
        self, sandbox: Sandbox, evidence_dir: Path
    ) -> None:
        """Finding 5: the seed runbook's cut-over wait used to poll the new server's own
        address, which answers whatever DNS says, and the run then removed Production from old.
        Now, with the public name still on old's address, it polls its 61 times (5m every 5s)
        and stops; old keeps Production."""
        slept: list[float] = []
        dns = {PUBLIC: OLD_ADDRESS, NEW_ADDRESS: NEW_ADDRESS}
        code = run(
            SEED_RUNBOOK,
            env(sandbox, f"https://{PUBLIC}/"),
            evidence_dir,
            resolve=lambda host: frozenset({dns[host]}),
            sleep=waits_recorded(slept),
        )
        assert code == 1
        assert slept.count(5.0) == 60
        held = holdings(sandbox.state())
        assert [t for t, _ in held["old"]] == ["Production"]
        steps = {s["id"]: s for s in journal(only_run_dir(evidence_dir))["steps"]}
        assert steps["wait-new-serving"]["status"] == "failed"
        assert steps["remove-prod-on-old"]["status"] == "pending"
