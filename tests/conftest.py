"""Shared fixtures: every browser in the tests starts exactly as a run's browser does."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Playwright

from dnn_runbook import browser


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
