"""The browser layer: the only code besides ``pages/`` that touches Playwright.

- :mod:`~dnn_runbook.browser._launch`: finding a Chromium, Chrome or Edge and starting it with
  the project's flags (``python -m dnn_runbook.browser`` prints the choice);
- :mod:`~dnn_runbook.browser.sessions`: one logged-in browser context per DNN server, its
  masked screenshots and its trace;
- :mod:`~dnn_runbook.browser.guard`: the read-only guard, an allow-list over a context's
  requests (``check``, and the capture after a run);
- :mod:`~dnn_runbook.browser.capture`: what the pages looked like, for a capture file.

Everything above this layer (the runner, the evidence, the application) gets plain values
and page objects from here, never a Playwright object of its own making; a ruff rule
(``banned-api``) and an import-linter contract keep it so.
"""

from __future__ import annotations

from dnn_runbook.browser._launch import (
    ENV_BROWSER,
    FIX_COMMAND,
    BrowserChoice,
    expected_chromium_version,
    find_browser,
    launch,
    launch_args,
    launch_options,
    main,
    major,
    named_browser_problem,
    playwright_version,
    smoke_test,
    started_browser,
    system_locations,
)

__all__ = [
    "ENV_BROWSER",
    "FIX_COMMAND",
    "BrowserChoice",
    "expected_chromium_version",
    "find_browser",
    "launch",
    "launch_args",
    "launch_options",
    "main",
    "major",
    "named_browser_problem",
    "playwright_version",
    "smoke_test",
    "started_browser",
    "system_locations",
]
