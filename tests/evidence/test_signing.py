"""SSH signatures over the ticket hash with ``ssh-keygen -Y`` (``dnn_runbook.evidence.signing``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from dnn_runbook.evidence import signing
from dnn_runbook.exceptions import SealError
from tests.evidence.pki import SshSigner, make_ssh_signer

DATA = b"3fa1" + b"0" * 60 + b"\n"


class TestSigning:
    def test_a_signature_verifies_for_its_principal(
        self, ssh_signer: SshSigner, tmp_path: Path
    ) -> None:
        """Signed with the key, checked against allowed_signers: who, and with which key."""
        signature = tmp_path / "head.txt.sig"
        signature.write_bytes(signing.sign(DATA, ssh_signer.key))
        check = signing.verify(DATA, signature, ssh_signer.allowed_signers)
        assert check.ok
        assert check.signer == ssh_signer.principal
        assert check.key is not None
        assert signing.fingerprint(ssh_signer.key) in check.key

    def test_other_data_or_another_signer_is_refused(
        self, ssh_signer: SshSigner, tmp_path: Path
    ) -> None:
        """Another ticket hash, or a key the allowed signers do not name: refused, saying why."""
        signature = tmp_path / "head.txt.sig"
        signature.write_bytes(signing.sign(DATA, ssh_signer.key))
        assert not signing.verify(
            DATA.replace(b"3fa1", b"3fa2"), signature, ssh_signer.allowed_signers
        ).ok
        stranger = make_ssh_signer(tmp_path, "stranger@example.com")
        refused = signing.verify(DATA, signature, stranger.allowed_signers)
        assert not refused.ok
        assert "not one of" in (refused.problem or "")

    def test_a_signature_for_another_namespace_is_refused(
        self, ssh_signer: SshSigner, tmp_path: Path
    ) -> None:
        """The same key signing for git (namespace "git") cannot pass for a run's signature."""
        done = subprocess.run(
            ["ssh-keygen", "-Y", "sign", "-f", str(ssh_signer.key), "-n", "git"],
            input=DATA,
            capture_output=True,
            check=True,
        )
        signature = tmp_path / "head.txt.sig"
        signature.write_bytes(done.stdout)
        assert not signing.verify(DATA, signature, ssh_signer.allowed_signers).ok

    def test_describe_names_the_key_without_a_list_of_signers(
        self, ssh_signer: SshSigner, tmp_path: Path
    ) -> None:
        """For the report: the key's fingerprint, from the signature alone."""
        signature = tmp_path / "head.txt.sig"
        signature.write_bytes(signing.sign(DATA, ssh_signer.key))
        described = signing.describe(DATA, signature)
        assert described.ok
        assert signing.fingerprint(ssh_signer.key) in (described.key or "")

    def test_a_file_that_is_no_key(self, tmp_path: Path) -> None:
        """Signing with something that is not an SSH key says so."""
        path = tmp_path / "not-a-key"
        path.write_text("hello")
        with pytest.raises(SealError, match="ssh-keygen could not sign"):
            signing.sign(DATA, path)
