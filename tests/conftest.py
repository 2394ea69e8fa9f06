"""Shared fixtures: every browser in the tests starts exactly as a run's browser does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Playwright

from dnn_runbook import browser

if TYPE_CHECKING:
    from dnn_runbook.sandbox import Sandbox


@pytest.fixture(scope="session")
def browser_choice(playwright: Playwright) -> browser.BrowserChoice:
    """The browser the tests use, found by the same discovery as ``dnn-runbook``."""
    return browser.find_browser(playwright_executable=lambda: playwright.chromium.executable_path)


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], browser_choice: browser.BrowserChoice
) -> dict[str, Any]:
    """pytest-playwright's launch options, with the project's browser and flags."""
    options = browser.launch_options(browser_choice)
    options.pop("headless")  # pytest-playwright's --headed decides that
    return {**browser_type_launch_args, **options}


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., Sandbox]]:
    """Start sandboxes with ``Sandbox.start``'s keyword arguments; all stop after the test."""
    from dnn_runbook.sandbox import Sandbox  # imported here: most tests need no web stack

    started: list[Sandbox] = []

    def start(**kwargs: Any) -> Sandbox:
        sandbox = Sandbox.start(**kwargs)
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., Sandbox]) -> Sandbox:
    """A fresh sandbox (old server licensed, new server empty, no faults), stopped after the test."""
    return sandbox_factory()
