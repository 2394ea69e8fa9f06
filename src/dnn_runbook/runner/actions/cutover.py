"""``wait_cutover``: wait until the public site is served by the new server.

The new server's own address answers whether or not DNS has moved, so waiting on it proves
nothing. This step looks at the public site itself: what its host name resolves to on this
machine (``address``: only the new server's addresses) and what answers there (``marker``: a
response header or a page only the new server serves). Each poll's findings are an event
(``cutover_poll``); the step's message says what resolved to what and which marker was seen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx

from dnn_runbook.evidence.journal import StepStatus
from dnn_runbook.exceptions import StepFailedError
from dnn_runbook.runbook import CutoverMarker, WaitCutoverStep, format_duration
from dnn_runbook.runner.actions.result import ActionResult
from dnn_runbook.runner.context import StepContext
from dnn_runbook.runner.resolve import Resolver


@dataclass(slots=True)
class _Look:
    """One poll: what was found, and what still says the old server serves the site."""

    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    new_addresses: list[str] = field(default_factory=list)
    marker_seen: str | None = None


def _addresses(resolve: Resolver, host: str) -> tuple[list[str] | None, str | None]:
    try:
        return sorted(resolve(host)), None
    except OSError as exc:
        return None, f"{host} does not resolve ({exc.strerror or type(exc).__name__})"


def _check_address(look: _Look, resolve: Resolver, host: str, new: str) -> None:
    public, why = _addresses(resolve, host)
    if not public:
        look.missing.append(why or f"{host} resolves to no address")
        return
    look.resolved = public
    ours, why = _addresses(resolve, new)
    if ours is None:
        look.missing.append(why or new)
        return
    look.new_addresses = ours
    listed = ", ".join(public)
    mine = ", ".join(ours)
    stray = [address for address in public if address not in ours]
    if stray:
        verb = "is not an address" if len(stray) == 1 else "are not addresses"
        look.missing.append(
            f"{host} resolves to {listed}, and {', '.join(stray)} {verb} of {new} ({mine})"
        )
    else:
        look.found.append(f"{host} resolves to {listed}, the address of {new}")


def _check_marker(look: _Look, client: httpx.Client, url: str, marker: CutoverMarker) -> None:
    if marker.path is not None:
        parts = urlsplit(url)
        url = urlunsplit((parts.scheme, parts.netloc, marker.path, "", ""))
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        look.missing.append(f"{url} did not answer ({type(exc).__name__})")
        return
    if marker.header is not None:
        values = [v.strip() for v in response.headers.get_list(marker.header, split_commas=True)]
        look.marker_seen = f"{marker.header}: {', '.join(values)}" if values else None
        if marker.value in values:
            look.found.append(f"{url} answered with {marker.header}: {marker.value}")
        elif values:
            look.missing.append(f"{url} answered with {look.marker_seen}, not {marker.value}")
        else:
            look.missing.append(
                f"{url} answered HTTP {response.status_code} without a {marker.header} header"
            )
        return
    if response.status_code == 200 and (marker.contains or "") in response.text:
        look.marker_seen = f"{marker.path} containing {marker.contains!r}"
        look.found.append(f"{url} answered with {marker.contains!r} in the page")
    else:
        look.missing.append(
            f"{url} answered HTTP {response.status_code}"
            + (f" without {marker.contains!r} in the page" if response.status_code == 200 else "")
        )


def _look(ctx: StepContext, client: httpx.Client, step: WaitCutoverStep) -> _Look:
    look = _Look()
    host = urlsplit(step.url).hostname or ""
    if step.address is not None:
        _check_address(look, ctx.options.resolve, host, step.address)
    if step.marker is not None:
        _check_marker(look, client, step.url, step.marker)
    return look


def wait(ctx: StepContext, step: WaitCutoverStep) -> ActionResult:
    """Poll every ``interval`` until the public site is the new server's, for at most
    ``timeout``; then say what showed it, or stop the run saying what still points at old."""
    deadline = time.monotonic() + step.timeout.total_seconds()
    interval = step.interval.total_seconds()
    # As many polls as the timeout holds intervals, and never past the deadline: the count
    # keeps the promise when the run's clock is not the wall clock (tests, benchmarks).
    allowed = int(step.timeout.total_seconds() // interval) + 1 if interval else 1
    polls = 0
    with httpx.Client(timeout=min(interval, 30.0) or 5.0, follow_redirects=True) as client:
        while True:
            polls += 1
            ctx.console.activity(f"checking who serves {step.url} (try {polls})")
            look = _look(ctx, client, step)
            ctx.log.info(
                "cutover_poll",
                url=step.url,
                poll=polls,
                resolved=look.resolved,
                new_addresses=look.new_addresses,
                marker_seen=look.marker_seen,
                served_by_new=not look.missing,
                still=look.missing,
            )
            if not look.missing:
                tries = "at the first try" if polls == 1 else f"after {polls} tries"
                return ActionResult(
                    StepStatus.DONE,
                    f"The new server serves {step.url} ({tries}): " + "; ".join(look.found) + ".",
                )
            if polls >= allowed or time.monotonic() + interval > deadline:
                raise StepFailedError(
                    f"the public site {step.url} was still not served by the new server after "
                    f"{format_duration(step.timeout)}: " + "; ".join(look.missing) + ". Nothing "
                    "after this step was done, so the old server still holds its license. "
                    "Finish the cut-over (DNS records, load balancers, this machine's DNS cache), "
                    "then resume the run with --resume."
                )
            ctx.wait(interval)
