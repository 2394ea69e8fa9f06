"""Finding and starting a Chromium-family browser, on any machine.

The order, first match wins:

1. an explicit path: ``--browser-path`` or the ``DNN_RUNBOOK_BROWSER`` environment variable;
2. Playwright's own Chromium, when ``playwright install chromium`` has put it in place;
3. a system Chromium, Chrome or Edge, on ``PATH`` or at the usual install locations.

The launch flags a headless run needs live here and nowhere else.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from dnn_runbook.exceptions import BrowserLaunchError, BrowserNotFoundError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ENV_BROWSER = "DNN_RUNBOOK_BROWSER"

#: The command that fixes a machine with no browser at all, shown in every "not found" error.
FIX_COMMAND = (
    "python -m playwright install chromium  (or, on Debian/Ubuntu: apt-get install -y chromium)"
)

_PATH_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
)

_POSIX_LOCATIONS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/opt/google/chrome/chrome",
    "/usr/bin/microsoft-edge",
    "/opt/microsoft/msedge/msedge",
)

_MACOS_LOCATIONS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
)

_WINDOWS_SUFFIXES = (
    r"Google\Chrome\Application\chrome.exe",
    r"Microsoft\Edge\Application\msedge.exe",
    r"Chromium\Application\chrome.exe",
)
_WINDOWS_ROOTS = ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")


@dataclass(frozen=True, slots=True)
class BrowserChoice:
    """The browser to start and why it was chosen.

    ``executable`` is ``None`` when Playwright's own build was chosen: Playwright then picks
    the right binary itself (the headless shell for headless runs).
    """

    executable: Path | None
    source: str
    reason: str
    tried: tuple[str, ...]


def system_locations(platform: str, environ: Mapping[str, str]) -> list[str]:
    """Return the usual install locations of Chromium, Chrome and Edge on ``platform``."""
    if platform.startswith("win"):
        roots = [environ[name] for name in _WINDOWS_ROOTS if environ.get(name)]
        return [f"{root}\\{suffix}" for suffix in _WINDOWS_SUFFIXES for root in roots]
    if platform == "darwin":
        return list(_MACOS_LOCATIONS)
    return list(_POSIX_LOCATIONS)


def _installed_playwright_chromium() -> str | None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        path = pw.chromium.executable_path
    return path or None


def find_browser(
    explicit: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    playwright_executable: Callable[[], str | None] = _installed_playwright_chromium,
    which: Callable[[str], str | None] = shutil.which,
    is_file: Callable[[str], bool] = os.path.isfile,
    platform: str = sys.platform,
) -> BrowserChoice:
    """Choose the browser to start, in the documented order.

    The keyword arguments exist so that tests can stand in for the machine. An explicit path
    that does not exist is an error rather than a reason to fall back: the user asked for it.

    Raises:
        BrowserNotFoundError: nothing usable was found; the message lists every place tried.
    """
    env = os.environ if environ is None else environ
    tried: list[str] = []

    named = _named_browser(explicit, env)
    if named is not None:
        source, path = named
        resolved = path if is_file(path) else which(path)
        if resolved is None:
            raise BrowserNotFoundError(_not_executable(source, path))
        return BrowserChoice(Path(resolved), source, f"named by {source}", tuple(tried))

    try:
        bundled = playwright_executable()
    except Exception as exc:  # noqa: BLE001 - any driver failure just means "not available"
        bundled = None
        tried.append(f"Playwright's own Chromium (could not ask Playwright: {exc})")
    else:
        tried.append(f"Playwright's own Chromium ({bundled or 'no path'})")
    if bundled and is_file(bundled):
        return BrowserChoice(
            None, "playwright", f"Playwright's own Chromium is installed at {bundled}", tuple(tried)
        )

    for name in _PATH_NAMES:
        tried.append(f"{name} on PATH")
        found = which(name)
        if found:
            return BrowserChoice(Path(found), "system", f"found {name!r} on PATH", tuple(tried))

    for location in system_locations(platform, env):
        tried.append(location)
        if is_file(location):
            return BrowserChoice(
                Path(location), "system", f"found at the usual location {location}", tuple(tried)
            )

    raise BrowserNotFoundError(
        "No Chromium, Chrome or Edge browser was found. Tried: "
        + "; ".join(tried)
        + f". Fix it with: {FIX_COMMAND}, or name a browser with --browser-path or {ENV_BROWSER}."
    )


def _named_browser(
    explicit: str | os.PathLike[str] | None, env: Mapping[str, str]
) -> tuple[str, str] | None:
    """``(where it was named, the path)`` of the browser the user named, if any."""
    for source, value in (("--browser-path", explicit), (ENV_BROWSER, env.get(ENV_BROWSER))):
        if value is not None and str(value) != "":
            return source, str(value)
    return None


def _not_executable(source: str, path: str) -> str:
    return (
        f"The browser named by {source} ({path!r}) is not an executable file. Point {source} "
        "at a Chromium, Chrome or Edge binary, or leave it unset to let dnn-runbook look for one."
    )


def named_browser_problem(
    explicit: str | os.PathLike[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> str | None:
    """Why the browser named by ``--browser-path`` (or ``DNN_RUNBOOK_BROWSER``) cannot be
    started, before anything starts: it is neither a file nor a name on ``PATH``, or a file
    this user may not execute. ``None`` when none is named or it looks fine.

    Windows has no execute bit (``os.access`` says yes to every file there), so there only
    the file's existence is checked; Chromium's own start-up says the rest.
    """
    named = _named_browser(explicit, os.environ if environ is None else environ)
    if named is None:
        return None
    source, path = named
    resolved = path if os.path.isfile(path) else shutil.which(path)
    if resolved is None or (os.name == "posix" and not os.access(resolved, os.X_OK)):
        return _not_executable(source, path)
    return None


def _is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def launch_args(*, as_root: bool | None = None) -> list[str]:
    """Return the Chromium flags every launch uses.

    ``--no-sandbox`` only when running as root, where Chromium refuses to start without it.
    The two ``--disable-*`` flags stop Chromium from phoning home: on a closed network those
    connection attempts are pure noise, and on an audited one they are unwanted traffic.
    """
    root = _is_root() if as_root is None else as_root
    args = ["--disable-background-networking", "--disable-component-update"]
    if root:
        args.insert(0, "--no-sandbox")
    return args


def launch_options(
    choice: BrowserChoice, *, headless: bool = True, slow_mo_ms: float | None = None
) -> dict[str, object]:
    """Return the keyword arguments for ``BrowserType.launch`` for ``choice``.

    Also used to configure pytest-playwright, so tests start the browser exactly as runs do.
    """
    options: dict[str, object] = {"headless": headless, "args": launch_args()}
    if choice.executable is not None:
        options["executable_path"] = str(choice.executable)
    if slow_mo_ms:
        options["slow_mo"] = slow_mo_ms
    return options


def launch(
    pw: Playwright,
    choice: BrowserChoice,
    *,
    headless: bool = True,
    slow_mo_ms: float | None = None,
    proxy: str | None = None,
) -> Browser:
    """Start ``choice`` with the project's launch flags, through ``proxy`` if given (every
    page's requests but this machine's own addresses, which Chromium never proxies).

    Raises:
        BrowserLaunchError: Playwright could not start the browser; the message carries why.
    """
    from playwright.sync_api import Error as PlaywrightError

    try:
        return pw.chromium.launch(
            executable_path=choice.executable,
            headless=headless,
            args=launch_args(),
            slow_mo=slow_mo_ms,
            proxy={"server": proxy} if proxy else None,
            # The runner decides what Ctrl-C means; Playwright must not close the browser.
            handle_sigint=False,
        )
    except PlaywrightError as exc:
        where = choice.executable or "Playwright's own Chromium"
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise BrowserLaunchError(
            f"The browser at {where} ({choice.reason}) did not start: {first_line}. "
            "Run 'dnn-runbook doctor' for details.",
            where=str(where),
            reason=choice.reason,
        ) from exc


@contextmanager
def started_browser(
    explicit: str | os.PathLike[str] | None = None,
    *,
    headless: bool = True,
    slow_mo_ms: float | None = None,
    proxy: str | None = None,
) -> Iterator[tuple[Browser, BrowserChoice]]:
    """Start Playwright, choose a browser, launch it, and close both on exit.

    Ctrl-C in a terminal signals the whole foreground process group. Playwright's driver and
    the browser are started with SIGINT ignored (children inherit that), so Ctrl-C reaches
    only this process, as a ``KeyboardInterrupt`` the runner records, while the browser stays
    up long enough to be closed in order.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with _sigint_ignored_by_children():
        manager = sync_playwright()
        pw = manager.__enter__()
    try:
        choice = find_browser(explicit, playwright_executable=lambda: pw.chromium.executable_path)
        with _sigint_ignored_by_children():
            browser = launch(pw, choice, headless=headless, slow_mo_ms=slow_mo_ms, proxy=proxy)
        try:
            yield browser, choice
        finally:
            # A browser that crashed or was killed cannot be closed; that is no new error.
            with contextlib.suppress(PlaywrightError):
                browser.close()
    finally:
        with contextlib.suppress(PlaywrightError):
            manager.__exit__(None, None, None)


@contextmanager
def _sigint_ignored_by_children() -> Iterator[None]:
    """Ignore SIGINT while child processes start, so that they inherit "ignored"."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def smoke_test(explicit: str | os.PathLike[str] | None = None) -> tuple[BrowserChoice, str]:
    """Start the browser headless, render a tiny page, close it; return the choice and version.

    Raises:
        BrowserError: no browser was found, it did not start, or it did not render.
    """
    with started_browser(explicit) as (started, choice):
        page = started.new_page()
        page.set_content("<title>smoke</title><p>ok</p>")
        rendered = page.inner_text("p")
        version = started.version
    if rendered != "ok":
        raise BrowserLaunchError(
            f"The browser at {choice.executable or 'Playwright own Chromium'} started but rendered "
            f"{rendered!r} instead of 'ok'.",
            where=str(choice.executable),
            reason=choice.reason,
        )
    return choice, version


def playwright_version() -> str:
    """Return the installed Playwright package's version."""
    return metadata.version("playwright")


def expected_chromium_version() -> str | None:
    """Return the Chromium version this Playwright release was built and tested against."""
    import playwright

    browsers_json = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    try:
        data = json.loads(browsers_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for entry in data.get("browsers", []):
        if entry.get("name") == "chromium":
            version = entry.get("browserVersion")
            return str(version) if version else None
    return None


def major(version: str | None) -> int | None:
    """Return the major number of a version such as ``'156.0.8078.108'``, or ``None``."""
    if not version:
        return None
    head = version.strip().split(".", 1)[0]
    return int(head) if head.isdigit() else None


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m dnn_runbook.browser``: print the chosen browser, or why none; exit 0 or 1.

    The Makefile uses this to decide whether set-up must install a browser.
    """
    del argv
    try:
        choice = find_browser()
    except BrowserNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{choice.executable or 'playwright'}\t{choice.reason}")
    return 0
