"""``dnn-runbook validate``: exit codes, output and start-up (``dnn_runbook.cli.validate``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.cli._fast import fast_path

SEED = Path(__file__).resolve().parents[2] / "runbook.yaml"

#: What the sandbox's --env-file holds, with distinctive fake secrets.
ENV_FILE = """\
# written by the tests
DNN_OLD_URL=http://127.0.0.1:18001
DNN_NEW_URL=http://127.0.0.1:18002
DNN_SITE_URL=https://www.example.com
DNN_OLD_USERNAME=host
DNN_OLD_PASSWORD='cli-old-pw-5150'
DNN_NEW_USERNAME=host
export DNN_NEW_PASSWORD="cli-new-pw-8086"
DNN_LICENSE_EMAIL=cli.owner@example.com
DNN_LICENSE_INVOICE=INV8086-2
DNN_LICENSING_URL=http://127.0.0.1:18003
"""
SECRETS = ("cli-old-pw-5150", "cli-new-pw-8086", "cli.owner@example.com", "INV8086-2")


@pytest.fixture
def env_file(tmp_path: Path) -> Path:
    """An env file like the sandbox writes."""
    path = tmp_path / "sandbox.env"
    path.write_text(ENV_FILE, encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner with none of the runbook's variables in the environment."""
    for name in list(os.environ):
        if name.startswith("DNN_"):
            monkeypatch.delenv(name)
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """Run the typer app; return the exit code, stdout and stderr."""
    result = runner.invoke(app, list(args), terminal_width=100)
    return result.exit_code, result.stdout, result.stderr


class TestValidate:
    def test_seed_is_valid(self, runner: CliRunner, env_file: Path) -> None:
        """The seed runbook with the sandbox's env file: exit 0 and one line on stdout."""
        code, out, err = invoke(runner, "validate", str(SEED), "--env-file", str(env_file))
        assert (code, out, err) == (0, f"{SEED}: valid, 9 steps\n", "")

    def test_invalid_exits_2_with_every_problem(self, runner: CliRunner, tmp_path: Path) -> None:
        """Without variables: exit 2, every problem on stderr as FILE:LINE:COL, then a count."""
        code, out, err = invoke(runner, "validate", str(SEED))
        assert code == 2
        assert out == ""
        lines = err.splitlines()
        assert len(lines) == 11
        assert all(line.startswith(f"{SEED}:") for line in lines)
        assert lines[0].startswith(f"{SEED}:11:10: servers.old.url uses ${{DNN_OLD_URL}}")
        assert lines[-1] == f"{SEED}: invalid, 10 errors"

    def test_warnings_keep_exit_0(self, runner: CliRunner, tmp_path: Path) -> None:
        """A literal secret is a warning on stderr; the runbook stays valid."""
        text = SEED.read_text(encoding="utf-8").replace(
            "password: ${DNN_OLD_PASSWORD}", "password: literal-pw-4040"
        )
        path = tmp_path / "runbook.yaml"
        path.write_text(text, encoding="utf-8")
        env = tmp_path / "e.env"
        env.write_text(ENV_FILE, encoding="utf-8")
        env.chmod(0o600)
        code, out, err = invoke(runner, "validate", str(path), "--env-file", str(env))
        assert code == 0
        assert out == f"{path}: valid, 9 steps (1 warning)\n"
        assert err.startswith(f"{path}:13:15: warning: servers.old.password is written")
        assert "literal-pw-4040" not in out + err

    def test_missing_file(self, runner: CliRunner, tmp_path: Path) -> None:
        """A runbook that does not exist: exit 2 with a whole-file message."""
        code, _, err = invoke(runner, "validate", str(tmp_path / "none.yaml"))
        assert code == 2
        assert f"{tmp_path / 'none.yaml'}: the runbook cannot be read" in err

    def test_no_secret_is_printed(self, runner: CliRunner, env_file: Path, tmp_path: Path) -> None:
        """Even when secrets end up in the wrong fields, none is printed."""
        text = (
            SEED.read_text(encoding="utf-8")
            .replace("url: ${DNN_OLD_URL}", "url: ${DNN_OLD_PASSWORD}")
            .replace("type: Development", "type: ${DNN_LICENSE_INVOICE}")
        )
        path = tmp_path / "runbook.yaml"
        path.write_text(text, encoding="utf-8")
        code, out, err = invoke(runner, "validate", str(path), "--env-file", str(env_file))
        assert code == 2
        assert not any(secret in out + err for secret in SECRETS)

    def test_secrets_leak_neither_through_a_repr_nor_a_suggestion(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """A password holding a quote and a backslash, put into a type and a step id: the repr
        in "(got ...)" and the slug in "did you mean" are masked too."""
        password = "Pw'Secret\\9-Zq"
        env = tmp_path / "e.env"
        env.write_text(ENV_FILE.replace("'cli-old-pw-5150'", f'"{password}"'), encoding="utf-8")
        env.chmod(0o600)
        text = (
            SEED.read_text(encoding="utf-8")
            .replace("type: Development", "type: ${DNN_OLD_PASSWORD}", 1)
            .replace("- id: add-dev-on-new", "- id: ${DNN_OLD_PASSWORD}", 1)
        )
        path = tmp_path / "runbook.yaml"
        path.write_text(text, encoding="utf-8")
        code, out, err = invoke(runner, "validate", str(path), "--env-file", str(env))
        assert code == 2
        assert "Pw\\'Secret" not in err
        assert "pw-secret-9-zq" not in err.casefold()
        assert password not in out + err
        assert '(got "••••", from ${DNN_OLD_PASSWORD})' in err
        assert "did you mean '••••'?" in err

    def test_escape_sequences_in_keys_are_shown_not_obeyed(
        self, runner: CliRunner, env_file: Path, tmp_path: Path
    ) -> None:
        """An unknown key spelt with ESC [ 2 J reaches the terminal as text, not as a command."""
        text = SEED.read_text(encoding="utf-8").replace(
            "name: migrate-evoq-license", 'name: migrate-evoq-license\n"\\e[2J\\e]0;x\\a": 1'
        )
        path = tmp_path / "runbook.yaml"
        path.write_text(text, encoding="utf-8")
        code, _, err = invoke(runner, "validate", str(path), "--env-file", str(env_file))
        assert code == 2
        assert "\x1b" not in err
        assert "\x07" not in err
        assert "\\x1b[2J\\x1b]0;x\\x07 is not a setting of a runbook" in err

    def test_help(self, runner: CliRunner) -> None:
        """validate --help describes the command and the env-file option."""
        code, out, _ = invoke(runner, "validate", "--help")
        assert code == 0
        assert "FILE:LINE:COL" in out
        assert "--env-file" in out


class TestFastPath:
    @pytest.mark.parametrize(
        "argv",
        [
            ["validate", "r.yaml", "--env-file", "e"],
            ["validate", "--env-file=e", "r.yaml"],
            ["plan", "r.yaml"],
        ],
    )
    def test_takes_the_plain_forms(
        self, argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """validate/plan RUNBOOK [--env-file F] in any order are run directly."""
        monkeypatch.chdir(tmp_path)
        assert fast_path(argv) == 2  # the files do not exist: invalid, handled here

    @pytest.mark.parametrize(
        "argv",
        [
            [],
            ["doctor"],
            ["validate"],
            ["validate", "--help"],
            ["validate", "a.yaml", "b.yaml"],
            ["validate", "a.yaml", "--env-file"],
            ["validate", "a.yaml", "--env-file", "e", "--env-file", "f"],
            ["validate", "a.yaml", "--env-file="],
            ["validate", "a.yaml", "--bogus"],
            ["plan", "-h"],
        ],
    )
    def test_declines_everything_else(self, argv: list[str]) -> None:
        """Anything unusual is left to typer, which reports it as usual."""
        assert fast_path(argv) is None

    def test_console_script_matches_typer(self, runner: CliRunner, env_file: Path) -> None:
        """The installed command (fast path) prints exactly what the typer command prints."""
        exe = Path(sys.executable).with_name("dnn-runbook")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DNN_")}
        for args in (["validate", str(SEED), "--env-file", str(env_file)], ["validate", str(SEED)]):
            done = subprocess.run(
                [exe, *args], capture_output=True, text=True, env=env, check=False
            )
            assert (done.returncode, done.stdout, done.stderr) == invoke(runner, *args)

    def test_starts_without_browser_or_pydantic(self, env_file: Path) -> None:
        """validate imports neither Playwright nor pydantic (typer's converter): it starts fast."""
        code = (
            "import sys\n"
            "from dnn_runbook.cli import main\n"
            f"sys.argv = ['dnn-runbook', 'validate', {str(SEED)!r}, '--env-file', {str(env_file)!r}]\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    status = exc.code\n"
            "heavy = sorted(m for m in ('playwright', 'pydantic', 'rich') if m in sys.modules)\n"
            "print(status, heavy, file=sys.stderr)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stderr.strip().splitlines()[-1] == "0 []"
