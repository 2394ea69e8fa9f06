"""A session's reads against the sandbox: the login and Settings > About pressed ahead for
preflight, and how long ago About was loaded afresh with nothing done on it since."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from dnn_runbook.browser.sessions import ServerSession
from dnn_runbook.exceptions import LoginFailedError
from dnn_runbook.runbook import ServerSpec
from dnn_runbook.runbook.secrets import Secret, SecretKind
from dnn_runbook.sandbox import Sandbox

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def reads_sandbox() -> Iterator[Sandbox]:
    with Sandbox.start() as sandbox:
        yield sandbox


def _session(
    browser: Browser, sandbox: Sandbox, server: str, password: str | None = None
) -> ServerSession:
    info = sandbox.server(server)
    spec = ServerSpec(
        name=server,
        url=info.url,
        username=info.username,
        password=Secret(info.password if password is None else password, SecretKind.PASSWORD),
    )
    return ServerSession(browser, spec, timeout_ms=30_000)


def _history(sandbox: Sandbox, kind: str, server: str) -> int:
    return sum(
        1
        for event in sandbox.state()["history"]
        if event["kind"] == kind and event["server"] == server
    )


def test_login_and_about_pressed_ahead_are_awaited_by_the_read(
    browser: Browser, reads_sandbox: Sandbox
) -> None:
    """Two starts press the login, then await it and press About; the read then finds About
    open and the table there, having logged in once."""
    session = _session(browser, reads_sandbox, "new")
    try:
        before = _history(reads_sandbox, "login", "new")
        session.start_fresh_read()
        session.start_fresh_read()
        assert session.logins == 1
        about = session.about(reload=True)
        assert about.is_open()
        assert about.licenses() == []
        assert session.logins == 1
        assert _history(reads_sandbox, "login", "new") == before + 1
    finally:
        session.close()


def test_a_refused_login_pressed_ahead_is_raised_by_the_read_and_never_sent_again(
    browser: Browser, reads_sandbox: Sandbox
) -> None:
    """A wrong password pressed ahead stops nothing at once: each read after it raises the
    page's refusal, and the sandbox saw one failed login only."""
    session = _session(browser, reads_sandbox, "old", password="Not-The-Password-1")
    try:
        before = _history(reads_sandbox, "login_failed", "old")
        session.start_fresh_read()
        session.start_fresh_read()
        for _ in range(2):
            with pytest.raises(LoginFailedError):
                session.about(reload=True)
            session.start_fresh_read()
        assert _history(reads_sandbox, "login_failed", "old") == before + 1
    finally:
        session.close()


def test_fresh_age_counts_from_a_fresh_load_until_the_page_is_handed_out_to_act_on(
    browser: Browser, reads_sandbox: Sandbox
) -> None:
    """fresh_age() is None before any load and once about(reload=False) has handed the page
    out (a click may follow); after about(reload=True) it counts from that load."""
    session = _session(browser, reads_sandbox, "old")
    try:
        assert session.fresh_age() is None
        loaded = session.about(reload=True)
        age = session.fresh_age()
        assert age is not None
        assert 0 <= age < 5
        assert session.shown_about() is loaded
        session.about(reload=False)
        assert session.fresh_age() is None
        session.about(reload=True)
        assert session.fresh_age() is not None
    finally:
        session.close()


def test_a_sessions_persona_bar_does_not_animate(browser: Browser, reads_sandbox: Sandbox) -> None:
    """A run's tabs have the bar's animations off (pages.skip_animations), in the first
    document of the bar and in every one a fresh read loads."""
    session = _session(browser, reads_sandbox, "old")
    fx_off = "() => Boolean(window.jQuery && window.jQuery.fx.off)"
    try:
        for _ in range(2):
            session.about(reload=True)
            bar = session.page.frame_locator("iframe#personaBar-iframe").locator("body")
            assert bar.evaluate(fx_off) is True
    finally:
        session.close()
