"""Which steps read the other servers again before their click (issue 8: no read for nothing)."""

from __future__ import annotations

import pytest

from dnn_runbook.runbook import LicenseType
from dnn_runbook.runner.interlocks import looks_at_other_servers


class TestLooksAtOtherServers:
    def test_a_development_activation_needs_no_other_server(self) -> None:
        """single-activation does not apply to Development: nothing to read elsewhere."""
        assert looks_at_other_servers(LicenseType.DEVELOPMENT, removal=False) is False

    @pytest.mark.parametrize(
        "license_type",
        [LicenseType.PRODUCTION, LicenseType.STAGING, LicenseType.TEST, LicenseType.FAILOVER],
    )
    def test_a_single_activation_type_does(self, license_type: LicenseType) -> None:
        """single-activation looks at every other server before the click."""
        assert looks_at_other_servers(license_type, removal=False) is True

    @pytest.mark.parametrize("license_type", [*LicenseType, None])
    def test_every_removal_does(self, license_type: LicenseType | None) -> None:
        """replacement-first and development-removed-last both may look elsewhere."""
        assert looks_at_other_servers(license_type, removal=True) is True
