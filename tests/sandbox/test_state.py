"""The shared truth: license tables, activations and the timestamped history."""

from __future__ import annotations

from datetime import timedelta

from dnn_runbook.sandbox.catalogue import PRODUCTION_INVOICE, LicenseType
from dnn_runbook.sandbox.faults import Faults
from dnn_runbook.sandbox.state import SandboxState, ServerIdentity

SERVERS = [ServerIdentity("old", "WEB-OLD", "ID-OLD"), ServerIdentity("new", "WEB-NEW", "ID-NEW")]


def make(**kwargs: object) -> SandboxState:
    return SandboxState(SERVERS, faults=kwargs.pop("faults", Faults()), **kwargs)  # type: ignore[arg-type]


class TestStart:
    def test_old_holds_production_and_new_holds_nothing(self) -> None:
        """The starting state of every rehearsal."""
        state = make()
        (row,) = state.licenses("old")
        assert (row.license_type, row.invoice, row.web_server, row.activated) == (
            LicenseType.PRODUCTION,
            PRODUCTION_INVOICE,
            "WEB-OLD",
            True,
        )
        assert state.licenses("new") == ()
        held = state.holder(PRODUCTION_INVOICE)
        assert held is not None
        assert held.server_id == "ID-OLD"

    def test_old_unlicensed(self) -> None:
        """With old-unlicensed nobody holds anything."""
        state = make(faults=Faults(old_unlicensed=True))
        assert state.licenses("old") == ()
        assert state.holder(PRODUCTION_INVOICE) is None

    def test_seeded_licenses(self) -> None:
        """seed_licenses adds that many rows to the old server, each with its invoice."""
        state = make(seed_licenses=20)
        rows = state.licenses("old")
        assert len(rows) == 21
        assert all(state.invoice(row.invoice) is not None for row in rows)

    def test_history_is_in_time_order(self) -> None:
        """Seeded rows are dated in the past and come before the start event."""
        history = make(seed_licenses=3).history()
        assert [event.kind for event in history][-1] == "sandbox_started"
        assert [event.at for event in history] == sorted(event.at for event in history)


class TestChanges:
    def test_add_and_remove_are_recorded(self) -> None:
        """Each change appears in the history with server, type and invoice."""
        state = make()
        row = state.add_license(
            "new",
            license_type=LicenseType.DEVELOPMENT,
            invoice=PRODUCTION_INVOICE,
            email="a@example.com",
            expires=state.licenses("old")[0].expires,
            via="automatic",
        )
        state.remove_license("new", row.id, activation_returned=True)
        kinds = [(e.kind, e.server, e.license_type) for e in state.history()[-2:]]
        assert kinds == [
            ("license_added", "new", "Development"),
            ("license_removed", "new", "Development"),
        ]
        assert state.history()[-1].detail == {"activation_returned": True}

    def test_release_only_by_the_holder(self) -> None:
        """Only the server that holds an activation can give it back."""
        state = make()
        assert not state.release(PRODUCTION_INVOICE, "ID-NEW")
        assert state.release(PRODUCTION_INVOICE, "ID-OLD")
        assert state.holder(PRODUCTION_INVOICE) is None

    def test_activation_count_window(self) -> None:
        """Activations are counted per client within the window."""
        state = make()
        assert state.count_activation("ID-NEW", timedelta(hours=1)) == 1
        assert state.count_activation("ID-NEW", timedelta(hours=1)) == 2
        assert state.count_activation("ID-OLD", timedelta(hours=1)) == 1

    def test_reset_returns_to_the_start(self) -> None:
        """reset() undoes every change and starts a new history."""
        state = make()
        state.remove_license("old", state.licenses("old")[0].id, activation_returned=False)
        state.set_faults(Faults(pages_slow=1))
        state.reset()
        assert len(state.licenses("old")) == 1
        assert state.faults == Faults()
        assert state.history()[-1].kind == "sandbox_reset"


class TestSnapshot:
    def test_shape_and_no_email(self) -> None:
        """The state view lists servers, activations and history, and never an email."""
        state = make()
        view = state.snapshot({"old": "http://o", "new": "http://n"})
        assert set(view) == {"now", "faults", "servers", "activations", "history"}
        assert view["servers"]["old"]["url"] == "http://o"
        assert view["servers"]["old"]["licenses"][0]["type"] == "Production"
        assert view["activations"] == [
            {
                "invoice": PRODUCTION_INVOICE,
                "type": "Production",
                "server": "old",
                "since": view["activations"][0]["since"],
            }
        ]
        assert "@" not in str(view)
