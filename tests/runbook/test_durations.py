"""Durations such as ``1h30m`` (``dnn_runbook.runbook.durations``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dnn_runbook.runbook import format_duration, parse_duration


class TestParse:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("30s", timedelta(seconds=30)),
            ("5m", timedelta(minutes=5)),
            ("2h", timedelta(hours=2)),
            ("1h30m", timedelta(minutes=90)),
            ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
            ("90m", timedelta(minutes=90)),
            ("0s", timedelta(0)),
        ],
    )
    def test_valid(self, text: str, expected: timedelta) -> None:
        """Each unit once, largest first, whole numbers."""
        assert parse_duration(text) == expected

    @pytest.mark.parametrize(
        "text", ["", "5", "1.5h", "30m1h", "5 m", "5M", "1h 30m", "m", "-5s", "5ms", "2 hours"]
    )
    def test_invalid(self, text: str) -> None:
        """Anything else is a ValueError that names the accepted forms."""
        with pytest.raises(ValueError, match="a duration such as 30s, 5m, 2h or 1h30m"):
            parse_duration(text)

    def test_absurdly_long(self) -> None:
        """A duration too long for a timedelta is a ValueError, not an OverflowError."""
        with pytest.raises(ValueError, match="too long"):
            parse_duration("99999999999999d")


class TestFormat:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (timedelta(minutes=90), "1h30m"),
            (timedelta(hours=2), "2h"),
            (timedelta(seconds=5), "5s"),
            (timedelta(days=1, seconds=1), "1d1s"),
            (timedelta(0), "0s"),
        ],
    )
    def test_canonical(self, value: timedelta, expected: str) -> None:
        """The canonical spelling uses the largest units and leaves out zero parts."""
        assert format_duration(value) == expected

    @pytest.mark.parametrize("value", [timedelta(seconds=-1), timedelta(milliseconds=1500)])
    def test_unwritable(self, value: timedelta) -> None:
        """Negative and fractional durations cannot be written."""
        with pytest.raises(ValueError, match="whole number of seconds"):
            format_duration(value)


class TestRoundTrip:
    @given(st.integers(min_value=0, max_value=10**9))
    def test_format_then_parse(self, seconds: int) -> None:
        """Every whole number of seconds survives format then parse."""
        value = timedelta(seconds=seconds)
        assert parse_duration(format_duration(value)) == value

    @given(
        st.tuples(*(st.none() | st.integers(min_value=0, max_value=500) for _ in range(4))).filter(
            lambda parts: any(p is not None for p in parts)
        )
    )
    def test_parse_then_format_is_canonical(self, parts: tuple[int | None, ...]) -> None:
        """Any valid spelling parses, and formats to a spelling that parses to the same."""
        text = "".join(f"{n}{unit}" for n, unit in zip(parts, "dhms", strict=True) if n is not None)
        value = parse_duration(text)
        assert parse_duration(format_duration(value)) == value
