"""Server IDs and manual activation keys."""

from __future__ import annotations

import re

from dnn_runbook.sandbox.keys import SERVER_ID_LENGTH, KeySigner, server_id_for


class TestServerId:
    def test_long_upper_case_hex_and_stable(self) -> None:
        """A Server ID is a long hex blob that never changes for one server."""
        first = server_id_for("WEB-OLD")
        assert re.fullmatch(rf"[0-9A-F]{{{SERVER_ID_LENGTH}}}", first)
        assert server_id_for("WEB-OLD") == first

    def test_differs_between_servers(self) -> None:
        """Two servers never share a Server ID."""
        assert server_id_for("WEB-OLD") != server_id_for("WEB-NEW")


class TestKeySigner:
    def test_a_key_carries_its_terms(self) -> None:
        """check() returns what issue() granted."""
        signer = KeySigner()
        key = signer.issue("ABC", "INV001-1", "Production", "2030-01-01")
        content = signer.check(key)
        assert content is not None
        assert (content.server_id, content.invoice, content.license_type, content.expires) == (
            "ABC",
            "INV001-1",
            "Production",
            "2030-01-01",
        )

    def test_line_breaks_in_a_pasted_key_do_not_matter(self) -> None:
        """A key pasted with line breaks and spaces still checks."""
        signer = KeySigner()
        key = signer.issue("ABC", "INV001-1", "Production", "2030-01-01")
        wrapped = "\n".join(key[i : i + 64] for i in range(0, len(key), 64))
        assert signer.check(f"  {wrapped} \n") is not None

    def test_an_edited_key_is_refused(self) -> None:
        """Changing one character of the payload breaks the signature."""
        signer = KeySigner()
        key = signer.issue("ABC", "INV001-1", "Production", "2030-01-01")
        edited = ("0" if key[10] != "0" else "1").join((key[:10], key[11:]))
        assert signer.check(edited) is None

    def test_another_sandboxs_key_is_refused(self) -> None:
        """Each sandbox signs with its own secret."""
        key = KeySigner().issue("ABC", "INV001-1", "Production", "2030-01-01")
        assert KeySigner().check(key) is None

    def test_garbage_is_refused(self) -> None:
        """Text that is not a key at all is simply not valid."""
        assert KeySigner().check("hello") is None
        assert KeySigner().check("Z" * 200) is None

    def test_each_key_is_unique(self) -> None:
        """Two keys for the same terms differ, so one key can be used once."""
        signer = KeySigner()
        first = signer.check(signer.issue("ABC", "INV001-1", "Production", "2030-01-01"))
        second = signer.check(signer.issue("ABC", "INV001-1", "Production", "2030-01-01"))
        assert first is not None
        assert second is not None
        assert first.nonce != second.nonce
