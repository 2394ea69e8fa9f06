"""``dnn-runbook plan``: a runbook told in plain words, secrets never shown."""

from __future__ import annotations

import textwrap

from dnn_runbook.printable import printable
from dnn_runbook.runbook.durations import format_duration
from dnn_runbook.runbook.model import Runbook
from dnn_runbook.runbook.secrets import mask_values, repr_forms

#: Lines are wrapped here; long words (addresses) are never broken.
PLAN_WIDTH = 100


def _wrap(text: str, first: str, rest: str, width: int) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def render_plan(runbook: Runbook, *, label: str | None = None, width: int = PLAN_WIDTH) -> str:
    """Return the plan of ``runbook`` as text: what it is, the servers, the license, the steps.

    ``label`` names the runbook file as the user gave it (default: its absolute path). The
    invoice shows as its last four characters at most; passwords and the email never show,
    not even when a variable put one into another field (a confirm message, an address).
    Control characters are shown as escapes, never sent to the terminal.
    """
    lines = [f"Plan for {runbook.name} ({label or runbook.source}, sha256 {runbook.sha256[:12]})"]
    if runbook.description:
        lines += _wrap(runbook.description, "  ", "  ", width)
    lines += ["", "Servers:"]
    name_width = max(len(name) for name in runbook.servers)
    for server in runbook.servers.values():
        tls = ""
        if server.tls_ca is not None:
            tls = f"; its certificate checked against {server.tls_ca}"
        elif not server.tls_verify:
            tls = "; its certificate NOT checked (tls_verify: false)"
        lines.append(
            f"  {server.name:<{name_width}}  {server.url}  "
            f"(logs in as {server.username} at {server.login_path}{tls})"
        )
    lines += [
        "",
        f"License: invoice {runbook.license.invoice.masked()}, "
        f"account email {runbook.license.email.masked()} (hidden)",
    ]
    if runbook.max_development_window is not None:
        lines += _wrap(
            "The production invoice may serve as a Development license for at most "
            f"{format_duration(runbook.max_development_window)}.",
            "",
            "  ",
            width,
        )
    count = len(runbook.steps)
    lines += ["", f"Steps ({count}):"]
    number_width = len(str(count))
    for step in runbook.steps:
        head = f"  {step.index:>{number_width}}. [{step.id}] "
        lines += _wrap(step.describe(), head, " " * (number_width + 4), width)
    forms: set[str] = set()
    for secret in runbook.secrets():
        for value in {secret.reveal(), secret.reveal().strip()}:
            forms |= {value, *repr_forms(value)}
    return printable(mask_values("\n".join(lines), forms), newlines=True) + "\n"
