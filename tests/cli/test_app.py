"""The command line's --help and --version."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from dnn_runbook import __version__
from dnn_runbook.cli import app


class TestRoot:
    def test_version(self) -> None:
        """--version prints the package version and exits 0."""
        result = CliRunner().invoke(app, ["--version"])
        assert result.exit_code == 0
        assert result.output.strip() == f"dnn-runbook {__version__}"

    def test_help_lists_the_commands(self) -> None:
        """--help names every command."""
        result = CliRunner().invoke(app, ["--help"], terminal_width=100)
        assert result.exit_code == 0
        for command in ("doctor", "rehearse"):
            assert command in result.output

    def test_no_arguments_shows_help(self) -> None:
        """Running with no command shows the help instead of doing anything."""
        result = CliRunner().invoke(app, [], terminal_width=100)
        assert "Usage" in result.output

    def test_help_does_not_import_playwright(self) -> None:
        """--help stays fast: the browser stack is imported only by commands that need it."""
        code = (
            "import sys\n"
            "from dnn_runbook.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('playwright' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert out.strip().splitlines()[-1] == "False"

    def test_console_script_is_installed(self) -> None:
        """The `dnn-runbook` console script runs."""
        exe = __import__("shutil").which("dnn-runbook") or str(
            __import__("pathlib").Path(sys.executable).with_name("dnn-runbook")
        )
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
        assert __version__ in out.stdout
