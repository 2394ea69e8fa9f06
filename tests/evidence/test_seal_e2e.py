"""A signed, timestamped rehearsal checked with every tool an auditor may hold: dnn-runbook
verify, ssh-keygen -Y verify, openssl ts -verify and sha256sum -c; a report rebuilt later keeps
the ticket hash true; and two rehearsals never share a screenshot."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.evidence.pki import SshSigner, Tsa
from tests.support import REPO

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("sealed-rehearsal")]


@dataclass(frozen=True)
class Sealed:
    """A signed and timestamped rehearsal's run directory, printed output and ticket hash,
    and a plain rehearsal's run directory."""

    run_dir: Path
    printed: str
    ticket: str
    plain_run_dir: Path


def _command(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DNN_")}
    return subprocess.run(
        [sys.executable, "-m", "dnn_runbook", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd or REPO,
        env=environ,
        check=False,
    )


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory, ssh_signer: SshSigner, tsa: Tsa) -> Sealed:
    """dnn-runbook rehearse --yes --sign-key … --tsa-url … --tsa-ca …, then a plain one."""
    evidence = tmp_path_factory.mktemp("sealed")
    done = _command(
        "rehearse", "--yes", "--evidence-dir", str(evidence), "--sign-key", str(ssh_signer.key),
        "--tsa-url", tsa.url, "--tsa-ca", str(tsa.ca),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (run_dir,) = list(evidence.iterdir())
    found = re.search(
        r"Ticket hash \(record it in the change ticket\): ([0-9a-f]{64})", done.stdout
    )
    assert found is not None, done.stdout[-2000:]
    plain = tmp_path_factory.mktemp("plain")
    again = _command("rehearse", "--yes", "--evidence-dir", str(plain))
    assert again.returncode == 0, again.stdout[-3000:]
    (plain_run_dir,) = list(plain.iterdir())
    return Sealed(run_dir, done.stdout, found.group(1), plain_run_dir)


class TestSignedTimestampedRehearsal:
    def test_the_run_says_the_ticket_hash_and_how_it_is_sealed(self, sealed: Sealed) -> None:
        """head.txt, the console and the report show the same hash; signed and timestamped."""
        assert (sealed.run_dir / "head.txt").read_text() == f"{sealed.ticket}\n"
        assert "  signed with the SSH key SHA256:" in sealed.printed
        assert "  timestamped by the time-stamping authority at " in sealed.printed
        report = (sealed.run_dir / "report.html").read_text(encoding="utf-8")
        assert sealed.ticket in report
        assert "Signed (head.txt.sig) with the SSH key SHA256:" in report
        # What the run acted on, from the binding: each server's address and account.
        assert re.search(r"old: http://127\.0\.0\.1:\d+ \(as host\)", report)

    def test_dnn_runbook_verify(self, sealed: Sealed, ssh_signer: SshSigner, tsa: Tsa) -> None:
        """verify with the ticket hash, the allowed signers and the TSA's CA: intact, who
        signed it and when it existed."""
        done = _command(
            "verify", str(sealed.run_dir), "--expect-head", sealed.ticket,
            "--allowed-signers", str(ssh_signer.allowed_signers), "--tsa-ca", str(tsa.ca),
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"ticket hash {sealed.ticket}" in done.stdout
        assert f"head.txt.sig: signed by {ssh_signer.principal}" in done.stdout
        assert "head.txt.tsr: the ticket hash existed at " in done.stdout

    def test_openssh_openssl_and_sha256sum_alone(
        self, sealed: Sealed, ssh_signer: SshSigner, tsa: Tsa
    ) -> None:
        """The README's auditor commands, none of them dnn-runbook."""
        run_dir = sealed.run_dir
        with (run_dir / "head.txt").open("rb") as data:
            signed = subprocess.run(
                [
                    "ssh-keygen", "-Y", "verify", "-f", str(ssh_signer.allowed_signers),
                    "-I", ssh_signer.principal, "-n", "dnn-runbook", "-s", "head.txt.sig",
                ],
                stdin=data, cwd=run_dir, capture_output=True, text=True, check=False,
            )  # fmt: skip
        assert signed.returncode == 0, signed.stderr
        stamped = subprocess.run(
            [
                "openssl", "ts", "-verify", "-digest", sealed.ticket, "-in", "head.txt.tsr",
                "-CAfile", str(tsa.ca),
            ],
            cwd=run_dir, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert "Verification: OK" in stamped.stdout, stamped.stderr
        sums = subprocess.run(
            ["sha256sum", "-c", "--strict", "SHA256SUMS"],
            cwd=run_dir, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert sums.returncode == 0, sums.stdout + sums.stderr
        assert "head.txt.sig: OK" in sums.stdout
        assert "manifest.json: OK" in sums.stdout
        assert sealed.ticket in (run_dir / "manifest.json").read_text()

    def test_a_rebuilt_report_leaves_the_ticket_true(
        self, sealed: Sealed, ssh_signer: SshSigner
    ) -> None:
        """dnn-runbook report extends the chain; verify --expect-head <the ticket hash> and
        the signature still pass (last: it adds report-2.html)."""
        rebuilt = _command("report", str(sealed.run_dir))
        assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
        assert f"the ticket hash stays {sealed.ticket} (head.txt)" in rebuilt.stdout
        done = _command(
            "verify", str(sealed.run_dir), "--expect-head", sealed.ticket,
            "--allowed-signers", str(ssh_signer.allowed_signers),
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr


class TestScreenshotsOfTwoRuns:
    def test_no_two_runs_share_a_screenshot(self, sealed: Sealed) -> None:
        """The same rehearsal twice: every screenshot carries its run's id and time, so not
        one is byte for byte the same as one of the other run."""

        def digests(run_dir: Path) -> set[str]:
            return {hashlib.sha256(p.read_bytes()).hexdigest() for p in run_dir.glob("*.png")}

        first, second = digests(sealed.run_dir), digests(sealed.plain_run_dir)
        assert len(first) >= 9
        assert first.isdisjoint(second)
