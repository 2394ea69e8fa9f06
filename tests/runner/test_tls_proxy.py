"""TLS and proxies, through the whole runner against the sandbox: a server behind HTTPS with
a self-signed certificate (`tls_verify: false`, `tls_ca: PATH`), and servers reachable only
through an HTTP proxy (`--proxy URL`); each recorded in the evidence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.runner.options import proxy_problem
from dnn_runbook.sandbox import Sandbox
from tests.runner.net_helpers import RecordingProxy, self_signed, tls_front
from tests.support import RUN_DEFAULTS, in_worker_thread, only_run_dir, run_exit_code

pytestmark = pytest.mark.e2e

RUNBOOK = """\
version: 1
name: tls-proxy
servers:
  old:
    url: ${{DNN_OLD_URL}}
    username: ${{DNN_OLD_USERNAME}}
    password: ${{DNN_OLD_PASSWORD}}
{old_extra}
  new:
    url: ${{DNN_NEW_URL}}
    username: ${{DNN_NEW_USERNAME}}
    password: ${{DNN_NEW_PASSWORD}}
{new_extra}
license:
  email: ${{DNN_LICENSE_EMAIL}}
  invoice: ${{DNN_LICENSE_INVOICE}}
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
    tmp_path: Path,
    environ: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    *,
    extra: str = "",
    **options: Any,
) -> tuple[int, str, Path]:
    """Run the runbook with ``extra`` under both servers; the exit code, what was printed,
    and the run directory."""
    runbook = tmp_path / "tls-proxy.yaml"
    runbook.write_text(RUNBOOK.format(old_extra=extra, new_extra=extra))
    evidence = tmp_path / "evidence"
    if evidence.exists():
        for old in evidence.iterdir():
            old.rename(tmp_path / f"earlier-{old.name}")
    settings = {**RUN_DEFAULTS, "evidence_dir": evidence, **options}
    code = in_worker_thread(run_exit_code, runbook, environ=environ, **settings)
    printed = capsys.readouterr()
    return code, printed.out + printed.err, only_run_dir(evidence)


def logins(sandbox: Sandbox) -> list[str]:
    return sorted(e["server"] for e in sandbox.state()["history"] if e["kind"] == "login")


@pytest.fixture
def https(sandbox: Sandbox, tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """Both sandbox servers behind HTTPS with one self-signed certificate for 127.0.0.1:
    the environment for the runbook, and the certificate (its own CA)."""
    cert, key = self_signed(tmp_path)
    with (
        tls_front(int(sandbox.old.url.rsplit(":", 1)[1]), cert, key) as old_port,
        tls_front(int(sandbox.new.url.rsplit(":", 1)[1]), cert, key) as new_port,
    ):
        environ = {
            **sandbox.env(),
            "DNN_OLD_URL": f"https://127.0.0.1:{old_port}",
            "DNN_NEW_URL": f"https://127.0.0.1:{new_port}",
        }
        yield environ, cert


class TestSelfSignedCertificate:
    def test_without_a_setting_the_run_stops_with_the_tls_message(
        self,
        sandbox: Sandbox,
        https: tuple[dict[str, str], Path],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The browser does not trust the certificate: exit 4, the TLS sentence and its
        advice (tls_ca, tls_verify), no login, not read again."""
        environ, _ = https
        code, printed, run_dir = run(tmp_path, environ, capsys)
        assert code == 4
        assert f"old: The certificate of {environ['DNN_OLD_URL']} is not trusted" in printed
        assert "ERR_CERT_AUTHORITY_INVALID" in printed
        assert "'tls_ca: PATH'" in printed
        assert logins(sandbox) == []
        assert '"read_retry"' not in (run_dir / "events.jsonl").read_text()

    def test_tls_verify_false_logs_in_and_is_recorded(
        self,
        sandbox: Sandbox,
        https: tuple[dict[str, str], Path],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """tls_verify: false: the run goes through; the binding and the report say that the
        certificate was not checked."""
        environ, _ = https
        code, printed, run_dir = run(tmp_path, environ, capsys, extra="    tls_verify: false")
        assert code == 0, printed
        assert logins(sandbox) == ["new", "old"]
        assert verify_run_dir(run_dir).ok
        binding = json.loads((run_dir / "manifest.json").read_text())["binding"]
        assert binding["servers"]["old"]["how"]["tls_verify"] is False
        assert (
            "certificate NOT checked (tls_verify: false)" in (run_dir / "report.html").read_text()
        )

    def test_tls_ca_checks_the_certificate_then_logs_in(
        self,
        sandbox: Sandbox,
        https: tuple[dict[str, str], Path],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """tls_ca naming the certificate's CA: the run goes through, and the report names the
        bundle. Another CA: exit 4, 'does not verify against the CA bundle', no login."""
        environ, cert = https
        code, printed, run_dir = run(tmp_path, environ, capsys, extra=f"    tls_ca: {cert}")
        assert code == 0, printed
        assert f"certificate checked against {cert}" in (run_dir / "report.html").read_text()
        assert logins(sandbox) == ["new", "old"]

        other, _ = self_signed(tmp_path, "other-ca")
        code, printed, _ = run(tmp_path, environ, capsys, extra=f"    tls_ca: {other}")
        assert code == 4
        assert f"does not verify against the CA bundle {other} (tls_ca)" in printed
        assert logins(sandbox) == ["new", "old"]


class TestProxy:
    def test_servers_reachable_only_through_the_proxy(
        self, sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The servers' names resolve only at the proxy: without --proxy the run stops at
        DNS (exit 4); with it the run goes through, the proxy forwarded every login, and the
        events and the report name the proxy."""
        old_port, new_port = (s.url.rsplit(":", 1)[1] for s in (sandbox.old, sandbox.new))
        environ = {
            **sandbox.env(),
            "DNN_OLD_URL": f"http://old-web01.dnn-runbook.invalid:{old_port}",
            "DNN_NEW_URL": f"http://new-web01.dnn-runbook.invalid:{new_port}",
        }
        code, printed, _ = run(tmp_path, environ, capsys)
        assert code == 4
        assert "does not resolve" in printed

        hosts = {"old-web01.dnn-runbook.invalid": "127.0.0.1"}
        hosts["new-web01.dnn-runbook.invalid"] = "127.0.0.1"
        with RecordingProxy(hosts) as proxy:
            code, printed, run_dir = run(tmp_path, environ, capsys, proxy=proxy.url)
        assert code == 0, printed
        posted = {url.casefold() for method, url in proxy.forwarded if method == "POST"}
        assert f"{environ['DNN_OLD_URL']}/login" in posted
        assert f"{environ['DNN_NEW_URL']}/login" in posted
        events = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
        started = next(e for e in events if e["event"] == "run_started")
        assert started["proxy"] == proxy.url
        assert f"through the proxy {proxy.url}" in (run_dir / "report.html").read_text()
        assert verify_run_dir(run_dir).ok

    def test_tls_ca_through_the_proxy(
        self, sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """HTTPS servers known only to the proxy, with a private CA: the browser tunnels
        through it (CONNECT) and the tls_ca check does too, and the run goes through."""
        names = ("old-web01.dnn-runbook.invalid", "new-web01.dnn-runbook.invalid")
        cert, key = self_signed(tmp_path, "cert", *names)
        with (
            tls_front(int(sandbox.old.url.rsplit(":", 1)[1]), cert, key) as old_port,
            tls_front(int(sandbox.new.url.rsplit(":", 1)[1]), cert, key) as new_port,
            RecordingProxy(dict.fromkeys(names, "127.0.0.1")) as proxy,
        ):
            environ = {
                **sandbox.env(),
                "DNN_OLD_URL": f"https://{names[0]}:{old_port}",
                "DNN_NEW_URL": f"https://{names[1]}:{new_port}",
            }
            extra = f"    tls_ca: {cert}"
            code, printed, run_dir = run(tmp_path, environ, capsys, extra=extra, proxy=proxy.url)
        assert code == 0, printed
        tunnels = {url for method, url in proxy.forwarded if method == "CONNECT"}
        # Chromium's own background calls (Google's hosts) may ride along; the servers must.
        assert tunnels >= {f"{names[0]}:{old_port}", f"{names[1]}:{new_port}"}
        assert logins(sandbox) == ["new", "old"]
        assert verify_run_dir(run_dir).ok


class TestProxyOption:
    @pytest.mark.parametrize(
        ("url", "says"),
        [
            ("proxy.example.com:3128", "must be an address such as"),
            ("ftp://proxy:21", "must be an address such as"),
            ("http://user:pw@proxy:3128", "must not hold a user name or password"),
            ("http://proxy:3128/path", "a scheme, host and port only"),
            ("http://proxy:99999", "is not an address"),
        ],
    )
    def test_a_bad_proxy_is_refused_with_a_reason(self, url: str, says: str) -> None:
        """Each malformed --proxy gets its reason; a good one none."""
        problem = proxy_problem(url)
        assert problem is not None
        assert says in problem
        assert "user:pw" not in problem
        assert proxy_problem("http://proxy.example.com:3128") is None
        assert proxy_problem("socks5://127.0.0.1:1080") is None

    def test_a_bad_proxy_is_exit_2_before_any_run_directory(self, tmp_path: Path) -> None:
        """`dnn-runbook run --proxy` with credentials in it: exit 2, no run directory."""
        from tests.support import FAKE_ENV, SEED_RUNBOOK

        env = tmp_path / "fake.env"
        env.write_text("".join(f"{k}={v}\n" for k, v in FAKE_ENV.items()))
        env.chmod(0o600)
        evidence = tmp_path / "evidence"
        result = CliRunner().invoke(
            app,
            [
                "run",
                str(SEED_RUNBOOK),
                "--env-file",
                str(env),
                "--evidence-dir",
                str(evidence),
                "--proxy",
                "http://user:secret@proxy:3128",
            ],
            terminal_width=200,
        )
        assert result.exit_code == 2
        assert "--proxy must not hold a user name or password" in result.output
        assert "secret" not in result.output
        assert not evidence.exists()
