"""The safety rules no runbook can switch off, checked right before a click.

Each rule is a pure function of what the runner has just read from the servers, so it can be
tested without a browser. A rule that fires raises :class:`InterlockError` naming itself; the
step stops before anything is clicked.

The rules:

``reachable-before-remove``
    Never remove a Production (or Staging, Test, Failover) license while the removing server
    shows "Connection to license server failed": the license would be deleted locally and its
    activation not returned to the invoice (``docs/dnn-ui.md`` section 6, "deleted, service unreachable").
    Development activations are unlimited, so losing one costs nothing: a firewalled server
    may drop its Development license.
``replacement-first``
    Remove a Production (or Staging, Test, Failover) license only after another server of the
    runbook has been seen, in this run and just now, holding an activated license for the same
    invoice: the site must never be left without one.
``development-removed-last``
    Remove a Development license only when its server keeps another activated license, or
    another server holds a non-Development license for the invoice: the Development license
    is what carries the new server until Production is activated there.
``single-activation``
    Do not try to activate a Production (or Staging, Test, Failover) license while another
    server still holds one of that type for the invoice: the licensing service allows one
    activation at a time, and a failed attempt is noise in the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping

from dnn_runbook.exceptions import InterlockError
from dnn_runbook.licenses import LicenseType
from dnn_runbook.runner.views import ServerView, activated_row, is_type
from pages import LicenseRow

__all__ = ["ServerView", "check_activation", "check_removal", "looks_at_other_servers"]

DEVELOPMENT = LicenseType.DEVELOPMENT


def check_removal(
    server: ServerView, row: LicenseRow, others: Mapping[str, ServerView], *, masked_invoice: str
) -> None:
    """Raise :class:`InterlockError` unless removing ``row`` from ``server`` is safe."""
    development = is_type(row, DEVELOPMENT)
    if not server.licensing_reachable and not development:
        raise InterlockError(
            "reachable-before-remove",
            f"{server.name} cannot reach the DNN licensing service (its About page says "
            "'Connection to license server failed'), so removing the license there would lose "
            "its activation. Let the web server reach the licensing service (firewall, proxy, "
            "DNS), then resume the run.",
        )
    invoice = row.invoice_number
    if not development:
        holders = [name for name, view in others.items() if activated_row(view, invoice)]
        if not holders:
            raise InterlockError(
                "replacement-first",
                f"no other server holds an activated license for invoice {masked_invoice}, so "
                f"removing the {row.license_type} license from {server.name} would leave the "
                "site unlicensed. Activate the license on the new server first (the runbook's "
                "add_license step), then resume.",
            )
        return
    keeps_one = any(other is not row and other.activated for other in server.rows)
    elsewhere = [
        name
        for name, view in others.items()
        if any(
            not is_type(held, DEVELOPMENT)
            for held in view.rows
            if held.activated and held.matches(invoice_number=invoice)
        )
    ]
    if not keeps_one and not elsewhere:
        raise InterlockError(
            "development-removed-last",
            f"the Development license is the only activated license left on {server.name} and "
            f"no other server holds a Production license for invoice {masked_invoice}; "
            "removing it would leave the site unlicensed. Activate Production first, then resume.",
        )


def looks_at_other_servers(license_type: LicenseType | None, *, removal: bool) -> bool:
    """Whether a rule checked before this click may look at the other servers' views.

    Every removal may (``replacement-first``, ``development-removed-last``); an activation
    only when it is not Development (``single-activation``; Development activations are
    unlimited). The runner reads the other servers again only when this is true.
    """
    return removal or license_type is not DEVELOPMENT


def check_activation(
    server_name: str,
    license_type: LicenseType,
    invoice: str,
    others: Mapping[str, ServerView],
    *,
    masked_invoice: str,
) -> None:
    """Raise :class:`InterlockError` unless activating ``license_type`` on the server is safe."""
    if not license_type.single_activation:
        return
    holders = [name for name, view in others.items() if activated_row(view, invoice, license_type)]
    if holders:
        raise InterlockError(
            "single-activation",
            f"{', '.join(holders)} still holds the {license_type} license for invoice "
            f"{masked_invoice}, so activating it on {server_name} would be refused: it can be "
            "active on one server at a time. Remove it there first (the runbook's "
            "remove_license step), then resume.",
        )
