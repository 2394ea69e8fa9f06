"""The texts the Evoq license page shows, verbatim where the sources give them.

Source: AX ``Licensing.resx`` as digested in the UI spec, section 4. Where the spec elides the
end of a text ("..."), the known beginning is kept exactly and the sandbox completes the
sentence; page objects should match such texts by their beginning.
"""

from __future__ import annotations

from datetime import date

from dnn_runbook.sandbox.catalogue import LicenseType

PAGE_TITLE = "About"
PAGE_TITLE_EVOQ_90 = "Licensing"

LOGIN_FAILED = "Login Failed. Please remember that passwords are case sensitive."

EMPTY_STATE = "You have no EVOQ licenses ... yet"
EMPTY_STATE_HINT = "Upgrade to EVOQ below to gain access to professional features on your sites."

DELETED = "Your license has been deleted successfully."
DELETED_SERVICE_UNREACHABLE = (
    "Your license was deleted.<br /><br />Unable to add activation back to your invoice as "
    "Connection to license server failed. If you need to activate as a production license, "
    "please contact Technical Support."
)
DELETED_NOT_RETURNED = (
    "Your license was deleted.<br /><br />Unable to add activation back to the invoice. If you "
    "need to activate as a production license, please contact Technical Support."
)
RENEWED = "Your license has been renewed successfully."

ACT1 = (
    "The license details provided do not match a valid license. Please check the invoice "
    "number, the account email and the license type."
)
ACT3 = "You have exceeded the limit of activations from this client address"
DEA1 = "Delete License failed. The license was not found."

CANNOT_REACH_ON_ACTIVATE = (
    "Unable to activate license. Connection to license server failed. Please try again later or "
    "use manual activation. If you continue to have difficulties, please contact Technical "
    "Support."
)
CANNOT_REACH_ON_LOAD = (
    "Connection to license server failed. You will not be able to automatically activate or "
    "renew licenses. You can use manual activation to activate a license. If you continue to "
    "have difficulties, please contact Technical Support."
)
UNKNOWN = "Unable to process request, please try again later or use manual activation."

# The sandbox's own texts for the manual activation page, where the sources say nothing.
MANUAL_KEY_INVALID = (
    "The activation key is not valid for this server. Request a new activation key with this "
    "server's Server ID."
)
FIELD_REQUIRED = "{field} is required."
CONFIRM_DELETE = "Are you sure you want to delete this license?"


def format_date(day: date) -> str:
    """Format ``day`` as the EXPIRES column does: ``Wed, Jan 1, 2020``.

    Written out rather than ``%-d`` because that directive does not exist on Windows.
    """
    return f"{day:%a, %b} {day.day}, {day.year}"


def activated(license_type: LicenseType) -> str:
    """The success text after activating a license of ``license_type``."""
    if license_type is LicenseType.DEVELOPMENT:
        return "Development License has been activated successfully."
    return f"{license_type} License has been activated successfully"


def in_use(invoice: str) -> str:
    """ACT2/ACT4: the single activation of ``invoice`` is held by another server."""
    return f"Production activation for {invoice} is in use."


def already_has(server: str, license_type: LicenseType) -> str:
    """This server already holds a license of ``license_type``."""
    return (
        f"License Activation failed. The host server {server} already has a {license_type} license."
    )


def service_period_expired(day: date) -> str:
    """ACT6: the invoice's service period ended on ``day``."""
    return (
        f"License activation failed. Your service period for this license expired on "
        f"{format_date(day)}. Please contact customercare@dnnsoftware.com."
    )


def license_expired(day: date) -> str:
    """The invoice's license term ended on ``day``."""
    return (
        f"License activation failed. Your license expired on {format_date(day)}. "
        "Please contact customercare@dnnsoftware.com."
    )


def key_for_other_type(key_type: str, chosen: LicenseType) -> str:
    """A manual activation key was issued for another license type than the one chosen."""
    return (
        f"License Activation failed. The activation key is for a {key_type} license, "
        f"but {chosen} was chosen."
    )
