"""The invoice catalogue and the type rules."""

from __future__ import annotations

from datetime import date

from dnn_runbook.sandbox.catalogue import (
    ACCOUNT_EMAIL,
    PRODUCTION_INVOICE,
    LicenseType,
    seed_invoices,
    standard_invoices,
)

TODAY = date(2026, 6, 15)


class TestLicenseType:
    def test_form_order(self) -> None:
        """The types appear in the Add License form's order, Production first."""
        assert [str(kind) for kind in LicenseType] == [
            "Production",
            "Staging",
            "Failover",
            "Test",
            "Development",
        ]

    def test_only_development_activates_many_times(self) -> None:
        """Every type but Development is single-activation."""
        assert not LicenseType.DEVELOPMENT.single_activation
        assert all(kind.single_activation for kind in LicenseType if kind.value != "Development")


class TestStandardInvoices:
    def test_production_invoice_expires_in_about_a_year(self) -> None:
        """The account's production invoice runs a year from today."""
        invoice = standard_invoices(TODAY)[PRODUCTION_INVOICE]
        assert invoice.license_type is LicenseType.PRODUCTION
        assert invoice.email == ACCOUNT_EMAIL
        assert (invoice.expires - TODAY).days == 365

    def test_every_refusal_has_an_invoice(self) -> None:
        """There is an expired license and an expired service period to trigger their texts."""
        invoices = standard_invoices(TODAY).values()
        assert any(item.expires < TODAY for item in invoices)
        assert any(item.service_expires < TODAY <= item.expires for item in invoices)
        assert {item.license_type for item in invoices} == set(LicenseType)

    def test_production_invoice_allows_development_use(self) -> None:
        """KB-MIG: a production invoice may be activated as Development, nothing else."""
        invoice = standard_invoices(TODAY)[PRODUCTION_INVOICE]
        assert invoice.allows(LicenseType.PRODUCTION)
        assert invoice.allows(LicenseType.DEVELOPMENT)
        assert not invoice.allows(LicenseType.STAGING)

    def test_other_invoices_allow_only_their_type(self) -> None:
        """A staging invoice cannot be used as Development or Production."""
        staging = standard_invoices(TODAY)["INV003-1"]
        assert staging.allows(LicenseType.STAGING)
        assert not staging.allows(LicenseType.DEVELOPMENT)


class TestSeedInvoices:
    def test_varied_types_and_some_expired(self) -> None:
        """Seeded invoices mix four types (never Production) and some past dates."""
        seeded = seed_invoices(200, TODAY)
        assert len({item.number for item in seeded}) == 200
        assert {item.license_type for item in seeded} == set(LicenseType) - {LicenseType.PRODUCTION}
        assert any(item.expires < TODAY for item in seeded)
