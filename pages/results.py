"""What the About page said after an action, as typed values.

Evoq answers every license action with one notification (``docs/dnn-ui.md`` section 6, the verbatim texts of
``Licensing.resx``). :func:`classify` turns that text into an :class:`Outcome` with an explicit
:class:`OutcomeKind`, so that callers branch on a kind rather than on message strings. The page
objects only report what they saw; deciding whether that is good enough is the caller's job.

Messages are matched on stable fragments, case-insensitively and with whitespace collapsed,
because the resx texts differ in small ways between Evoq releases (a trailing full stop, a
``<br />`` rendered as a line break).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from dnn_runbook.licenses import LicenseType as LicenseType

__all__ = [
    "FailureReason",
    "LicenseType",
    "Notification",
    "Outcome",
    "OutcomeKind",
    "classify",
    "redact",
]


class OutcomeKind(StrEnum):
    """What an action on the About page led to."""

    #: "<Type> License has been activated successfully".
    ACTIVATED = "activated"
    #: "Your license has been renewed successfully."
    RENEWED = "renewed"
    #: "Your license has been deleted successfully." - the activation went back to the invoice.
    DELETED = "deleted"
    #: "Your license was deleted. Unable to add activation back to ..." - the license is gone
    #: from the server but its activation did not go back to the invoice: a Production
    #: activation is now lost until DNN Technical Support restores it.
    DELETED_ACTIVATION_LOST = "deleted_activation_lost"
    #: "Unable to activate license. Connection to license server failed. ..." - the DNN server
    #: could not reach the licensing service; nothing changed.
    LICENSING_UNREACHABLE = "licensing_unreachable"
    #: Any other error the server reported; :attr:`Outcome.reason` says which.
    FAILED = "failed"
    #: A notification that is not an error and whose text this version does not know.
    UNRECOGNISED = "unrecognised"


class FailureReason(StrEnum):
    """Why an action :attr:`OutcomeKind.FAILED`, from the resx message keys."""

    #: ACT1: the invoice, email or license type do not match a valid license.
    DETAILS_MISMATCH = "details_mismatch"
    #: ACT2/ACT4: "Production activation for {invoice} is in use."
    ACTIVATION_IN_USE = "activation_in_use"
    #: "The host server {server} already has a {type} license."
    SERVER_ALREADY_LICENSED = "server_already_licensed"
    #: ACT3: too many activations from this client address.
    TOO_MANY_ACTIVATIONS = "too_many_activations"
    #: ACT6: the service period of the license has expired.
    SERVICE_PERIOD_EXPIRED = "service_period_expired"
    #: "License activation failed. Your license expired on {date}."
    LICENSE_EXPIRED = "license_expired"
    #: DEA1: "Delete License failed. The license was not found."
    LICENSE_NOT_FOUND = "license_not_found"
    #: "Unable to process request, please try again later or use manual activation."
    TRY_AGAIN_LATER = "try_again_later"
    #: An error whose text this version does not know.
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Notification:
    """One notification exactly as the page showed it.

    ``text`` is the visible text (line breaks kept). It can contain the invoice number (the
    "is in use" message does), so it is left out of ``repr``: log :func:`redact` of it instead.
    """

    text: str = field(repr=False)
    is_error: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """The classified answer to one action.

    Attributes:
        kind: what happened.
        message: the notification's text, verbatim (may hold the invoice: not in ``repr``).
        is_error: whether the page styled the notification as an error.
        reason: for :attr:`OutcomeKind.FAILED`, which failure; otherwise ``None``.
        license_type: for :attr:`OutcomeKind.ACTIVATED`, the type named in the message.
    """

    kind: OutcomeKind
    message: str = field(repr=False)
    is_error: bool
    reason: FailureReason | None = None
    license_type: str | None = None

    @property
    def succeeded(self) -> bool:
        """True when the action did what it was asked and nothing was lost."""
        return self.kind in {OutcomeKind.ACTIVATED, OutcomeKind.RENEWED, OutcomeKind.DELETED}

    @property
    def activation_lost(self) -> bool:
        """True when a license was removed but its activation did not go back to the invoice."""
        return self.kind is OutcomeKind.DELETED_ACTIVATION_LOST

    @property
    def temporary(self) -> bool:
        """True when the page itself says trying again later may work."""
        return self.kind is OutcomeKind.LICENSING_UNREACHABLE or (
            self.reason is FailureReason.TRY_AGAIN_LATER
        )

    def redacted_message(self, secrets: Iterable[str]) -> str:
        """Return :attr:`message` with every one of ``secrets`` masked, fit for a log."""
        return redact(self.message, secrets)


_SPACE = re.compile(r"\s+")
_ACTIVATED = re.compile(r"(?P<type>\w+) License has been activated successfully", re.IGNORECASE)

#: Fragments of the error texts, most specific first (``docs/dnn-ui.md`` section 6).
_FAILURES: tuple[tuple[str, FailureReason], ...] = (
    ("do not match a valid license", FailureReason.DETAILS_MISMATCH),
    ("is in use", FailureReason.ACTIVATION_IN_USE),
    ("already has a", FailureReason.SERVER_ALREADY_LICENSED),
    ("exceeded the limit of activations", FailureReason.TOO_MANY_ACTIVATIONS),
    ("service period for this license expired", FailureReason.SERVICE_PERIOD_EXPIRED),
    ("your license expired on", FailureReason.LICENSE_EXPIRED),
    ("license was not found", FailureReason.LICENSE_NOT_FOUND),
    ("unable to process request", FailureReason.TRY_AGAIN_LATER),
)


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def classify(notification: Notification) -> Outcome:
    """Turn the notification an action produced into an :class:`Outcome`.

    The text decides; the error styling only separates a failure the texts do not know
    (:attr:`OutcomeKind.FAILED` with :attr:`FailureReason.OTHER`) from an unknown message
    that is not styled as an error (:attr:`OutcomeKind.UNRECOGNISED`).
    """
    text, is_error = notification.text, notification.is_error
    flat = _flat(text)

    def outcome(kind: OutcomeKind, reason: FailureReason | None = None) -> Outcome:
        return Outcome(kind, text, is_error, reason)

    # Both "was deleted" variants mean the same thing to a migration: the license is gone
    # and its activation did not go back to the invoice.
    if "was deleted" in flat and "unable to add activation back" in flat:
        return outcome(OutcomeKind.DELETED_ACTIVATION_LOST)
    if "connection to license server failed" in flat:
        return outcome(OutcomeKind.LICENSING_UNREACHABLE)
    if "has been deleted successfully" in flat:
        return outcome(OutcomeKind.DELETED)
    if "has been renewed successfully" in flat:
        return outcome(OutcomeKind.RENEWED)
    activated = _ACTIVATED.search(_SPACE.sub(" ", text))
    if activated and not is_error:
        name = activated.group("type")
        known = {member.value.casefold(): member.value for member in LicenseType}
        return Outcome(
            OutcomeKind.ACTIVATED, text, is_error, None, known.get(name.casefold(), name)
        )
    for fragment, reason in _FAILURES:
        if fragment in flat:
            return outcome(OutcomeKind.FAILED, reason)
    if is_error or "failed" in flat:
        return outcome(OutcomeKind.FAILED, FailureReason.OTHER)
    return outcome(OutcomeKind.UNRECOGNISED)


def redact(text: str, secrets: Iterable[str], *, mask: str = "***") -> str:
    """Return ``text`` with every non-empty value of ``secrets`` replaced by ``mask``.

    Longer secrets are replaced first, so a secret that contains another is masked whole.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, mask)
    return text
