"""The model's own behaviour: license types and plain-words descriptions
(``dnn_runbook.runbook.model``)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

from dnn_runbook.runbook import (
    Action,
    Activation,
    AddLicenseStep,
    ConfirmStep,
    LicenseType,
    PreflightStep,
    RemoveLicenseStep,
    ScreenshotStep,
    Secret,
    SecretKind,
    ServerSpec,
    VerifyLicenseStep,
    WaitHttpStep,
)

PASSWORD = Secret("pw-Zz9", SecretKind.PASSWORD)
INVOICE = Secret("INV123-4", SecretKind.INVOICE)
EMAIL = Secret("me@example.com", SecretKind.EMAIL)
OLD = ServerSpec("old", "https://old.example.com", "host", PASSWORD)
NEW = ServerSpec("new", "https://new.example.com", "host", PASSWORD, "/Admin/Login")


class TestLicenseType:
    @pytest.mark.parametrize("text", ["production", "PRODUCTION", " Production "])
    def test_parse_any_case(self, text: str) -> None:
        """parse() accepts any letter case and surrounding spaces."""
        assert LicenseType.parse(text) is LicenseType.PRODUCTION

    def test_parse_unknown(self) -> None:
        """An unknown name is a ValueError."""
        with pytest.raises(ValueError, match="'Prod' is not a license type"):
            LicenseType.parse("Prod")

    def test_order_and_spelling(self) -> None:
        """The types, as the Add License form spells and orders them."""
        assert [str(t) for t in LicenseType] == [
            "Production",
            "Staging",
            "Failover",
            "Test",
            "Development",
        ]


class TestServerSpec:
    def test_login_url(self) -> None:
        """login_url joins the address and the login path."""
        assert OLD.login_url == "https://old.example.com/Login"
        assert NEW.login_url == "https://new.example.com/Admin/Login"

    def test_repr_hides_the_password(self) -> None:
        """The dataclass repr shows the password masked."""
        assert "pw-Zz9" not in repr(OLD)


class TestDescribe:
    def test_preflight(self) -> None:
        """Preflight names the servers and the expected starting state."""
        step = PreflightStep(
            id="p",
            index=1,
            line=1,
            servers=(OLD, NEW),
            expect={"old": (LicenseType.PRODUCTION, LicenseType.TEST), "new": ()},
            invoice=INVOICE,
        )
        assert step.action is Action.PREFLIGHT
        assert step.describe() == (
            "Preflight, changing nothing: log in to old (https://old.example.com) and new "
            "(https://new.example.com), open Settings > About, record each license table and "
            "check that each server can reach the licensing service; expect old to hold "
            "Production and Test licenses and new to hold no license for invoice ••••23-4."
        )

    def test_add_license_variants(self) -> None:
        """add_license says the type, server, masked invoice and where a manual key comes from."""
        base = AddLicenseStep(
            id="a",
            index=2,
            line=3,
            server=NEW,
            type=LicenseType.DEVELOPMENT,
            email=EMAIL,
            invoice=INVOICE,
        )
        assert base.describe() == (
            "Add a Development license on new (https://new.example.com) for invoice ••••23-4, "
            "with automatic activation."
        )
        manual = dataclasses.replace(base, activation=Activation.MANUAL)
        assert manual.describe().endswith(
            "with manual activation (the operator pastes the activation key)."
        )
        from_file = dataclasses.replace(manual, activation_key_file=Path("/keys/k.txt"))
        assert from_file.describe().endswith("(the activation key read from /keys/k.txt).")
        given = dataclasses.replace(
            manual, activation_key=Secret("AK-1", SecretKind.ACTIVATION_KEY)
        )
        assert given.describe().endswith("(the activation key given in the runbook).")

    def test_remove_verify_confirm_wait_screenshot(self) -> None:
        """Every other action reads as a plain sentence."""
        remove = RemoveLicenseStep(id="r", index=3, line=1, server=OLD, invoice=INVOICE)
        assert remove.describe() == (
            "Remove the license for invoice ••••23-4 from old (https://old.example.com)."
        )
        typed = dataclasses.replace(remove, type=LicenseType.PRODUCTION)
        assert typed.describe().startswith("Remove the Production license for invoice ••••23-4")
        verify = VerifyLicenseStep(
            id="v",
            index=4,
            line=1,
            server=NEW,
            type=LicenseType.PRODUCTION,
            invoice=INVOICE,
            expires=date(2027, 6, 30),
        )
        assert verify.describe() == (
            "Check that new (https://new.example.com) holds an activated Production license for "
            "invoice ••••23-4 that expires on 2027-06-30."
        )
        assert (
            dataclasses.replace(verify, expires="future", only=True)
            .describe()
            .endswith("that expires in the future, and no other license.")
        )
        confirm = ConfirmStep(id="c", index=5, line=1, message=" Cut DNS over.\n")
        assert confirm.describe() == "Ask the operator to confirm: Cut DNS over."
        wait = WaitHttpStep(
            id="w",
            index=6,
            line=1,
            url="https://new.example.com/",
            contains="Welcome",
            timeout=timedelta(minutes=90),
        )
        assert wait.describe() == (
            "Wait until https://new.example.com/ answers HTTP 200 with 'Welcome' in the page, "
            "checking every 5s for at most 1h30m."
        )
        shot = ScreenshotStep(id="s", index=7, line=1, server=NEW, label="final")
        assert shot.describe() == (
            "Take a screenshot of Settings > About on new (https://new.example.com), labelled "
            "final."
        )

    def test_steps_are_frozen(self) -> None:
        """Steps cannot be changed after loading."""
        step = ConfirmStep(id="c", index=1, line=1, message="m")
        with pytest.raises(dataclasses.FrozenInstanceError):
            step.message = "other"  # type: ignore[misc]


class TestRunbookSecrets:
    def test_every_secret_once_a_steps_own_included(self, tmp_path: Path) -> None:
        """Passwords, the license's email and invoice, and a step's own invoice."""
        from dnn_runbook.runbook import SecretKind, load
        from tests.support import FAKE_ENV, SEED_RUNBOOK

        text = SEED_RUNBOOK.read_text().replace(
            "    type: Production\n", "    type: Production\n    invoice: INV777-7\n", 1
        )
        path = tmp_path / "runbook.yaml"
        path.write_text(text)
        runbook = load(path, environ=FAKE_ENV)
        values = [secret.reveal() for secret in runbook.secrets()]
        assert len(values) == len(set(values))
        assert {"pw-old-secret", "pw-new-secret", "owner@example.com", "INV001-1"} <= set(values)
        assert "INV777-7" in values
        ids = runbook.license_ids()
        assert {secret.kind for secret in ids} == {SecretKind.EMAIL, SecretKind.INVOICE}
        assert "INV777-7" in [secret.reveal() for secret in ids]
