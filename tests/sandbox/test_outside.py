"""Changes behind a run's back (another administrator, DNN support) and the licensing service
that goes away after its N-th call: the truth API the safety tests use to reach the states
where an interlock must fire."""

from __future__ import annotations

import httpx
import pytest

from dnn_runbook.exceptions import FaultSpecError, SandboxError
from dnn_runbook.sandbox import Sandbox
from dnn_runbook.sandbox.catalogue import PRODUCTION_INVOICE
from dnn_runbook.sandbox.faults import Faults
from dnn_runbook.sandbox.state import SandboxState, ServerIdentity

SERVERS = [ServerIdentity("old", "WEB-OLD", "ID-OLD"), ServerIdentity("new", "WEB-NEW", "ID-NEW")]


def kinds(state: dict[str, object]) -> list[tuple[str, str | None, str | None, str | None]]:
    """(kind, server, type, via/how) of every event after the start (the seed comes first)."""
    history = state["history"]
    assert isinstance(history, list)
    start = [e["kind"] for e in history].index("sandbox_started")
    return [
        (e["kind"], e["server"], e["type"], e.get("via") or e.get("how"))
        for e in history[start + 1 :]
    ]


class TestChangesOutsideTheRun:
    def test_add_and_remove_go_through_the_licensing_service_and_say_so(
        self, sandbox: Sandbox
    ) -> None:
        """A Development license added on new and Production removed from old: each is in the
        history as done outside the run, and the activation went back."""
        sandbox.add_license("new", "Development")
        sandbox.remove_license("old", "production")
        state = sandbox.state()
        assert [lic["type"] for lic in state["servers"]["new"]["licenses"]] == ["Development"]
        assert state["servers"]["old"]["licenses"] == []
        assert state["activations"] == []
        assert kinds(state) == [
            ("activation_granted", "new", "Development", "outside"),
            ("license_added", "new", "Development", "outside"),
            ("activation_returned", "old", "Production", "outside"),
            ("license_removed", "old", "Production", "outside"),
        ]
        removed = state["history"][-1]
        assert removed["activation_returned"] is True

    def test_a_second_single_activation_is_refused_as_the_page_would(
        self, sandbox: Sandbox
    ) -> None:
        """Production on new while old holds it: the licensing service's own refusal."""
        with pytest.raises(SandboxError, match="refused to activate Production"):
            sandbox.add_license("new", "Production")
        assert sandbox.state()["servers"]["new"]["licenses"] == []

    @pytest.mark.parametrize(
        ("args", "expected"),
        [
            (("old", "Production"), "already holds a Production license"),
            (("middle", "Production"), "'old' and 'new', got 'middle'"),
            (("new", "Gold"), "must be one of Production, .* got 'Gold'"),
            (("new", "Staging", "INV004-1"), "refused to activate Staging invoice INV004-1"),
        ],
    )
    def test_bad_additions_say_why(
        self, sandbox: Sandbox, args: tuple[str, ...], expected: str
    ) -> None:
        with pytest.raises(SandboxError, match=expected):
            sandbox.add_license(*args)

    def test_removing_what_is_not_there_says_so(self, sandbox: Sandbox) -> None:
        with pytest.raises(SandboxError, match="'new' holds no Development license"):
            sandbox.remove_license("new", "Development")

    def test_other_types_use_their_catalogue_invoice(self, sandbox: Sandbox) -> None:
        for kind, invoice in (
            ("Staging", "INV003-1"),
            ("Test", "INV004-1"),
            ("Failover", "INV005-1"),
        ):
            sandbox.add_license("new", kind)
            assert {"invoice": invoice, "type": kind, "server": "new"}.items() <= {
                **next(a for a in sandbox.state()["activations"] if a["type"] == kind)
            }.items()

    def test_support_restores_a_lost_activation(self, sandbox: Sandbox) -> None:
        """The activation old still holds after its license was deleted unreachable goes back."""
        with pytest.raises(SandboxError, match="No server holds an activation of invoice INV003-1"):
            sandbox.restore_activation("INV003-1")
        sandbox.restore_activation()
        state = sandbox.state()
        assert state["activations"] == []
        assert kinds(state)[-1] == ("activation_restored", "old", "Production", "outside")

    def test_over_http(self, sandbox: Sandbox) -> None:
        """POST /_sandbox/licenses makes the same changes and refuses bad ones with HTTP 400."""
        url = f"{sandbox.licensing.url}/_sandbox/licenses"
        with httpx.Client(trust_env=False, timeout=10) as client:
            ok = client.post(url, json={"change": "add", "server": "new", "type": "Development"})
            assert ok.status_code == 200
            assert ok.json()["servers"]["new"]["licenses"][0]["via"] == "outside"
            for body, expected in (
                ({"change": "swap", "server": "new", "type": "Test"}, "got 'swap'"),
                ([1], "must be a JSON object"),
                ({"change": "add", "server": "new", "type": "Test", "invoice": 4}, "string"),
                ({"change": "remove", "server": "new", "type": "Test"}, "holds no Test"),
            ):
                refused = client.post(url, json=body)
                assert refused.status_code == 400
                assert expected in refused.json()["error"]
            bad_json = client.post(url, content=b"{")
            assert bad_json.status_code == 400


class TestLicensingDownAfter:
    def test_parses_and_prints_back(self) -> None:
        faults = Faults.parse(["licensing-down-after=3"])
        assert faults.licensing_down_after == 3
        assert faults.specs() == ["licensing-down-after=3"]
        assert Faults.parse(faults.specs()) == faults

    @pytest.mark.parametrize("raw", ["-1", "2.5", "x", "", "²", "1000001"])
    def test_a_bad_count_says_what_was_expected(self, raw: str) -> None:
        with pytest.raises(FaultSpecError, match="whole number of calls between 0 and 1000000"):
            Faults.parse([f"licensing-down-after={raw}"])

    def test_the_service_answers_n_calls_then_is_gone_and_that_is_recorded(self) -> None:
        """Counted across both servers from when the fault is put in force; the first call
        that finds it gone is in the history, once."""
        state = SandboxState(SERVERS, faults=Faults())
        assert all(state.licensing_call_passes("old") for _ in range(5))
        state.set_faults(Faults(licensing_down_after=2))
        passes = [state.licensing_call_passes(key) for key in ("old", "new", "old", "new")]
        assert passes == [True, True, False, False]
        gone = [e for e in state.history() if e.kind == "licensing_went_down"]
        assert [(e.server, dict(e.detail)) for e in gone] == [("old", {"after_calls": 2})]
        state.set_faults(Faults(licensing_down_after=1))
        assert state.licensing_call_passes("new")
        assert not state.licensing_call_passes("new")

    def test_licensing_down_for_a_server_is_gone_whatever_the_count(self) -> None:
        state = SandboxState(SERVERS, faults=Faults(licensing_down=frozenset({"old"})))
        assert not state.licensing_call_passes("old")
        assert state.licensing_call_passes("new")
        assert state.holder(PRODUCTION_INVOICE) is not None
