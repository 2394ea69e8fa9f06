"""Turning Playwright's errors into this project's, without letting a secret through.

A Playwright error message quotes the selector it waited for and sometimes the call log; a
secret could ride along (a value typed into a field, a text matched in a cell). Every page
object action runs inside :func:`page_errors`, which re-raises a :class:`PageError` whose
message names the action and the page, with the first line of Playwright's reason after every
known secret has been masked, and drops the original exception chain for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dnn_runbook.exceptions import PageError, PageTimeoutError
from pages.results import redact


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def page_errors(action: str, where: str, secrets: Iterable[str] = ()) -> Iterator[None]:
    """Re-raise Playwright errors inside the block as secret-free :class:`PageError`\\ s.

    Args:
        action: what the user was doing, as a phrase ("pressing Automatic Activation").
        where: the page's address, for the message.
        secrets: values that must not appear in the message.

    Raises:
        PageTimeoutError: the UI's signal did not come in time.
        PageError: any other Playwright failure.
    """
    hidden = tuple(secrets)
    try:
        yield
    except PlaywrightTimeoutError as exc:
        reason = redact(_first_line(exc), hidden)
        # "from None": the original message and its call log may quote a secret.
        raise PageTimeoutError(
            f"While {action} at {where}, the page did not give the expected signal in time "
            f"({reason}). Check that the server answers and that the page is the one expected."
        ) from None
    except PlaywrightError as exc:
        reason = redact(_first_line(exc), hidden)
        raise PageError(f"While {action} at {where}, the browser reported: {reason}.") from None
