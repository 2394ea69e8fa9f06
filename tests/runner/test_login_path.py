"""`run` logs in at the runbook's `login_path`, on a custom login page whose controls carry a
module id (`dnn_ctrN_…`), and a wrong `login_path` fails clearly instead of logging in at
`/Login`: through the whole runner against the sandbox (its `custom-login` fault)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.sandbox import Sandbox
from tests.support import RUN_DEFAULTS, in_worker_thread, only_run_dir, run_exit_code

pytestmark = pytest.mark.e2e

RUNBOOK = """\
version: 1
name: login-path
servers:
  old:
    url: ${DNN_OLD_URL}
    username: ${DNN_OLD_USERNAME}
    password: ${DNN_OLD_PASSWORD}
    login_path: ${LOGIN_PATH}
  new:
    url: ${DNN_NEW_URL}
    username: ${DNN_NEW_USERNAME}
    password: ${DNN_NEW_PASSWORD}
    login_path: ${LOGIN_PATH}
license:
  email: ${DNN_LICENSE_EMAIL}
  invoice: ${DNN_LICENSE_INVOICE}
steps:
  - id: preflight
    action: preflight
    expect:
      old: [Production]
      new: []
  - id: add-dev-on-new
    action: add_license
    server: new
    type: Development
  - id: remove-dev-from-new
    action: remove_license
    server: new
    type: Development
"""


def run(
    tmp_path: Path, sandbox: Sandbox, login_path: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    runbook = tmp_path / "login-path.yaml"
    runbook.write_text(RUNBOOK)
    options: dict[str, Any] = {**RUN_DEFAULTS, "evidence_dir": tmp_path / "evidence"}
    environ = {**sandbox.env(), "LOGIN_PATH": login_path}
    code = in_worker_thread(run_exit_code, runbook, environ=environ, **options)
    printed = capsys.readouterr()
    return code, printed.out + printed.err


def logins(sandbox: Sandbox) -> list[tuple[str, str]]:
    return [
        (event["server"], event["path"])
        for event in sandbox.state()["history"]
        if event["kind"] == "login"
    ]


class TestLoginPath:
    def test_a_custom_login_page_with_a_module_id_is_used(
        self,
        sandbox_factory: Callable[..., Sandbox],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The servers' login page is /Account/Sign-In, hosting module 412 (its controls are
        dnn_ctr412_Login_Login_DNN_*); /Login answers 404. The run logs in there, once per
        server, and goes through."""
        sandbox = sandbox_factory(faults=["custom-login=/Account/Sign-In:412"])
        code, printed = run(tmp_path, sandbox, "/Account/Sign-In", capsys)
        assert code == 0, printed
        assert sorted(logins(sandbox)) == [
            ("new", "/Account/Sign-In"),
            ("old", "/Account/Sign-In"),
        ]

    def test_the_default_does_not_find_a_moved_login_page(
        self,
        sandbox_factory: Callable[..., Sandbox],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The control: with /Login the same sandbox refuses the run (exit 4), so the test
        above passes only because the runner went to login_path."""
        sandbox = sandbox_factory(faults=["custom-login=/Account/Sign-In:412"])
        code, printed = run(tmp_path, sandbox, "/Login", capsys)
        assert code == 4
        assert "shows DNN's login form" in printed
        assert logins(sandbox) == []

    def test_a_wrong_login_path_fails_naming_the_server_and_the_path(
        self, sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """login_path: /this-page-does-not-exist on a site whose login page is /Login: exit 4
        naming each server and the path, nobody logged in anywhere (it logged in at /Login
        and exited 0 before), and the page is looked at once, not read again."""
        code, printed = run(tmp_path, sandbox, "/this-page-does-not-exist", capsys)
        assert code == 4
        for server in (sandbox.old, sandbox.new):
            assert (
                f"{server.url}/this-page-does-not-exist (the login_path) shows no DNN login form "
                "(it answered HTTP 404" in printed
            )
        assert "old: " in printed
        assert "new: " in printed
        assert "Correct the server's login_path in the runbook" in printed
        assert logins(sandbox) == []
        events = (only_run_dir(tmp_path / "evidence") / "events.jsonl").read_text()
        assert '"read_retry"' not in events
        assert '"kind": "login-page"' in events
