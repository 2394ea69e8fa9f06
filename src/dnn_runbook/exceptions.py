"""Every error this project raises, in one hierarchy.

::

    DnnRunbookError
    ├── BrowserError
    │   ├── BrowserNotFoundError     no usable Chromium/Chrome/Edge could be found
    │   └── BrowserLaunchError       a browser was found but did not start
    ├── SandboxError                 the sandbox could not start, or a fault spec is wrong
    │   └── FaultSpecError
    └── PageError                    a page of the DNN admin UI did not look or act as expected
        ├── LoginFailedError
        └── PageStructureError

Messages are whole sentences that say where, what was expected, what was found and, when
there is something to do, what to do next. They never contain a secret.
"""

from __future__ import annotations


class DnnRunbookError(Exception):
    """The root of every error this project raises on purpose."""


class BrowserError(DnnRunbookError):
    """Raised when the browser layer cannot provide a working browser."""


class BrowserNotFoundError(BrowserError):
    """Raised when no Chromium-family browser can be found; the message lists what was tried."""


class BrowserLaunchError(BrowserError):
    """Raised when a browser was found but Playwright could not start it."""

    def __init__(self, message: str, *, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(message)


class SandboxError(DnnRunbookError):
    """Raised when the sandbox cannot start or is asked for something it does not support."""


class FaultSpecError(SandboxError):
    """Raised when a ``--fault`` spec (or its JSON form) is not one the sandbox knows."""


class PageError(DnnRunbookError):
    """Raised when a page of the DNN admin UI does not look or behave as the page object expects."""


class LoginFailedError(PageError):
    """Raised when the DNN login page rejects the credentials; carries the page's own message."""

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        self.page_message = message
        super().__init__(f"Logging in at {url} failed: the page said {message!r}.")


class PageStructureError(PageError):
    """Raised when an element the page object relies on is missing or not as the spec says."""
