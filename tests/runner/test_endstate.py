"""Whether the servers are already where the runbook leads (``dnn_runbook.runner.endstate``)."""

from __future__ import annotations

from typing import Any

import pytest

from dnn_runbook.licenses import LicenseType
from dnn_runbook.runner.endstate import already_migrated, start_and_end
from dnn_runbook.runner.views import ServerView
from tests.support import license_row, seed_runbook

START = {"old": {LicenseType.PRODUCTION}, "new": set[LicenseType]()}


def views(**rows: list[Any]) -> dict[str, ServerView]:
    return {name: ServerView(name, held, True) for name, held in rows.items()}


class TestEndState:
    def test_the_seed_runbook_leads_to_production_on_new_alone(self) -> None:
        """Development added then removed, Production moved: new Production, old nothing."""
        assert start_and_end(seed_runbook(), START) == {
            "old": set(),
            "new": {LicenseType.PRODUCTION},
        }

    def test_the_moved_license_is_already_migrated(self) -> None:
        """new holds the activated Production license and nothing else of the invoice."""
        seen = views(old=[], new=[license_row("Production")])
        assert already_migrated(seed_runbook(), START, seen, "INV001-1")

    def test_another_invoices_license_does_not_count(self) -> None:
        """A license of another invoice on old is no part of this invoice's state."""
        seen = views(old=[license_row("Production", "INV999-9")], new=[license_row("Production")])
        assert already_migrated(seed_runbook(), START, seen, "INV001-1")

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ([license_row("Production")], []),  # the start
            ([], [license_row("Production"), license_row("Development")]),  # half way
            ([], [license_row("Production", activated=False)]),  # not activated
            ([], [license_row("Development")]),  # Production lost
        ],
        ids=["start", "development-left", "not-activated", "development-only"],
    )
    def test_anything_else_is_not(self, old: list[Any], new: list[Any]) -> None:
        """The start, a half-done move, an unactivated license: not already migrated."""
        assert not already_migrated(seed_runbook(), START, views(old=old, new=new), "INV001-1")
