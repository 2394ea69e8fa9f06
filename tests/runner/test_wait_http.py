"""wait_http against a real HTTP server on 127.0.0.1 that answers as the cut-over progresses."""

from __future__ import annotations

import io
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
from dnn_runbook.runbook import WaitHttpStep
from dnn_runbook.runner.actions.http import wait
from dnn_runbook.runner.console import Console


class Site:
    """Answers 503 for the first ``failures`` requests, then 200 with ``body``."""

    def __init__(self, failures: int, body: str) -> None:
        self.failures = failures
        self.body = body
        self.requests = 0


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    state = Site(failures=2, body="Welcome to the new server")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests += 1
            ok = state.requests > state.failures
            payload = (state.body if ok else "not yet").encode()
            self.send_response(200 if ok else 503)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def context(slept: list[float]) -> Any:
    return SimpleNamespace(
        console=Console(io.StringIO(), interactive=False),
        log=structlog.get_logger(),
        wait=slept.append,
    )


def step(url: str, **kwargs: Any) -> WaitHttpStep:
    return WaitHttpStep(id="wait", index=4, line=1, url=url, **kwargs)


class TestWaitHttp:
    def test_polls_until_the_site_answers(self, site: tuple[Site, str]) -> None:
        """Two 503s, then 200: three polls, two waits of the configured interval."""
        state, url = site
        slept: list[float] = []
        result = wait(context(slept), step(url, interval=timedelta(seconds=3)))
        assert result.status is StepStatus.DONE
        assert "after 3 tries" in result.message
        assert state.requests == 3
        assert slept == [3.0, 3.0]

    def test_contains_must_match_too(self, site: tuple[Site, str]) -> None:
        """A 200 without the expected text is not the new server yet; the step times out."""
        state, url = site
        state.failures = 0
        slept: list[float] = []
        with pytest.raises(StepFailedError, match="without 'served by WEB-NEW'"):
            wait(
                context(slept),
                step(
                    url,
                    contains="served by WEB-NEW",
                    interval=timedelta(seconds=1),
                    timeout=timedelta(seconds=0),
                ),
            )
        assert state.requests == 1

    def test_no_answer_at_all_is_reported(self) -> None:
        """A URL nobody listens on fails after the timeout, saying there was no answer."""
        with pytest.raises(StepFailedError, match="no answer"):
            wait(context([]), step("http://127.0.0.1:9/", timeout=timedelta(seconds=0)))
