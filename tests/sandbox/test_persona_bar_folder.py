"""``Sandbox.start(persona_bar_dir=...)``: a Persona Bar folder given at run time, served in
place of the sandbox's own shell, and nothing outside it.

The folder here is a made-up stand-in (a few files with DNN's names); whether DNN's real shell
works on the sandbox is ``tests/pages/test_real_shell.py``'s question, asked only where a
user has such a folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.exceptions import SandboxError
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.sandbox import Sandbox
from dnn_runbook.sandbox.paths import PERSONA_BAR, STATIC
from dnn_runbook.sandbox.persona_bar_folder import PersonaBarFolder, checked_dir

Factory = Callable[..., Sandbox]

SECRET = "outside-the-folder-7f3c"
FOLDERS_INDEX = "<!-- the folder's own index.html -->"
FOLDERS_LICENSING = "/* the folder's own Licensing.js, which must not be served */"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A stand-in Persona Bar folder, with a secret file beside it (outside the folder)."""
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    root = tmp_path / "Dnn.PersonaBar"
    files = {
        "index.html": FOLDERS_INDEX,
        "scripts/main.js": "/* main */",
        "scripts/contrib/require.js": "/* require */",
        "css/main.css": "body {}",
        "App_LocalResources/PersonaBar.resx": "<root/>",
        "UserControls/PersonaBarContainer.ascx": "<%@ Control %>",
        "Modules/Dnn.Users/scripts/Users.js": "/* the Users module */",
        "Modules/Dnn.Licensing/scripts/Licensing.js": FOLDERS_LICENSING,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if os.name == "posix":
        (root / "images").mkdir()
        (root / "images" / "link.txt").symlink_to(tmp_path / "secret.txt")
        (root / "outside").symlink_to(tmp_path, target_is_directory=True)
    return root


class TestFinding:
    def test_files_in_any_letter_case(self, folder: Path) -> None:
        """A file is found as IIS finds it: each part of its path in any case."""
        found = PersonaBarFolder(folder)
        assert found.find("index.html") == (folder / "index.html").resolve()
        assert (
            found.find("Scripts/Contrib/REQUIRE.js")
            == (folder / "scripts/contrib/require.js").resolve()
        )
        assert found.find("modules/dnn.users/scripts/Users.js") is not None
        assert found.find("scripts/missing.js") is None
        assert found.find("scripts") is None  # a folder is not a file

    @pytest.mark.parametrize(
        "path",
        [
            "../secret.txt",
            "scripts/../../secret.txt",
            "..\\secret.txt",
            "/etc/passwd",
            "//etc/passwd",
            "scripts/\x00.js",
            "images/link.txt",
            "outside/secret.txt",
        ],
    )
    def test_nothing_outside_the_folder(self, folder: Path, path: str) -> None:
        """Parent parts, absolute paths, NUL and symbolic links pointing out find nothing."""
        assert PersonaBarFolder(folder).find(path) is None

    @pytest.mark.parametrize(
        "path", ["App_LocalResources/PersonaBar.resx", "UserControls/PersonaBarContainer.ascx"]
    )
    def test_not_what_iis_refuses_to_serve(self, folder: Path, path: str) -> None:
        """Resource files and user controls are in the folder but never served, as on IIS."""
        assert (folder / path).is_file()
        assert PersonaBarFolder(folder).find(path) is None

    def test_a_folder_without_index_html_is_refused(self, tmp_path: Path) -> None:
        """The message says which folder is expected."""
        with pytest.raises(SandboxError, match=r"DesktopModules/admin/Dnn\.PersonaBar"):
            checked_dir(tmp_path)
        with pytest.raises(SandboxError, match="must be a directory"):
            checked_dir(tmp_path / "missing")


class TestServing:
    def test_the_folder_replaces_the_shell(
        self, sandbox_factory: Factory, folder: Path, http: httpx.Client
    ) -> None:
        """index.html and the scripts come from the folder; the site's assets stay the
        sandbox's, and so does the About panel's module, whatever the folder holds."""
        sandbox = sandbox_factory(persona_bar_dir=folder)
        base = f"{sandbox.old.url}{PERSONA_BAR}"
        assert sandbox.persona_bar_dir == folder.resolve()
        assert http.get(f"{base}/index.html").text == FOLDERS_INDEX
        assert http.get(f"{base}/scripts/contrib/require.js").text == "/* require */"
        assert http.get(f"{sandbox.old.url}{STATIC}/site.css").status_code == 200
        for modules in ("modules", "Modules"):
            licensing = http.get(f"{base}/{modules}/Dnn.Licensing/scripts/Licensing.js")
            assert licensing.status_code == 200
            assert "define(['jquery', 'main/config']" in licensing.text
            assert FOLDERS_LICENSING not in licensing.text
        assert http.get(f"{base}/Modules/Dnn.Users/scripts/Users.js").text == (
            "/* the Users module */"
        )
        # A module the folder lacks gets the sandbox's placeholder, as with its own shell.
        assert http.get(f"{base}/modules/Dnn.Seo/Seo.html").status_code == 200
        assert http.get(f"{base}/App_LocalResources/PersonaBar.resx").status_code == 404

    @pytest.mark.parametrize(
        "path",
        [
            "/%2e%2e/%2e%2e/secret.txt",
            "/..%2f..%2fsecret.txt",
            "/scripts/..%2f..%2f..%2fsecret.txt",
            "/modules/Dnn.Users/..%2f..%2f..%2fsecret.txt",
            "/modules/Dnn.Licensing/..%2f..%2f..%2f..%2fsecret.txt",
            "/..%5csecret.txt",
            "/images/link.txt",
            "/outside/secret.txt",
        ],
    )
    def test_no_path_leaves_the_folder(
        self, sandbox_factory: Factory, folder: Path, http: httpx.Client, path: str
    ) -> None:
        """Encoded parent parts and links pointing out answer 404, never the file outside."""
        sandbox = sandbox_factory(persona_bar_dir=folder)
        response = http.get(httpx.URL(f"{sandbox.old.url}{PERSONA_BAR}{path}"))
        assert response.status_code == 404
        assert SECRET not in response.text

    def test_without_a_folder_the_shell_is_the_sandboxs(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """The default is unchanged: the sandbox's own index.html and shell."""
        assert sandbox.persona_bar_dir is None
        document = http.get(f"{sandbox.old.url}{PERSONA_BAR}/index.html").text
        assert "scripts/shell.js" in document

    def test_only_with_the_dnn_front_end(self, sandbox_factory: Factory, folder: Path) -> None:
        """The classic front end has no Persona Bar modules to load About into."""
        with pytest.raises(SandboxError, match="'dnn' front end"):
            sandbox_factory(persona_bar_dir=folder, ui="classic")


class TestCommandLine:
    def test_a_folder_without_index_html_exits_2(self, tmp_path: Path) -> None:
        """--persona-bar names a folder that is not a Persona Bar: a command-line error."""
        for command in ("sandbox", "rehearse"):
            result = CliRunner().invoke(
                app, [command, "--persona-bar", str(tmp_path)], terminal_width=200
            )
            assert result.exit_code == ExitCode.INVALID, result.output
            assert "index.html" in result.output

    def test_not_with_the_classic_front_end(self, folder: Path) -> None:
        """--persona-bar with --ui classic is refused before anything starts."""
        for command in ("sandbox", "rehearse"):
            result = CliRunner().invoke(
                app,
                [command, "--ui", "classic", "--persona-bar", str(folder)],
                terminal_width=200,
            )
            assert result.exit_code == ExitCode.INVALID, result.output
            assert "--ui dnn" in result.output
