"""Fault specs: parsing, canonical form, and the run-time rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dnn_runbook.exceptions import FaultSpecError
from dnn_runbook.sandbox.faults import KNOWN_SPECS, Faults, parse_runtime


class TestParse:
    def test_no_specs_means_no_faults(self) -> None:
        """An empty list is the default, fault-free state."""
        assert Faults.parse([]) == Faults()
        assert Faults().specs() == []

    def test_licensing_down_everywhere_and_per_server(self) -> None:
        """licensing-down blocks both servers; the :old/:new forms block one each."""
        assert Faults.parse(["licensing-down"]).licensing_down == {"old", "new"}
        old_only = Faults.parse(["licensing-down:old"])
        assert not old_only.licensing_reachable_from("old")
        assert old_only.licensing_reachable_from("new")
        both = Faults.parse(["licensing-down:old", "licensing-down:new"])
        assert both.specs() == ["licensing-down"]

    def test_value_faults(self) -> None:
        """Each value fault is read as a number; old-unlicensed is a flag."""
        faults = Faults.parse(
            [
                "licensing-slow=1.5",
                "licensing-flaky=0.25",
                "pages-slow=0.2",
                "api-slow=0.4",
                "session-expiry=0",
                "old-unlicensed",
            ]
        )
        assert faults.licensing_slow == 1.5
        assert faults.licensing_flaky == 0.25
        assert faults.pages_slow == 0.2
        assert faults.api_slow == 0.4
        assert faults.session_expiry == 0
        assert faults.old_unlicensed

    def test_a_later_value_wins(self) -> None:
        """Two values for one fault: the last one counts, as on a command line."""
        assert Faults.parse(["pages-slow=1", "pages-slow=2"]).pages_slow == 2

    def test_unknown_spec_names_the_spec_and_the_known_ones(self) -> None:
        """An unknown spec is an error that lists what the sandbox accepts."""
        with pytest.raises(FaultSpecError) as caught:
            Faults.parse(["licensing-sideways"])
        message = str(caught.value)
        assert "'licensing-sideways'" in message
        for known in KNOWN_SPECS:
            assert known in message

    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            ("licensing-flaky=2", "between 0 and 1"),
            ("licensing-slow=abc", "got 'abc'"),
            ("pages-slow=-1", "got -1"),
            ("licensing-down:middle", "'old' or 'new'"),
            ("session-expiry=nan", "got nan"),
            ("custom-login=/sign-in", "a path starting with / and a module id"),
            ("custom-login=sign-in:412", "a path starting with / and a module id"),
            ("custom-login=/sign-in:x", "a path starting with / and a module id"),
            ("custom-login=/LOGIN:412", "another path than /Login"),
        ],
    )
    def test_bad_values_say_what_was_expected(self, spec: str, expected: str) -> None:
        """A known fault with a bad value names the fault, the range and what was given."""
        with pytest.raises(FaultSpecError, match=expected):
            Faults.parse([spec])

    def test_custom_login_takes_a_path_and_a_module_id(self) -> None:
        """custom-login=PATH:N parses to (PATH, N) and prints back the same; it may be
        switched on at run time."""
        faults = Faults.parse(["custom-login=/Account/Sign-In:412"])
        assert faults.custom_login == ("/Account/Sign-In", 412)
        assert faults.specs() == ["custom-login=/Account/Sign-In:412"]
        assert parse_runtime(["custom-login=/sign-in:7"]).custom_login == ("/sign-in", 7)

    def test_a_bare_string_is_refused(self) -> None:
        """Passing one string instead of a list is caught instead of read letter by letter."""
        with pytest.raises(FaultSpecError, match="wrap it in a list"):
            Faults.parse("licensing-down")

    # No deadline: on a busy shared machine one example may stall; the property is what counts.
    @settings(deadline=None)
    @given(
        down=st.sets(st.sampled_from(["old", "new"])),
        slow=st.floats(0, 600, allow_nan=False),
        flaky=st.floats(0, 1, allow_nan=False),
        pages=st.floats(0, 600, allow_nan=False),
        api=st.floats(0, 600, allow_nan=False),
        expiry=st.none() | st.floats(0, 10**6, allow_nan=False),
        unlicensed=st.booleans(),
    )
    def test_specs_parse_back_to_the_same_faults(
        self,
        down: set[str],
        slow: float,
        flaky: float,
        pages: float,
        api: float,
        expiry: float | None,
        unlicensed: bool,
    ) -> None:
        """specs() is the inverse of parse(), up to the printed precision."""
        faults = Faults(
            licensing_down=frozenset(down),
            licensing_slow=slow,
            licensing_flaky=flaky,
            pages_slow=pages,
            api_slow=api,
            session_expiry=expiry,
            old_unlicensed=unlicensed,
        )
        again = Faults.parse(faults.specs())
        assert again.specs() == faults.specs()
        assert again.licensing_down == faults.licensing_down
        assert again.old_unlicensed == faults.old_unlicensed


class TestParseRuntime:
    def test_accepts_a_list_or_an_object_with_faults(self) -> None:
        """The JSON body may be a bare list or {"faults": [...]}."""
        assert parse_runtime(["licensing-down:new"]).licensing_down == {"new"}
        assert parse_runtime({"faults": ["pages-slow=1"]}).pages_slow == 1

    def test_old_unlicensed_only_at_start(self) -> None:
        """old-unlicensed describes the start; switching it on later is an error saying so."""
        with pytest.raises(FaultSpecError, match="--fault old-unlicensed"):
            parse_runtime(["old-unlicensed"])

    def test_something_else_than_a_list_is_refused(self) -> None:
        """A JSON string or number is not a list of specs."""
        with pytest.raises(FaultSpecError, match="must be a list"):
            parse_runtime("licensing-down")
