"""The sandbox's replay of a capture, over HTTP: what it refuses to replay, and that the
captured markup is served with the replay's own script alone, never a captured one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.exceptions import ReplayError
from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.sandbox import Sandbox
from dnn_runbook.sandbox.paths import PERSONA_BAR
from dnn_runbook.sandbox.replay import CSP, ReplayProfile

DNN_CAPTURE = Path(__file__).parents[1] / "pages" / "captures" / "dnn.json"
LOGIN_TARGET = "dnn$ctr$Login$Login_DNN$cmdLogin"


def log_in(http: httpx.Client, url: str, username: str, password: str) -> None:
    response = http.post(
        f"{url}/Login?returnurl=%2f",
        data={
            "__EVENTTARGET": LOGIN_TARGET,
            "dnn$ctr$Login$Login_DNN$txtUsername": username,
            "dnn$ctr$Login$Login_DNN$txtPassword": password,
        },
    )
    assert response.status_code == 302


def edited(tmp_path: Path, change: Callable[[dict[str, object]], None]) -> Path:
    """The committed DNN capture, changed by ``change``, as a new file."""
    data = json.loads(DNN_CAPTURE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "capture.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


class TestProfile:
    def test_what_cannot_be_replayed_says_why(self, tmp_path: Path) -> None:
        """Not a file, not a capture, or a capture without the bar's document or the panel."""
        with pytest.raises(ReplayError, match="cannot be read"):
            ReplayProfile.load(tmp_path / "missing.json")
        (tmp_path / "other.json").write_text('{"format": "x/1"}')
        with pytest.raises(ReplayError, match="must have format"):
            ReplayProfile.load(tmp_path / "other.json")

        def without(name: str) -> Callable[[dict[str, object]], None]:
            def change(data: dict[str, object]) -> None:
                for server in data["servers"]:  # type: ignore[attr-defined]
                    server["snapshots"] = [s for s in server["snapshots"] if s["name"] != name]

            return change

        with pytest.raises(ReplayError, match="no Persona Bar document"):
            ReplayProfile.load(edited(tmp_path, without("menu")))
        with pytest.raises(ReplayError, match="no About panel"):
            ReplayProfile.load(edited(tmp_path, without("about")))

    def test_the_command_says_so_with_exit_2(self, tmp_path: Path) -> None:
        """dnn-runbook sandbox --replay FILE with a file that is not a capture: exit 2."""
        bad = tmp_path / "bad.json"
        bad.write_text("[]")
        result = CliRunner().invoke(app, ["sandbox", "--replay", str(bad)])
        assert result.exit_code == ExitCode.INVALID
        assert "it is not a capture" in result.output


class TestServing:
    def test_no_captured_script_or_handler_is_served(
        self, tmp_path: Path, sandbox_factory: Callable[..., Sandbox]
    ) -> None:
        """A capture edited to hold a script and a handler is served without them, under a
        policy that would refuse them anyway; the replay's own script and data come with it."""

        def inject(data: dict[str, object]) -> None:
            for server in data["servers"]:  # type: ignore[attr-defined]
                for shot in server["snapshots"]:
                    shot["html"] = (
                        shot["html"]
                        .replace(
                            "<body", '<script>alert("menu")</script><body onload="alert(1)"', 1
                        )
                        .replace("<div", '<div onclick="alert(2)"', 1)
                    )

        sandbox = sandbox_factory(replay=edited(tmp_path, inject))
        assert sandbox.ui == "replay"
        assert sandbox.replaying is not None
        with httpx.Client(trust_env=False, timeout=30) as http:
            anonymous = http.get(f"{sandbox.old.url}{PERSONA_BAR}/index.html")
            assert "Your session has ended" in anonymous.text
            log_in(http, sandbox.old.url, sandbox.old.username, sandbox.old.password)
            site = http.get(f"{sandbox.old.url}/")
            assert 'id="personaBar-iframe"' in site.text
            bar = http.get(f"{sandbox.old.url}{PERSONA_BAR}/index.html")
        assert bar.headers["content-security-policy"] == CSP
        assert "alert(" not in bar.text
        assert "onload" not in bar.text
        assert bar.text.count("<script") == 2  # the replay's data and the replay's script
        assert 'id="dnn-runbook-replay"' in bar.text
        assert "/static/replay.js" in bar.text
        assert "<style>" in bar.text
