"""The checks behind ``dnn-runbook doctor``: can this machine drive a browser?"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass, field

from dnn_runbook import __version__, browser
from dnn_runbook.exceptions import BrowserError, BrowserLaunchError

#: How many Chromium major versions the chosen browser may be from Playwright's own before
#: doctor warns. Playwright speaks CDP, which drifts slowly, but far-off builds break in
#: subtle ways (screenshots, input events).
MAJOR_VERSION_TOLERANCE = 2


@dataclass(slots=True)
class DoctorReport:
    """What doctor found; ``ok`` is true only when a browser really started."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    ok: bool = False


def version_warning(browser_version: str | None, expected: str | None) -> str | None:
    """Return a warning when ``browser_version`` is far from the Chromium Playwright expects."""
    got, want = browser.major(browser_version), browser.major(expected)
    if got is None or want is None or abs(got - want) <= MAJOR_VERSION_TOLERANCE:
        return None
    return (
        f"The browser is Chromium {got}, but this Playwright release was built for Chromium "
        f"{want}: {abs(got - want)} major versions apart, more than the {MAJOR_VERSION_TOLERANCE} "
        "doctor accepts quietly. If pages misbehave, install Playwright's own build with "
        "'python -m playwright install chromium' or update the system browser."
    )


def _is_root() -> bool:
    return os.name == "posix" and os.geteuid() == 0


def run_doctor(explicit_browser: str | None = None) -> DoctorReport:
    """Collect versions, choose a browser, and start it headless once."""
    report = DoctorReport()
    report.lines += [
        ("dnn-runbook", __version__),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("Platform", f"{platform.platform()}, running as root: {'yes' if _is_root() else 'no'}"),
        ("Playwright", browser.playwright_version()),
    ]
    expected = browser.expected_chromium_version()
    report.lines.append(("Playwright built for", f"Chromium {expected or 'unknown'}"))
    report.lines.append(("Launch flags", " ".join(browser.launch_args())))
    try:
        choice, version = browser.smoke_test(explicit_browser)
    except BrowserLaunchError as exc:
        report.lines += [("Browser", exc.where), ("Chosen because", exc.reason)]
        report.error = str(exc)
        return report
    except BrowserError as exc:
        report.error = str(exc)
        return report
    report.lines += [
        ("Browser", str(choice.executable or "Playwright's own Chromium")),
        ("Chosen because", choice.reason),
        ("Browser version", version),
        ("Headless start", "ok: started, rendered a page, closed"),
    ]
    warning = version_warning(version, expected)
    if warning:
        report.warnings.append(warning)
    report.ok = True
    return report
