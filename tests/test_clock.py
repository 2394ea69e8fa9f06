"""The clock: aware UTC times, written and read back alike everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dnn_runbook.clock import format_elapsed, iso, parse_iso, utc_now


class TestClock:
    def test_now_is_aware_utc(self) -> None:
        """Every record's time carries its zone."""
        assert utc_now().tzinfo is UTC

    def test_iso_round_trips(self) -> None:
        """iso() writes a Z time to the millisecond; parse_iso() reads it back."""
        moment = datetime(2026, 11, 29, 21, 24, 7, 120000, tzinfo=UTC)
        assert iso(moment) == "2026-11-29T21:24:07.120Z"
        assert parse_iso(iso(moment)) == moment
        assert iso(moment, timespec="microseconds") == "2026-11-29T21:24:07.120000Z"

    def test_a_naive_time_is_refused_with_what_to_do(self) -> None:
        """A time without a zone cannot be written into evidence."""
        with pytest.raises(ValueError, match="utc_now"):
            iso(datetime(2026, 1, 1))

    def test_parse_iso_tolerates_what_is_not_a_time(self) -> None:
        """A damaged journal field reads as unknown, not as a traceback."""
        assert parse_iso(None) is None
        assert parse_iso("yesterday") is None
        assert parse_iso(42) is None

    @pytest.mark.parametrize(("seconds", "shown"), [(4.2, "4.2s"), (192, "3m12s"), (3900, "1h05m")])
    def test_elapsed_for_people(self, seconds: float, shown: str) -> None:
        """Seconds, minutes and hours, as the summary and warnings show them."""
        assert format_elapsed(timedelta(seconds=seconds)) == shown
