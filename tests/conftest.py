"""Shared fixtures: every browser in the tests starts exactly as a run's browser does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Playwright

from dnn_runbook import browser

if TYPE_CHECKING:
    from dnn_runbook.sandbox import Sandbox


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that need no pytest-playwright fixture first, then those that do; in each
    group the long ones first (``slow``, then the other ``e2e``), in their order otherwise.

    Once a process has run a test with pytest-playwright's fixtures, its asyncio loop runs in
    the main thread and Playwright's sync API can no longer start there: the tests that run the
    tool in-process must come before. ``make test`` hands tests to its workers in this order,
    so every worker keeps it, and the minutes-long suites start at once on every worker
    instead of queueing at the end behind one of them.
    """

    def rank(item: pytest.Item) -> tuple[int, int]:
        group = 1 if "playwright" in getattr(item, "fixturenames", ()) else 0
        if item.get_closest_marker("slow"):
            return group, 0
        return group, 1 if item.get_closest_marker("e2e") else 2

    items.sort(key=rank)


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
