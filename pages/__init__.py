"""Page objects for the DNN / Evoq admin UI that the license flow touches.

They rely only on what a real Evoq page has (``docs/dnn-ui.md``): DNN's own ids where
the spec gives them, otherwise roles, labels and visible text.

A script moves through them as a person moves through the UI::

    from pages import LoginPage, LicenseType

    site = LoginPage(page, "https://new.example.com").open().log_in(user, password)
    about = site.open_about()
    form = about.add_license().fill(
        license_type=LicenseType.DEVELOPMENT, account_email=email, invoice_number=invoice
    )
    outcome = form.activate_automatically()
    rows = about.licenses()

Methods return data or the next page object and never judge: an :class:`Outcome` says what
the server answered, and the caller decides whether that is good enough.
"""

from pages.about import AboutPage, NotificationHook
from pages.activation_request import ActivationKeyRequestPage
from pages.add_license import AddLicenseForm, ManualActivationPage
from pages.animations import skip_animations
from pages.confirmation import ConfirmationDialog
from pages.inventory import PanelInventory, inventory, row_cells
from pages.license_table import LicenseRow, mask_invoice, parse_expiry
from pages.login import LoginPage, PendingLogin
from pages.notifications import NotificationArea
from pages.persona_bar import PendingReload, PersonaBar
from pages.results import (
    FailureReason,
    LicenseType,
    Notification,
    Outcome,
    OutcomeKind,
    classify,
    redact,
)
from pages.site import SitePage

__all__ = [
    "AboutPage",
    "ActivationKeyRequestPage",
    "AddLicenseForm",
    "ConfirmationDialog",
    "FailureReason",
    "LicenseRow",
    "LicenseType",
    "LoginPage",
    "ManualActivationPage",
    "Notification",
    "NotificationArea",
    "NotificationHook",
    "Outcome",
    "OutcomeKind",
    "PanelInventory",
    "PendingLogin",
    "PendingReload",
    "PersonaBar",
    "SitePage",
    "classify",
    "inventory",
    "mask_invoice",
    "parse_expiry",
    "redact",
    "row_cells",
    "skip_animations",
]
