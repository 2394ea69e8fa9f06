"""The ticket hash, signed and timestamped, and what verify makes of it
(``dnn_runbook.evidence.seal``), with real ``ssh-keygen`` and ``openssl``."""

from __future__ import annotations

import subprocess
from pathlib import Path

from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.seal import SealOptions, option_problems, seal, tickets
from dnn_runbook.evidence.verify import verify_run_dir
from tests.evidence.pki import SshSigner, Tsa, make_ssh_signer


class TestSeal:
    def test_signed_and_timestamped_ticket(
        self, manifest: Manifest, ssh_signer: SshSigner, tsa: Tsa
    ) -> None:
        """head.txt holds the head; its signature and timestamp are chained after it; verify
        says who signed it and when it existed."""
        head = manifest.head
        ticket = seal(
            manifest, SealOptions(sign_key=ssh_signer.key, tsa_url=tsa.url, tsa_ca=tsa.ca)
        )
        assert ticket.warnings == ()
        assert (ticket.file, ticket.signature, ticket.timestamp) == (
            "head.txt",
            "head.txt.sig",
            "head.txt.tsr",
        )
        assert (manifest.run_dir / "head.txt").read_text() == f"{head}\n"
        assert [e.file for e in manifest.entries][-3:] == [
            "head.txt",
            "head.txt.sig",
            "head.txt.tsr",
        ]
        result = verify_run_dir(
            manifest.run_dir,
            expect_head=head,
            allowed_signers=ssh_signer.allowed_signers,
            tsa_ca=tsa.ca,
        )
        assert result.ok, result.problems
        assert result.ticket == head
        assert result.notes[0].startswith(f"head.txt.sig: signed by {ssh_signer.principal} (")
        assert result.notes[1].startswith("head.txt.tsr: the ticket hash existed at ")

    def test_openssh_and_openssl_alone_check_it(
        self, manifest: Manifest, ssh_signer: SshSigner, tsa: Tsa
    ) -> None:
        """The README's commands: ssh-keygen -Y verify and openssl ts -verify, no dnn-runbook."""
        seal(manifest, SealOptions(sign_key=ssh_signer.key, tsa_url=tsa.url))
        run_dir = manifest.run_dir
        head = (run_dir / "head.txt").read_text().strip()
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
            ["openssl", "ts", "-verify", "-digest", head, "-in", "head.txt.tsr", "-CAfile", str(tsa.ca)],
            cwd=run_dir, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert "Verification: OK" in stamped.stdout, stamped.stderr

    def test_a_forged_signature_or_timestamp_is_refused(
        self, manifest: Manifest, ssh_signer: SshSigner, tsa: Tsa, tmp_path: Path
    ) -> None:
        """A signature by a key the allowed signers do not name, or a timestamp checked
        against another CA: verify fails, naming the file."""
        seal(manifest, SealOptions(sign_key=ssh_signer.key, tsa_url=tsa.url))
        stranger = make_ssh_signer(tmp_path, "stranger@example.com")
        result = verify_run_dir(
            manifest.run_dir,
            allowed_signers=stranger.allowed_signers,
            tsa_ca=tsa.folder / "tsa.pem",
        )
        assert [p.split(":")[0] for p in result.problems] == ["head.txt.sig", "head.txt.tsr"]

    def test_unsigned_when_a_signature_is_required(
        self, manifest: Manifest, ssh_signer: SshSigner
    ) -> None:
        """--allowed-signers on a run that was not signed: a problem, not a pass."""
        seal(manifest, SealOptions())
        problems = verify_run_dir(
            manifest.run_dir, allowed_signers=ssh_signer.allowed_signers
        ).problems
        assert problems == ("head.txt is not signed (no head.txt.sig in the chain).",)

    def test_without_the_checks_verify_says_what_was_not_checked(
        self, manifest: Manifest, ssh_signer: SshSigner, tsa: Tsa
    ) -> None:
        """A signed, timestamped run verified without --allowed-signers or --tsa-ca: intact,
        with a note for each."""
        seal(manifest, SealOptions(sign_key=ssh_signer.key, tsa_url=tsa.url))
        result = verify_run_dir(manifest.run_dir)
        assert result.ok
        assert result.notes == (
            "head.txt.sig: signed; pass --allowed-signers FILE to check by whom.",
            "head.txt.tsr: timestamped; pass --tsa-ca FILE to check it.",
        )

    def test_a_failed_seal_is_a_warning_not_a_lost_run(self, manifest: Manifest) -> None:
        """An authority that does not answer: the ticket is written, the warning says why."""
        ticket = seal(manifest, SealOptions(tsa_url="http://127.0.0.1:9/tsa"))
        assert ticket.timestamp is None
        assert ticket.warnings[0].startswith("The ticket hash was not timestamped:")
        assert verify_run_dir(manifest.run_dir).ok

    def test_a_second_seal_after_a_resume(self, manifest: Manifest) -> None:
        """A resumed run's end writes head-2.txt; both tickets stay true."""
        first = seal(manifest, SealOptions())
        manifest.write_file("02-more.png", b"x")
        second = seal(manifest, SealOptions())
        assert second.file == "head-2.txt"
        assert [t.head for t in tickets(manifest.run_dir, manifest.entries)] == [
            first.head,
            second.head,
        ]
        assert verify_run_dir(manifest.run_dir, expect_head=first.head).ok


class TestOptionProblems:
    def test_each_bad_option_is_named_before_anything_starts(self, tmp_path: Path) -> None:
        """A missing key, a file that is no key, a URL that is not http(s), a missing CA."""
        not_a_key = tmp_path / "key"
        not_a_key.write_text("hello")
        problems = option_problems(
            SealOptions(sign_key=not_a_key, tsa_url="ftp://x", tsa_ca=tmp_path / "ca.pem")
        )
        assert problems[0].startswith(f"--sign-key {not_a_key}: ")
        assert problems[1] == "--tsa-url must be an http:// or https:// address (got 'ftp://x')."
        assert problems[2] == f"--tsa-ca {tmp_path / 'ca.pem'}: there is no such file."
        assert option_problems(SealOptions(sign_key=tmp_path / "none")) == [
            f"--sign-key {tmp_path / 'none'}: there is no such key file."
        ]
