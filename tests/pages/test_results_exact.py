"""pages.results, exactly: every field of each outcome, the text normalisation and the masking
rules (``classify`` and ``redact``)."""

from __future__ import annotations

import pytest

from pages.results import FailureReason, Notification, Outcome, OutcomeKind, classify, redact


def _classify(text: str, *, is_error: bool) -> Outcome:
    return classify(Notification(text, is_error=is_error))


class TestOutcomeFields:
    @pytest.mark.parametrize(
        ("text", "is_error", "kind"),
        [
            ("Your license has been deleted successfully.", False, OutcomeKind.DELETED),
            ("Your license has been renewed successfully.", True, OutcomeKind.RENEWED),
            (
                "Your license was deleted. Unable to add activation back to the invoice.",
                True,
                OutcomeKind.DELETED_ACTIVATION_LOST,
            ),
            (
                "Connection to license server failed.",
                False,
                OutcomeKind.LICENSING_UNREACHABLE,
            ),
            ("Saved.", False, OutcomeKind.UNRECOGNISED),
        ],
    )
    def test_an_outcome_without_reason_keeps_text_and_styling(
        self, text: str, is_error: bool, kind: OutcomeKind
    ) -> None:
        """Kinds other than FAILED and ACTIVATED carry the text and styling, and no reason
        or license type."""
        assert _classify(text, is_error=is_error) == Outcome(kind, text, is_error, None, None)

    def test_a_failure_carries_its_reason_text_and_styling(self) -> None:
        """A FAILED outcome keeps the verbatim text, the styling and its reason only."""
        text = "Delete License failed.\nThe license was not found."
        assert _classify(text, is_error=True) == Outcome(
            OutcomeKind.FAILED, text, True, FailureReason.LICENSE_NOT_FOUND, None
        )

    def test_an_activation_carries_its_type_and_no_reason(self) -> None:
        """An ACTIVATED outcome has the text, is not an error, no reason and the type."""
        text = "Staging License has been activated successfully"
        assert _classify(text, is_error=False) == Outcome(
            OutcomeKind.ACTIVATED, text, False, None, "Staging"
        )


class TestNormalisation:
    def test_letter_case_does_not_matter(self) -> None:
        """A message in capitals is matched like the resx text."""
        outcome = _classify("YOUR LICENSE HAS BEEN DELETED SUCCESSFULLY.", is_error=False)
        assert outcome.kind is OutcomeKind.DELETED

    def test_line_breaks_and_runs_of_spaces_count_as_one_space(self) -> None:
        """Whitespace inside a fragment is collapsed before matching."""
        outcome = _classify("Your license has been\n   renewed \t successfully.", is_error=False)
        assert outcome.kind is OutcomeKind.RENEWED

    def test_activation_split_over_lines_is_recognised(self) -> None:
        """The activation message is found even when a line break splits it."""
        outcome = _classify("Production License has been\nactivated   successfully", is_error=False)
        assert (outcome.kind, outcome.license_type) == (OutcomeKind.ACTIVATED, "Production")

    def test_activation_type_is_spelled_as_the_form_spells_it(self) -> None:
        """A type written in another letter case comes back spelled as LicenseType."""
        outcome = _classify("PRODUCTION LICENSE HAS BEEN ACTIVATED SUCCESSFULLY", is_error=False)
        assert (outcome.kind, outcome.license_type) == (OutcomeKind.ACTIVATED, "Production")

    def test_an_unknown_activation_type_is_kept_as_written(self) -> None:
        """A type this version does not know is reported as the message names it."""
        outcome = _classify("Trial License has been activated successfully", is_error=False)
        assert (outcome.kind, outcome.license_type) == (OutcomeKind.ACTIVATED, "Trial")


class TestClassificationRules:
    def test_was_deleted_alone_is_not_a_lost_activation(self) -> None:
        """Only both fragments together mean the activation was lost."""
        outcome = _classify("Your license was deleted.", is_error=False)
        assert outcome.kind is OutcomeKind.UNRECOGNISED

    def test_add_activation_back_alone_is_not_a_lost_activation(self) -> None:
        """ "Unable to add activation back" without "was deleted" is not that kind either."""
        outcome = _classify("Unable to add activation back to the invoice.", is_error=False)
        assert outcome.kind is OutcomeKind.UNRECOGNISED

    def test_an_unstyled_failed_message_is_a_failure(self) -> None:
        """A message that says "failed" is FAILED even when not styled as an error."""
        text = "Something FAILED here."
        assert _classify(text, is_error=False) == Outcome(
            OutcomeKind.FAILED, text, False, FailureReason.OTHER, None
        )

    def test_an_error_styled_activation_text_is_a_failure_of_unknown_reason(self) -> None:
        """An activation text styled as an error is FAILED with reason OTHER."""
        text = "Production License has been activated successfully"
        assert _classify(text, is_error=True) == Outcome(
            OutcomeKind.FAILED, text, True, FailureReason.OTHER, None
        )

    def test_a_known_fragment_wins_over_failed(self) -> None:
        """A known error fragment gives its reason although the text also says "failed"."""
        outcome = _classify(
            "License activation failed. Your license expired on Wed, Jan 1, 2020.",
            is_error=False,
        )
        assert (outcome.kind, outcome.reason) == (
            OutcomeKind.FAILED,
            FailureReason.LICENSE_EXPIRED,
        )


class TestProperties:
    @pytest.mark.parametrize(
        ("kind", "reason", "temporary"),
        [
            (OutcomeKind.LICENSING_UNREACHABLE, None, True),
            (OutcomeKind.FAILED, FailureReason.TRY_AGAIN_LATER, True),
            (OutcomeKind.FAILED, FailureReason.OTHER, False),
            (OutcomeKind.FAILED, FailureReason.ACTIVATION_IN_USE, False),
            (OutcomeKind.DELETED_ACTIVATION_LOST, None, False),
            (OutcomeKind.UNRECOGNISED, None, False),
        ],
    )
    def test_temporary(
        self, kind: OutcomeKind, reason: FailureReason | None, temporary: bool
    ) -> None:
        """Only an unreachable licensing service and "try again later" are temporary."""
        assert Outcome(kind, "text", True, reason).temporary is temporary

    @pytest.mark.parametrize(
        ("kind", "succeeded", "lost"),
        [
            (OutcomeKind.ACTIVATED, True, False),
            (OutcomeKind.RENEWED, True, False),
            (OutcomeKind.DELETED, True, False),
            (OutcomeKind.DELETED_ACTIVATION_LOST, False, True),
            (OutcomeKind.LICENSING_UNREACHABLE, False, False),
            (OutcomeKind.FAILED, False, False),
            (OutcomeKind.UNRECOGNISED, False, False),
        ],
    )
    def test_succeeded_and_activation_lost(
        self, kind: OutcomeKind, succeeded: bool, lost: bool
    ) -> None:
        """Exactly the three successes succeed; only the lost kind lost the activation."""
        outcome = Outcome(kind, "text", False)
        assert (outcome.succeeded, outcome.activation_lost) == (succeeded, lost)

    def test_defaults_are_no_reason_and_no_type(self) -> None:
        """An Outcome built without them has neither a reason nor a license type."""
        outcome = Outcome(OutcomeKind.RENEWED, "text", False)
        assert (outcome.reason, outcome.license_type) == (None, None)


class TestRedact:
    def test_default_mask_is_three_stars(self) -> None:
        """Each occurrence of a secret becomes ***."""
        assert redact("INV-1 and INV-1", ["INV-1"]) == "*** and ***"

    def test_a_mask_can_be_chosen(self) -> None:
        """The mask keyword replaces the default."""
        assert redact("code INV-1", ["INV-1"], mask="[invoice]") == "code [invoice]"

    def test_a_secret_containing_another_is_masked_whole(self) -> None:
        """Longer secrets go first, whatever order they are given in."""
        assert redact("INV-1-2 and INV-1", ["INV-1", "INV-1-2"]) == "*** and ***"
        assert redact("INV-1-2 and INV-1", ["INV-1-2", "INV-1"]) == "*** and ***"

    def test_redacted_message_uses_the_default_mask(self) -> None:
        """Outcome.redacted_message masks the message's secrets with ***."""
        outcome = _classify("Production activation for INV-1-2 is in use.", is_error=True)
        assert outcome.redacted_message(["INV-1", "INV-1-2"]) == (
            "Production activation for *** is in use."
        )

    def test_longer_secrets_go_first_whatever_their_spelling(self) -> None:
        """Order is by length, not by text: 'pw9' sorts after 'Apw9' yet is masked second."""
        assert redact("code Apw9", ["pw9", "Apw9"]) == "code ***"
