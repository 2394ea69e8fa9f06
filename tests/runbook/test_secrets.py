"""``Secret``: a value that formats only masked (``dnn_runbook.runbook.secrets``)."""

from __future__ import annotations

import copy
import logging
import pickle

import pytest

from dnn_runbook.runbook import Secret, SecretKind


class TestMasking:
    def test_invoice_shows_its_last_four(self) -> None:
        """An invoice masks to the dots and its last four characters."""
        assert Secret("INV001-1", SecretKind.INVOICE).masked() == "••••01-1"

    def test_short_invoice_shows_at_most_half(self) -> None:
        """A short invoice never shows whole: at most half of it is shown."""
        assert Secret("AB12", SecretKind.INVOICE).masked() == "••••12"
        assert Secret("A", SecretKind.INVOICE).masked() == "••••"

    @pytest.mark.parametrize(
        "kind", [SecretKind.PASSWORD, SecretKind.EMAIL, SecretKind.ACTIVATION_KEY]
    )
    def test_other_kinds_are_fully_masked(self, kind: SecretKind) -> None:
        """Passwords, emails and activation keys show nothing, not even their length."""
        assert Secret("a-long-value@example.com", kind).masked() == "••••"
        assert Secret("x", kind).masked() == "••••"

    def test_no_formatting_shows_the_value(self, caplog: pytest.LogCaptureFixture) -> None:
        """str, repr, f-strings, %-formatting, containers and logging all show the mask."""
        secret = Secret("s3cr3t-Value", SecretKind.PASSWORD)
        logging.getLogger("test").warning("value %s %r", secret, secret)
        shown = [
            str(secret),
            repr(secret),
            f"{secret} {secret!r} {secret:>20}",
            "%s" % secret,  # noqa: UP031 - the old formatting must mask too
            str([secret]),
            str({"password": secret}),
            caplog.text,
        ]
        assert all("s3cr3t" not in text for text in shown)
        assert repr(secret) == "Secret(password, '••••')"

    def test_reveal_returns_the_value(self) -> None:
        """reveal() is the one way to the value."""
        assert Secret("s3cr3t", SecretKind.PASSWORD).reveal() == "s3cr3t"


class TestIdentity:
    def test_equality_needs_kind_and_value(self) -> None:
        """Secrets are equal when kind and value are; never equal to a plain string."""
        a = Secret("v", SecretKind.INVOICE)
        assert a == Secret("v", SecretKind.INVOICE)
        assert a != Secret("v", SecretKind.EMAIL)
        assert a != Secret("w", SecretKind.INVOICE)
        assert a != "v"
        assert hash(a) == hash(Secret("v", SecretKind.INVOICE))

    def test_cannot_be_changed(self) -> None:
        """A Secret is immutable."""
        secret = Secret("v", SecretKind.PASSWORD)
        with pytest.raises(AttributeError, match="cannot be changed"):
            secret._value = "w"  # type: ignore[misc]
        with pytest.raises(AttributeError, match="cannot be changed"):
            del secret._kind

    def test_copies_keep_the_value(self) -> None:
        """copy and deepcopy (dataclasses.replace, asdict) keep the value."""
        secret = Secret("v", SecretKind.PASSWORD)
        assert copy.copy(secret) == secret
        assert copy.deepcopy(secret) == secret

    def test_cannot_be_pickled(self) -> None:
        """Pickling, which would write the value out in the clear, is refused."""
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(Secret("v", SecretKind.PASSWORD))
