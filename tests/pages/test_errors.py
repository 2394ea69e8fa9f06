"""pages._errors: Playwright's failures become PageErrors that carry no secret."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dnn_runbook.exceptions import PageError, PageTimeoutError
from pages._errors import page_errors


class TestPageErrors:
    def test_timeout_becomes_page_timeout_without_the_secret(self) -> None:
        """A timeout quoting a secret is re-raised as PageTimeoutError with the secret masked."""
        with (
            pytest.raises(PageTimeoutError) as info,
            page_errors("removing a license", "http://x", ["INV-SECRET-1"]),
        ):
            raise PlaywrightTimeoutError("waiting for get_by_text('INV-SECRET-1')\ncall log")
        message = str(info.value)
        assert "INV-SECRET-1" not in message
        assert "removing a license at http://x" in message
        assert "call log" not in message

    def test_the_original_chain_is_dropped(self) -> None:
        """The Playwright exception is not chained, since its text may hold the secret."""
        with pytest.raises(PageError) as info, page_errors("typing", "http://x", ["hunter2"]):
            raise PlaywrightError("fill('hunter2') failed")
        assert info.value.__cause__ is None
        assert info.value.__suppress_context__
        assert "hunter2" not in str(info.value)
        assert not isinstance(info.value, PageTimeoutError)

    def test_other_errors_pass_through(self) -> None:
        """Errors that are not Playwright's are not touched."""
        with pytest.raises(ValueError, match="mine"), page_errors("x", "y"):
            raise ValueError("mine")
