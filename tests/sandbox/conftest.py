"""Helpers for the sandbox's tests: log in through the real login page, open About."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import FrameLocator, Page

from dnn_runbook.sandbox import ServerInfo
from tests.sandbox.menu import open_about_by_hand

Login = Callable[..., None]
OpenAbout = Callable[[Page, ServerInfo], FrameLocator]


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain HTTP client that never goes through a proxy from the environment."""
    with httpx.Client(trust_env=False, timeout=30) as client:
        yield client


@pytest.fixture
def login() -> Login:
    """Log ``page`` in to ``server`` through the login form (host account unless told)."""

    def do(
        page: Page, server: ServerInfo, *, username: str | None = None, password: str | None = None
    ) -> None:
        page.goto(f"{server.url}/Login")
        page.locator("#dnn_ctr_Login_Login_DNN_txtUsername").fill(username or server.username)
        page.locator("#dnn_ctr_Login_Login_DNN_txtPassword").fill(password or server.password)
        page.locator("#dnn_ctr_Login_Login_DNN_cmdLogin").click()
        page.wait_for_url(f"{server.url}/")

    return do


def open_about_panel(page: Page) -> FrameLocator:
    """Hover Settings, click About, and wait until the table or the empty state shows."""
    bar = open_about_by_hand(page)
    bar.locator("#Licensing-panel .licensing-table-box > *").wait_for()
    return bar


@pytest.fixture
def open_about(login: Login) -> OpenAbout:
    """Log in to ``server`` as host and open Settings > About; return the Persona Bar frame."""

    def do(page: Page, server: ServerInfo) -> FrameLocator:
        login(page, server)
        return open_about_panel(page)

    return do
