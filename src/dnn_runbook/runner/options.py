"""How to run a runbook: every choice of ``run`` and ``rehearse``, declared once.

The command line translates its flags into :class:`RunOptions`; the application layer, the
benchmarks and the tests build one directly. Nothing else declares a run option.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dnn_runbook.evidence.seal import SealOptions
from dnn_runbook.evidence.trace import TraceMode
from dnn_runbook.runner.console import LogFormat
from dnn_runbook.runner.resolve import Resolver, system_resolve

if TYPE_CHECKING:
    from dnn_runbook.runbook import AddLicenseStep

#: Given the Server ID and the step, returns the activation key (the rehearsal's sandbox).
KeyProvider = Callable[[str, "AddLicenseStep"], str]

#: Seconds to wait before each retry of a read or an unanswered click: 1, 2, then 4.
READ_BACKOFF = (1.0, 2.0, 4.0)


#: The proxy schemes Chromium takes.
PROXY_SCHEMES = ("http", "https", "socks4", "socks5")


def proxy_problem(url: str | None) -> str | None:
    """Why ``url`` cannot be the ``--proxy``, as a sentence; ``None`` when it can (or none).

    A user name or password in it is refused, as in a server's address: the proxy is
    recorded in the events, and Chromium takes no credentials in a proxy address anyway.
    """
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number, or out of range, raises here
    except ValueError as exc:
        return f"--proxy {url!r} is not an address ({exc}); write it as http://HOST:PORT."
    if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
        return (
            f"--proxy must be an address such as http://proxy.example.com:3128 "
            f"({', '.join(PROXY_SCHEMES)}), got {url!r}."
        )
    if parts.username is not None or parts.password is not None:
        return (
            "--proxy must not hold a user name or password (addresses get logged); use a proxy "
            "that lets this machine through, or one on this machine that logs in for it."
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"--proxy takes a scheme, host and port only, got {url!r}."
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOptions:
    """How to run (or resume) a runbook; every field has the command line's default."""

    #: The folder that receives one new run directory per run.
    evidence_dir: Path = Path("screenshots")
    #: Continue the run in this run directory instead of starting a new one.
    resume: Path | None = None
    #: The env file the runbook was loaded with, for the command a stopped run prints.
    env_file: Path | None = None
    #: The run directory this run backs out (``dnn-runbook rollback``): a stopped rollback is
    #: continued by rolling that run back again, not by resuming this one.
    rollback_of: Path | None = None
    #: Confirm every ``confirm`` step without asking (unattended rehearsals only).
    assume_yes: bool = False
    headed: bool = False
    slow_mo_ms: float = 0
    #: A Chromium, Chrome or Edge binary; ``None`` finds one (see ``dnn_runbook.browser``).
    browser_path: str | None = None
    #: The proxy every page goes through (``--proxy``): ``http://host:port`` and the like.
    proxy: str | None = None
    #: How long a page may take to answer, in seconds.
    timeout_s: float = 30
    #: False: the minimum evidence the tool allows (journal, events, manifest; no images).
    screenshots: bool = True
    #: Leave the account email and invoice unmasked in screenshots (never passwords or keys).
    show_license_ids: bool = False
    #: Keep a scrubbed Playwright trace of each server's browser context.
    trace: TraceMode = TraceMode.OFF
    #: How events reach the console (``events.jsonl`` is always JSON).
    log_format: LogFormat = LogFormat.CONSOLE
    #: Write a sanitized capture of what the tool met on each server to this file.
    capture: Path | None = None
    #: Sign the ticket hash with this SSH private key (``ssh-keygen -Y sign``).
    sign_key: Path | None = None
    #: Timestamp the ticket hash at this RFC 3161 time-stamping authority.
    tsa_url: str | None = None
    #: The authority's CA certificates, to check its answer at once (``verify`` can later).
    tsa_ca: Path | None = None
    #: Where manual activation keys come from when the runbook names none (the rehearsal's
    #: sandbox); ``None`` asks the operator.
    activation_key_provider: KeyProvider | None = None
    #: The DNN support case that lets a resume go past a step that lost an activation.
    support_case: str | None = None
    #: A rehearsal: its sandbox stops with the run, so a stopped run offers no resume or
    #: rollback command (it would find no server), only to rehearse again.
    rehearsal: bool = False
    #: Backoff between retries, and how to wait it out; tests shorten both, nothing else should.
    backoff: tuple[float, ...] = READ_BACKOFF
    sleep: Callable[[float], None] = time.sleep
    #: Run this program (and arguments) when the run waits for the operator and when it ends
    #: (see :mod:`dnn_runbook.runner.attention`); empty: none.
    notify_command: tuple[str, ...] = ()
    #: Ring the terminal's bell then too (only when standard error is a terminal).
    bell: bool = True
    #: How ``wait_cutover`` resolves host names; tests move a public name with it.
    resolve: Resolver = system_resolve

    def __post_init__(self) -> None:
        if self.timeout_s < 1:
            raise ValueError(
                f"RunOptions.timeout_s must be at least 1 second (got {self.timeout_s!r}); "
                "a page needs time to answer."
            )
        if self.slow_mo_ms < 0:
            raise ValueError(
                f"RunOptions.slow_mo_ms must be 0 or more milliseconds (got {self.slow_mo_ms!r})."
            )
        if any(delay < 0 for delay in self.backoff):
            raise ValueError(
                f"RunOptions.backoff must hold no negative delay (got {self.backoff!r})."
            )

    @property
    def seal(self) -> SealOptions:
        """How the run's ticket hash is sealed (signed, timestamped)."""
        return SealOptions(sign_key=self.sign_key, tsa_url=self.tsa_url, tsa_ca=self.tsa_ca)

    @property
    def timeout_ms(self) -> float:
        """:attr:`timeout_s` as Playwright counts it."""
        return self.timeout_s * 1000
