"""wait_cutover's checks one by one, against a real HTTP server on 127.0.0.1 and a resolver
given to the step (the run-level tests are in test_wait_cutover_e2e.py)."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
import structlog

from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.exceptions import StepFailedError
from dnn_runbook.runbook import CutoverMarker, WaitCutoverStep
from dnn_runbook.runner.actions.cutover import wait
from dnn_runbook.runner.console import Console


@pytest.fixture
def site() -> Iterator[str]:
    """/cutover.txt says new-web01; every answer carries two X-Served-By values."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/cutover.txt"
            payload = b"served by new-web01" if found else b"not here"
            self.send_response(200 if found else 404)
            self.send_header("X-Served-By", "edge-7, WEB-NEW")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def context(resolve: Any = None) -> Any:
    return SimpleNamespace(
        console=Console(io.StringIO(), interactive=False),
        log=structlog.get_logger(),
        wait=lambda _s: None,
        options=SimpleNamespace(resolve=resolve),
    )


def step(url: str, **kwargs: Any) -> WaitCutoverStep:
    timing = {"timeout": timedelta(seconds=5), "interval": timedelta(seconds=5)}
    return WaitCutoverStep(id="cutover", index=4, line=1, url=url, **{**timing, **kwargs})


class TestMarker:
    def test_a_page_that_holds_the_text(self, site: str) -> None:
        marker = CutoverMarker(path="/cutover.txt", contains="new-web01")
        result = wait(context(), step(site, marker=marker))
        assert result.status is StepStatus.DONE
        assert "/cutover.txt answered with 'new-web01' in the page" in result.message

    def test_a_page_that_is_not_there(self, site: str) -> None:
        marker = CutoverMarker(path="/missing.txt", contains="new-web01")
        with pytest.raises(StepFailedError, match=r"/missing.txt answered HTTP 404\."):
            wait(context(), step(site, marker=marker))

    def test_one_of_several_header_values(self, site: str) -> None:
        """A proxy may add its own value: WEB-NEW among them is enough."""
        marker = CutoverMarker(header="x-served-by", value="WEB-NEW")
        assert wait(context(), step(site, marker=marker)).status is StepStatus.DONE

    def test_a_prefix_is_not_the_value(self, site: str) -> None:
        marker = CutoverMarker(header="X-Served-By", value="WEB")
        with pytest.raises(
            StepFailedError, match="answered with X-Served-By: edge-7, WEB-NEW, not WEB"
        ):
            wait(context(), step(site, marker=marker))


class TestAddress:
    def test_a_public_name_that_does_not_resolve(self) -> None:
        def resolve(host: str) -> frozenset[str]:
            if host == "new-web01.example.com":
                return frozenset({"203.0.113.20"})
            raise OSError(-2, "Name or service not known")

        with pytest.raises(
            StepFailedError,
            match=r"www\.example\.com does not resolve \(Name or service not known\)",
        ):
            wait(
                context(resolve),
                step("https://www.example.com/", address="new-web01.example.com"),
            )

    def test_both_addresses_of_a_round_robin_must_be_new(self) -> None:
        """Two A records, one still the old server's: not yet."""
        names = {
            "www.example.com": {"203.0.113.20", "192.0.2.10"},
            "203.0.113.20": {"203.0.113.20"},
        }
        with pytest.raises(
            StepFailedError, match=re.escape("192.0.2.10 is not an address of 203.0.113.20")
        ):
            wait(
                context(lambda host: frozenset(names[host])),
                step("https://www.example.com/", address="203.0.113.20"),
            )
