"""``dnn-runbook plan``: the numbered steps in plain words (``dnn_runbook.cli.plan``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dnn_runbook.cli import app

SEED = Path(__file__).resolve().parents[2] / "runbook.yaml"

SECRETS = {
    "DNN_OLD_PASSWORD": "plan-old-pw-Kq81",
    "DNN_NEW_PASSWORD": "plan-new-pw-Rt62",
    "DNN_LICENSE_EMAIL": "plan.owner@example.com",
    "DNN_LICENSE_INVOICE": "INV5309-9",
}


@pytest.fixture
def env_file(tmp_path: Path) -> Path:
    """An env file with the sandbox's names and distinctive fake secrets."""
    path = tmp_path / "sandbox.env"
    values = {
        "DNN_OLD_URL": "http://127.0.0.1:18001",
        "DNN_NEW_URL": "http://127.0.0.1:18002",
        "DNN_SITE_URL": "https://www.example.com",
        "DNN_OLD_USERNAME": "host",
        "DNN_NEW_USERNAME": "admin",
        **SECRETS,
    }
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner with none of the runbook's variables in the environment."""
    for name in list(os.environ):
        if name.startswith("DNN_"):
            monkeypatch.delenv(name)
    return CliRunner()


class TestPlan:
    def test_numbered_steps_with_servers_resolved(self, runner: CliRunner, env_file: Path) -> None:
        """plan prints every step, numbered, with server names, addresses and license types."""
        result = runner.invoke(
            app, ["plan", str(SEED), "--env-file", str(env_file)], terminal_width=100
        )
        assert result.exit_code == 0
        out = result.stdout
        assert result.stderr == ""
        assert out.startswith(f"Plan for migrate-evoq-license ({SEED}, sha256 ")
        assert "  new  http://127.0.0.1:18002  (logs in as admin at /Login)" in out
        for number, phrase in [
            (1, "[preflight] Preflight, changing nothing: log in to old (http://127.0.0.1:18001)"),
            (2, "[add-dev-on-new] Add a Development license on new (http://127.0.0.1:18002)"),
            (3, "[dns-cutover] Ask the operator to confirm: Point DNS"),
            (4, "[wait-new-serving] Wait until the public site https://www.example.com is served"),
            (5, "[remove-prod-on-old] Remove the Production license for invoice ••••09-9 from"),
            (6, "[add-prod-on-new] Add a Production license on new (http://127.0.0.1:18002)"),
            (7, "[remove-dev-on-new] Remove the Development license for invoice ••••09-9 from"),
            (8, "[verify-new] Check that new (http://127.0.0.1:18002) holds an activated"),
            (9, "[evidence-final] Take a screenshot of Settings > About on new"),
        ]:
            assert f"\n  {number}. {phrase}" in out

    def test_never_shows_a_secret(self, runner: CliRunner, env_file: Path) -> None:
        """No password, account email or whole invoice number appears in the output."""
        result = runner.invoke(
            app, ["plan", str(SEED), "--env-file", str(env_file)], terminal_width=100
        )
        assert result.exit_code == 0
        for value in SECRETS.values():
            assert value not in result.output
        assert "INV5309" not in result.output

    def test_invalid_runbook_exits_2(self, runner: CliRunner) -> None:
        """Without its variables the seed is invalid: exit 2, problems on stderr, no plan."""
        result = runner.invoke(app, ["plan", str(SEED)], terminal_width=100)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 10
        assert "Plan for" not in result.output

    def test_help(self, runner: CliRunner) -> None:
        """plan --help says what it prints."""
        result = runner.invoke(app, ["plan", "--help"], terminal_width=100)
        assert result.exit_code == 0
        assert "plain words" in result.stdout


class TestPlanSecrets:
    def test_a_secret_put_into_a_confirm_message_is_masked(
        self, runner: CliRunner, env_file: Path, tmp_path: Path
    ) -> None:
        """${DNN_OLD_PASSWORD} and ${DNN_LICENSE_INVOICE} in a confirm message: plan shows the
        mask, never the values (in any letter case)."""
        text = SEED.read_text(encoding="utf-8").replace(
            "message: Point DNS",
            "message: Use ${DNN_OLD_PASSWORD} for ${DNN_LICENSE_INVOICE}, then point DNS",
        )
        path = tmp_path / "runbook.yaml"
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["plan", str(path), "--env-file", str(env_file)])
        assert result.exit_code == 0, result.output
        assert "Use •••• for ••••, then point DNS" in result.stdout
        for value in SECRETS.values():
            assert value.casefold() not in result.stdout.casefold()

    def test_control_characters_in_a_message_are_escaped(
        self, runner: CliRunner, env_file: Path, tmp_path: Path
    ) -> None:
        """A confirm message holding ESC and BEL is printed with visible escapes."""
        text = (
            SEED.read_text(encoding="utf-8")
            .replace("message: Point DNS", 'message: "\\e[31mred\\a Point DNS')
            .replace("then confirm.\n", 'then confirm."\n', 1)
        )
        path = tmp_path / "runbook.yaml"
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["plan", str(path), "--env-file", str(env_file)])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout
        assert "\\x1b[31mred\\x07 Point DNS" in result.stdout
