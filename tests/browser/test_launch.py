"""Browser discovery order and launch flags, with the machine stood in for by fakes."""

from __future__ import annotations

import pytest

from dnn_runbook import browser
from dnn_runbook.exceptions import BrowserNotFoundError


def _finder(
    files: set[str] = frozenset(),  # type: ignore[assignment]
    on_path: dict[str, str] | None = None,
    bundled: str | None = None,
    environ: dict[str, str] | None = None,
    platform: str = "linux",
    explicit: str | None = None,
) -> browser.BrowserChoice:
    path = on_path or {}
    return browser.find_browser(
        explicit,
        environ=environ or {},
        playwright_executable=lambda: bundled,
        which=path.get,
        is_file=lambda p: p in files,
        platform=platform,
    )


class TestDiscoveryOrder:
    def test_explicit_path_wins_over_everything(self) -> None:
        """--browser-path is used even when the env var, Playwright and PATH all offer one."""
        choice = _finder(
            files={"/opt/mine/chrome", "/env/chrome", "/pw/chrome", "/usr/bin/chromium"},
            on_path={"chromium": "/usr/bin/chromium"},
            bundled="/pw/chrome",
            environ={"DNN_RUNBOOK_BROWSER": "/env/chrome"},
            explicit="/opt/mine/chrome",
        )
        assert choice.executable is not None
        assert str(choice.executable) == "/opt/mine/chrome"
        assert choice.source == "--browser-path"

    def test_environment_variable_comes_second(self) -> None:
        """DNN_RUNBOOK_BROWSER beats Playwright's own build and the system browser."""
        choice = _finder(
            files={"/env/chrome", "/pw/chrome"},
            bundled="/pw/chrome",
            on_path={"chromium": "/usr/bin/chromium"},
            environ={"DNN_RUNBOOK_BROWSER": "/env/chrome"},
        )
        assert str(choice.executable) == "/env/chrome"
        assert choice.source == "DNN_RUNBOOK_BROWSER"

    def test_explicit_name_is_looked_up_on_path(self) -> None:
        """A bare command name given explicitly is resolved through PATH."""
        choice = _finder(
            on_path={"google-chrome": "/usr/bin/google-chrome"}, explicit="google-chrome"
        )
        assert str(choice.executable) == "/usr/bin/google-chrome"

    def test_missing_explicit_path_is_an_error_not_a_fallback(self) -> None:
        """A path the user named that does not exist stops discovery with a clear message."""
        with pytest.raises(
            BrowserNotFoundError, match=r"--browser-path .*'/nope/chrome'.*not an executable"
        ):
            _finder(files={"/usr/bin/chromium"}, explicit="/nope/chrome")

    def test_playwright_build_comes_before_system_browsers(self) -> None:
        """An installed Playwright Chromium is chosen, and Playwright picks the binary itself."""
        choice = _finder(
            files={"/pw/chrome", "/usr/bin/chromium"},
            bundled="/pw/chrome",
            on_path={"chromium": "/usr/bin/chromium"},
        )
        assert choice.executable is None
        assert choice.source == "playwright"
        assert "/pw/chrome" in choice.reason

    def test_playwright_path_that_is_not_installed_is_skipped(self) -> None:
        """Playwright reports a path even when nothing was downloaded; that is not a browser."""
        choice = _finder(files={"/usr/bin/chromium"}, bundled="/pw/chrome")
        assert str(choice.executable) == "/usr/bin/chromium"
        assert "Playwright's own Chromium (/pw/chrome)" in choice.tried

    def test_playwright_failure_means_not_available(self) -> None:
        """If asking Playwright fails, discovery goes on to the system browsers."""

        def broken() -> str | None:
            raise RuntimeError("driver missing")

        choice = browser.find_browser(
            environ={},
            playwright_executable=broken,
            which={"chromium": "/usr/bin/chromium"}.get,
            is_file=lambda p: False,
            platform="linux",
        )
        assert str(choice.executable) == "/usr/bin/chromium"
        assert any("driver missing" in t for t in choice.tried)

    def test_path_names_in_order(self) -> None:
        """chromium on PATH is preferred over Chrome and Edge on PATH."""
        choice = _finder(
            on_path={
                "microsoft-edge": "/usr/bin/microsoft-edge",
                "google-chrome": "/usr/bin/google-chrome",
                "chromium": "/usr/local/bin/chromium",
            }
        )
        assert str(choice.executable) == "/usr/local/bin/chromium"

    def test_usual_linux_location_when_not_on_path(self) -> None:
        """/usr/bin/chromium is found even when PATH does not list /usr/bin."""
        choice = _finder(files={"/usr/bin/chromium"})
        assert str(choice.executable) == "/usr/bin/chromium"
        assert choice.source == "system"

    def test_windows_locations(self) -> None:
        """Chrome under Program Files is found on Windows."""
        exe = r"C:\Program Files\Google\Chrome\Application\chrome.exe"
        choice = _finder(
            files={exe}, environ={"PROGRAMFILES": r"C:\Program Files"}, platform="win32"
        )
        assert str(choice.executable) == exe

    def test_windows_edge_in_x86_program_files(self) -> None:
        """Edge under Program Files (x86) is found when Chrome is absent."""
        exe = r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"
        choice = _finder(
            files={exe},
            environ={
                "PROGRAMFILES": r"C:\Program Files",
                "PROGRAMFILES(X86)": r"C:\Program Files (x86)",
            },
            platform="win32",
        )
        assert str(choice.executable) == exe

    def test_macos_locations(self) -> None:
        """Google Chrome.app is found on macOS."""
        exe = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
        choice = _finder(files={exe}, platform="darwin")
        assert str(choice.executable) == exe

    def test_nothing_found_lists_what_was_tried_and_the_fix(self) -> None:
        """The error names every place tried and the one command that fixes it."""
        with pytest.raises(BrowserNotFoundError) as info:
            _finder(bundled="/pw/chrome")
        message = str(info.value)
        assert "Playwright's own Chromium (/pw/chrome)" in message
        assert "chromium on PATH" in message
        assert "/usr/bin/chromium" in message
        assert "python -m playwright install chromium" in message


class TestLaunchFlags:
    def test_root_gets_no_sandbox(self) -> None:
        """As root Chromium needs --no-sandbox; the quiet-network flags are always there."""
        assert browser.launch_args(as_root=True) == [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
        ]

    def test_non_root_keeps_the_sandbox(self) -> None:
        """A normal user keeps Chromium's sandbox."""
        args = browser.launch_args(as_root=False)
        assert "--no-sandbox" not in args
        assert "--disable-background-networking" in args

    def test_launch_options_for_playwright_build_omit_the_path(self) -> None:
        """Playwright's own build is launched without executable_path."""
        choice = browser.BrowserChoice(None, "playwright", "bundled", ())
        options = browser.launch_options(choice, headless=False, slow_mo_ms=250)
        assert "executable_path" not in options
        assert options["headless"] is False
        assert options["slow_mo"] == 250


class TestVersions:
    @pytest.mark.parametrize(
        ("version", "expected"),
        [("156.0.8078.108", 156), ("159", 159), ("", None), (None, None), ("abc.1", None)],
    )
    def test_major(self, version: str | None, expected: int | None) -> None:
        """The major number is read from a dotted version string."""
        assert browser.major(version) == expected

    def test_expected_chromium_version_is_read_from_playwright(self) -> None:
        """The Playwright package says which Chromium it was built for."""
        assert browser.major(browser.expected_chromium_version()) is not None
