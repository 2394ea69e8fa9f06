"""pages.results: every notification text of ``docs/dnn-ui.md`` section 6 becomes the right outcome."""

from __future__ import annotations

import pytest

from pages.results import (
    FailureReason,
    LicenseType,
    Notification,
    Outcome,
    OutcomeKind,
    classify,
    redact,
)

LOST_UNREACHABLE = (
    "Your license was deleted.\n\nUnable to add activation back to your invoice as Connection "
    "to license server failed. If you need to activate as a production license, please contact "
    "Technical Support."
)
LOST_NOT_RETURNED = (
    "Your license was deleted.\n\nUnable to add activation back to the invoice. If you need to "
    "activate as a production license, please contact Technical Support."
)


def _error(text: str) -> Outcome:
    return classify(Notification(text, is_error=True))


def _success(text: str) -> Outcome:
    return classify(Notification(text, is_error=False))


class TestSuccesses:
    @pytest.mark.parametrize(
        ("text", "license_type"),
        [
            ("Production License has been activated successfully", "Production"),
            ("Development License has been activated successfully.", "Development"),
            ("Staging License has been activated successfully", "Staging"),
            ("Failover License has been activated successfully", "Failover"),
            ("Test License has been activated successfully", "Test"),
        ],
    )
    def test_activation_names_the_type(self, text: str, license_type: str) -> None:
        """Each activation message is ACTIVATED and carries the type it names."""
        outcome = _success(text)
        assert outcome.kind is OutcomeKind.ACTIVATED
        assert outcome.license_type == license_type
        assert outcome.succeeded
        assert not outcome.activation_lost

    def test_deleted(self) -> None:
        """The plain deletion message is DELETED: the activation went back."""
        outcome = _success("Your license has been deleted successfully.")
        assert outcome.kind is OutcomeKind.DELETED
        assert outcome.succeeded

    def test_renewed(self) -> None:
        """The renewal message is RENEWED."""
        assert _success("Your license has been renewed successfully.").kind is OutcomeKind.RENEWED

    def test_message_is_kept_verbatim(self) -> None:
        """The outcome keeps the notification's text as it was shown."""
        text = "Production License has been activated successfully"
        assert _success(text).message == text


class TestLostActivation:
    @pytest.mark.parametrize("text", [LOST_UNREACHABLE, LOST_NOT_RETURNED])
    def test_both_variants_mean_the_activation_was_lost(self, text: str) -> None:
        """Either "was deleted ... Unable to add activation back" text is its own kind."""
        outcome = _error(text)
        assert outcome.kind is OutcomeKind.DELETED_ACTIVATION_LOST
        assert outcome.activation_lost
        assert not outcome.succeeded

    def test_literal_br_tags_are_still_recognised(self) -> None:
        """A page that shows the resx's <br /> literally is still understood."""
        text = LOST_UNREACHABLE.replace("\n\n", "<br /><br />")
        assert _error(text).kind is OutcomeKind.DELETED_ACTIVATION_LOST

    def test_not_styled_as_error_is_still_lost(self) -> None:
        """The text decides, not the styling: a lost activation is never a plain success."""
        assert _success(LOST_UNREACHABLE).kind is OutcomeKind.DELETED_ACTIVATION_LOST


class TestFailures:
    def test_unreachable_on_activation(self) -> None:
        """ "Unable to activate license. Connection to license server failed" is its own kind."""
        outcome = _error(
            "Unable to activate license. Connection to license server failed. Please try again "
            "later or use manual activation. If you continue to have difficulties, please "
            "contact Technical Support."
        )
        assert outcome.kind is OutcomeKind.LICENSING_UNREACHABLE
        assert outcome.temporary

    def test_page_load_notice_is_unreachable_too(self) -> None:
        """The page-load notice classifies as LICENSING_UNREACHABLE as well."""
        outcome = _error(
            "Connection to license server failed. You will not be able to automatically "
            "activate or renew licenses."
        )
        assert outcome.kind is OutcomeKind.LICENSING_UNREACHABLE

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            (
                "The license details provided do not match a valid license. Please check.",
                FailureReason.DETAILS_MISMATCH,
            ),
            ("Production activation for INV001-1 is in use.", FailureReason.ACTIVATION_IN_USE),
            (
                "License Activation failed. The host server WEB-NEW already has a Production "
                "license.",
                FailureReason.SERVER_ALREADY_LICENSED,
            ),
            (
                "You have exceeded the limit of activations from this client address",
                FailureReason.TOO_MANY_ACTIVATIONS,
            ),
            (
                "License activation failed. Your service period for this license expired on "
                "Wed, Jan 1, 2020. Please contact customercare@dnnsoftware.com.",
                FailureReason.SERVICE_PERIOD_EXPIRED,
            ),
            (
                "License activation failed. Your license expired on Wed, Jan 1, 2020.",
                FailureReason.LICENSE_EXPIRED,
            ),
            ("Delete License failed. The license was not found.", FailureReason.LICENSE_NOT_FOUND),
            (
                "Unable to process request, please try again later or use manual activation.",
                FailureReason.TRY_AGAIN_LATER,
            ),
            ("Something nobody has seen before.", FailureReason.OTHER),
        ],
    )
    def test_each_error_has_its_reason(self, text: str, reason: FailureReason) -> None:
        """Every known error text maps to FAILED with its own reason."""
        outcome = _error(text)
        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.reason is reason
        assert not outcome.succeeded

    def test_only_try_again_later_is_temporary(self) -> None:
        """Of the FAILED reasons only the "try again later" one invites a retry."""
        assert _error("Unable to process request, please try again later.").temporary
        assert not _error("Production activation for INV001-1 is in use.").temporary

    def test_unknown_success_is_unrecognised(self) -> None:
        """A message that is neither known nor an error is UNRECOGNISED, not a success."""
        outcome = _success("Saved.")
        assert outcome.kind is OutcomeKind.UNRECOGNISED
        assert not outcome.succeeded

    def test_activation_text_styled_as_error_is_not_a_success(self) -> None:
        """An error-styled notification is never ACTIVATED, whatever it says."""
        outcome = _error("Production License has been activated successfully")
        assert outcome.kind is not OutcomeKind.ACTIVATED


class TestSecrets:
    def test_repr_leaves_the_message_out(self) -> None:
        """An outcome's repr does not show its message, which may hold the invoice."""
        outcome = _error("Production activation for INV-SECRET-9 is in use.")
        assert "INV-SECRET-9" not in repr(outcome)
        assert "INV-SECRET-9" not in repr(Notification("INV-SECRET-9", is_error=True))

    def test_redacted_message(self) -> None:
        """redacted_message masks every secret given, longest first."""
        outcome = _error("Production activation for INV-SECRET-9 is in use.")
        assert outcome.redacted_message(["INV-SECRET-9", "INV", ""]) == (
            "Production activation for *** is in use."
        )

    def test_redact_ignores_empty_secrets(self) -> None:
        """An empty secret would mask everything; it is skipped."""
        assert redact("abc", [""]) == "abc"


class TestLicenseType:
    def test_values_are_the_form_spelling(self) -> None:
        """LicenseType values are the form's own option texts, in the form's order."""
        assert [t.value for t in LicenseType] == [
            "Production",
            "Staging",
            "Failover",
            "Test",
            "Development",
        ]
        assert LicenseType.PRODUCTION == "Production"
