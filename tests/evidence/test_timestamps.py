"""RFC 3161 timestamps over the ticket hash (``dnn_runbook.evidence.timestamps``), against a
local authority made with ``openssl ts``."""

from __future__ import annotations

from pathlib import Path

import pytest

from dnn_runbook.evidence import timestamps
from dnn_runbook.exceptions import SealError
from tests.evidence.pki import Tsa

HEAD = "3fa1" + "ab" * 30


class TestTimestamps:
    def test_obtained_over_the_hash_and_checked_against_the_ca(
        self, tsa: Tsa, tmp_path: Path
    ) -> None:
        """The reply is granted, over the ticket hash itself, and openssl ts -verify accepts
        it with the authority's CA; its time is read back."""
        reply = timestamps.obtain(HEAD, tsa.url)
        info = timestamps.inspect_reply(reply)
        assert info.granted
        assert info.imprint == HEAD
        assert info.time is not None
        assert info.time.endswith("GMT")
        path = tmp_path / "head.txt.tsr"
        path.write_bytes(reply)
        check = timestamps.verify(HEAD, path, tsa.ca)
        assert check.ok, check.problem
        assert check.time == info.time

    def test_another_hash_or_another_ca_is_refused(self, tsa: Tsa, tmp_path: Path) -> None:
        """A reply checked against another ticket hash, or a CA that did not issue the
        authority's certificate, is refused with openssl's reason."""
        path = tmp_path / "head.txt.tsr"
        path.write_bytes(timestamps.obtain(HEAD, tsa.url))
        wrong = timestamps.verify("0" * 64, path, tsa.ca)
        assert not wrong.ok
        assert "imprint mismatch" in (wrong.problem or "")
        # The TSA's own certificate is no CA: nothing vouches for it.
        assert not timestamps.verify(HEAD, path, tsa.folder / "tsa.pem").ok

    def test_an_authority_that_does_not_answer(self, tmp_path: Path) -> None:
        """A URL nobody listens on: a SealError naming it."""
        with pytest.raises(SealError, match="did not answer"):
            timestamps.obtain(HEAD, "http://127.0.0.1:9/tsa", timeout_s=5)
