"""The resource strings the Persona Bar loads (``API/PersonaBar/Localization/GetTable``).

DNN's shell asks for one table per resource file, keyed by file name (``PersonaBar``,
``SharedResources``, one per module) with the ``.Text`` suffix of each key dropped, and draws
its menu only once the table has arrived. The strings here are the few the sandbox's shell and
About panel show; the About panel's texts are the verbatim ones of :mod:`.messages` wherever
the public sources give them (see ``docs/dnn-ui.md``).
"""

from __future__ import annotations

from dnn_runbook.sandbox import messages
from dnn_runbook.sandbox.catalogue import LicenseType

#: The shell's own strings: "View Site" is the close button's name, "OK" the notification's.
PERSONA_BAR = {
    "nav_Site": "View Site",
    "btn_CloseDialog": "OK",
    "NormalUpdate": "Update available",
    "CriticalUpdate": "Critical update available",
}

_TOOLTIPS = {
    "LicenseType.Help": "The type of license to activate. It must match the type of the invoice.",
    "WebServer.Help": "The web server this license is for.",
    "AccountEmail.Help": "The email address of the account that bought the license.",
    "InvoiceNumber.Help": "The invoice number of the license, for example INV001-1.",
}

_MANUAL = {
    "ManualActivation.Title": "Manual Activation",
    "BackToLicensing": "Back to Licensing",
    "StepOne": "Step One",
    "StepOne.Help": "Copy the server ID below to the clipboard",
    "ServerId": "Server ID",
    "StepTwo": "Step Two",
    "StepTwo.Help": (
        "Click the link below to open a new browser window, login with your account "
        "information and follow the onscreen instructions to retrieve your activation key."
    ),
    "RequestKey": "Request an activation key on dnnsoftware.com",
    "StepThree": "Step Three",
    "StepThree.Help": "Paste the activation key to the textbox below.",
    "ActivationKey": "Activation Key*",
    "StepFour": "Step Four",
    "StepFour.Help": "Click the button below to parse the activation key and store the result.",
    "SubmitActivationKey": "Submit Activation Key",
}


def licensing_table(title: str) -> dict[str, str]:
    """The About panel's strings; ``title`` is "About" (Evoq 9.1) or "Licensing" (9.0)."""
    return {
        "nav_Licensing": title,
        "AddLicense": "Add License",
        "LicenseType": "License Type",
        "WebServer": "Web Server",
        "AccountEmail": "Account Email*",
        "InvoiceNumber": "Invoice Number*",
        **_TOOLTIPS,
        **{f"LicenseType.{kind}": str(kind) for kind in LicenseType},
        "Cancel": "Cancel",
        "ManualActivation": "Manual Activation",
        "AutomaticActivation": "Automatic Activation",
        "LicenseType.Header": "License Type",
        "InvoiceNumber.Header": "Invoice Number",
        "WebServer.Header": "Web Server",
        "Activated.Header": "Activated",
        "Expires.Header": "Expires",
        "Renew": "[ renew ]",
        "NoLicense.Header": messages.EMPTY_STATE,
        "NoLicense.Text": messages.EMPTY_STATE_HINT,
        "CannotReach": messages.CANNOT_REACH_ON_LOAD,
        "DeleteConfirm": messages.CONFIRM_DELETE,
        "Yes": "Yes",
        "No": "No",
        "FieldRequired": messages.FIELD_REQUIRED,
        "Unknown": messages.UNKNOWN,
        **_MANUAL,
    }


def table(title: str) -> dict[str, dict[str, str]]:
    """The whole answer of ``GetTable``: one table per resource file."""
    return {
        "PersonaBar": dict(PERSONA_BAR),
        "SharedResources": {},
        "Licensing": licensing_table(title),
    }
