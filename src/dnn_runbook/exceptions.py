"""Every error this project raises, in one hierarchy.

::

    DnnRunbookError
    ├── BrowserError
    │   ├── BrowserNotFoundError     no usable Chromium/Chrome/Edge could be found
    │   └── BrowserLaunchError       a browser was found but did not start
    ├── InputFileError               a file to read is not a regular file, is too large or unreadable
    │   └── InputTextError           its bytes are not text in the encoding its start announces
    ├── EvidenceError                a run's evidence could not be written, read or trusted
    │   ├── RunDirError              a run directory could not be made, or a path is not one
    │   ├── ManifestError            manifest.json is unreadable or malformed, or refused an entry
    │   ├── SealError                the ticket hash could not be signed, timestamped or checked
    │   └── SecretScanError          a file could not be opened to scan it for secrets
    ├── RunbookError                 a runbook could not be used
    │   └── RunbookInvalidError      the runbook or its env file has problems (carries them all)
    ├── RunError                     a run stopped; each kind has its own exit code
    │   ├── StepFailedError          a step could not do its work (exit 1)
    │   │   ├── InterlockError       a safety rule refused an action before the click
    │   │   ├── ActivationLostError  a removal did not return the activation to the invoice
    │   │   └── ServerAccessError    a server could not be reached or logged in to; not retried
    │   ├── OperatorDeclinedError    the operator said no at a confirmation (exit 3)
    │   ├── PreflightRefusedError    preflight found the servers not ready; nothing changed (exit 4)
    │   └── RunInterruptedError      Ctrl-C; the journal says where the run stopped
    ├── SandboxError                 the sandbox could not start, or a fault spec is wrong
    │   ├── FaultSpecError
    │   └── ReplayError              a capture file cannot be replayed
    └── PageError                    a page of the DNN admin UI did not look or act as expected
        ├── LoginFailedError
        ├── PageStructureError
        │   └── LoginPageNotFoundError  the runbook's login_path shows no DNN login form
        ├── CertificateError         a server's certificate did not verify against tls_ca
        ├── PageTimeoutError         the UI's own signal (notification, table change) never came
        ├── AboutNotAvailableError   Settings > About is missing: the account is not a host
        └── LicenseNotFoundError     no row of the license table matches what was asked

Messages are whole sentences that say where, what was expected, what was found and, when
there is something to do, what to do next. They never contain a secret.

An error raised while a runbook step runs carries that step: :func:`step_context` attaches it
once, around the whole step, and ``str()`` then starts with ``Step 'remove-prod-on-old':``.
No message spells the step out by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.problems import Problem


class DnnRunbookError(Exception):
    """The root of every error this project raises on purpose.

    ``step_id`` is the runbook step during which it was raised (``None`` outside a step); it
    is set by :func:`step_context`, never by hand, and leads the message.
    """

    step_id: str | None = None

    def __str__(self) -> str:
        text = super().__str__()
        return f"Step {self.step_id!r}: {text}" if self.step_id else text


@contextmanager
def step_context(step_id: str) -> Iterator[None]:
    """Attach ``step_id`` to every :class:`DnnRunbookError` raised inside (the innermost step
    wins), as httpx's ``request_context`` attaches the request to its errors."""
    try:
        yield
    except DnnRunbookError as exc:
        if exc.step_id is None:
            exc.step_id = step_id
        raise


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


class InputFileError(DnnRunbookError):
    """Raised by :func:`dnn_runbook.inputs.read_regular` when a file cannot be read safely: it
    is missing, not a regular file (a folder, a FIFO, a device such as ``/dev/zero``), larger
    than the limit for what it should hold, or unreadable. ``reason`` is the message without
    the file's name, for callers that name the file themselves (``FILE: reason``)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class InputTextError(InputFileError):
    """Raised by :func:`dnn_runbook.inputs.decode_text` when a file's bytes are not text in the
    encoding its start announces; ``line`` and ``col`` (from 1; 0 for the whole file) say where."""

    def __init__(self, path: str, reason: str, *, line: int = 0, col: int = 0) -> None:
        super().__init__(path, reason)
        self.line = line
        self.col = col


class EvidenceError(DnnRunbookError):
    """Raised when a run's evidence cannot be written or read; the message names the file."""


class RunDirError(EvidenceError):
    """Raised when a run directory cannot be created, or a path given as one is not one."""


class ManifestError(EvidenceError):
    """Raised when ``manifest.json`` is unreadable, malformed or has a broken chain, or when a
    file cannot be added to it (outside the run directory, not a regular file)."""


class SealError(EvidenceError):
    """Raised when the ticket hash cannot be signed (``ssh-keygen -Y sign``) or timestamped (a
    time-stamping authority over ``openssl ts``), or when the tool that would check a
    signature or a timestamp is missing; the message says which and why."""


class SecretScanError(EvidenceError):
    """Raised when a file (such as a damaged zip archive) cannot be opened to scan inside it."""


class RunbookError(DnnRunbookError):
    """Raised when a runbook cannot be used."""


class RunbookInvalidError(RunbookError):
    """Raised by ``dnn_runbook.runbook.load`` when the runbook or its env file has errors.

    ``problems`` holds every problem found (warnings too), each with its file, line and
    column; the message lists the errors, one ``FILE:LINE:COL: message`` a line.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.is_error]
        count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
        lines = "\n".join(str(p) for p in errors)
        super().__init__(f"The runbook has {count}; nothing was run:\n{lines}")


class RunError(DnnRunbookError):
    """Raised when a run stops before its last step; ``exit_code`` says how it ends."""

    exit_code: ExitCode = ExitCode.STEP_FAILED


class StepFailedError(RunError):
    """Raised when a step cannot do its work; the run stops and exits 1."""


class InterlockError(StepFailedError):
    """Raised before the click when a safety rule that no runbook can switch off refuses an
    action; the message names the rule."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(
            f"Interlock {rule!r} stopped the step before anything was clicked: {message}"
        )


class ActivationLostError(StepFailedError):
    """Raised when a removal deleted the license but could not return its activation to the
    invoice: only DNN Technical Support can restore it, so the run stops at once."""


class ServerAccessError(StepFailedError):
    """Raised when a server cannot be used for a reason that trying again would not cure (a
    refused login, an account that is not a host, a name that does not resolve, a refused
    connection, an untrusted certificate, no login form at the runbook's ``login_path``): it is
    never retried, since a second wrong password counts towards DNN's lockout. ``server`` is
    the runbook's name for it, ``kind`` why (``dnn_runbook.runner.access.FailureKind``)."""

    def __init__(self, message: str, *, server: str, kind: str) -> None:
        self.server = server
        self.kind = kind
        super().__init__(message)


class SupportCaseError(DnnRunbookError):
    """Raised when ``--support-case`` is given to a resume of a run that lost no activation
    waiting for one; nothing is started."""


class OperatorDeclinedError(RunError):
    """Raised when the operator declines a confirmation; the run stops and exits 3."""

    exit_code = ExitCode.DECLINED


class PreflightRefusedError(RunError):
    """Raised when preflight finds the servers not as the runbook expects; nothing was changed
    and the run exits 4."""

    exit_code = ExitCode.PREFLIGHT_REFUSED


class RunInterruptedError(RunError):
    """Raised when the operator presses Ctrl-C; the journal records the unfinished step."""

    exit_code = ExitCode.INTERRUPTED


class SandboxError(DnnRunbookError):
    """Raised when the sandbox cannot start or is asked for something it does not support."""


class FaultSpecError(SandboxError):
    """Raised when a ``--fault`` spec (or its JSON form) is not one the sandbox knows."""


class ReplayError(SandboxError):
    """Raised when a capture file given to ``--replay`` cannot be read or holds too little to
    be replayed; the message says which."""


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


class LoginPageNotFoundError(PageStructureError):
    """Raised when the runbook's ``login_path`` shows no DNN login form: the run logs in only
    there, never somewhere else instead."""


class CertificateError(PageError):
    """Raised when a server's certificate does not verify against the runbook's ``tls_ca``
    bundle (or its host name does not match); carries the TLS library's reason."""


class PageTimeoutError(PageError):
    """Raised when the UI's own signal that an action finished (a notification, the table
    changing, a panel opening) did not come in time."""


class AboutNotAvailableError(PageError):
    """Raised when the Persona Bar has no Settings > About item: only a superuser (host) sees it."""


class LicenseNotFoundError(PageError):
    """Raised when no row of the license table matches the type, invoice or server asked for;
    the message never repeats the invoice number."""
