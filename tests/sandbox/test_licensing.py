"""The licensing service: its rules at the HTTP level, its sandbox endpoints, the request page."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from dnn_runbook.sandbox import Sandbox
from dnn_runbook.sandbox.licensing import CLIENT_ACTIVATION_LIMIT

Factory = Callable[..., Sandbox]


def activate(
    http: httpx.Client, sb: Sandbox, server_id: str, license_type: str, **overrides: str
) -> httpx.Response:
    body = {
        "serverId": server_id,
        "invoice": sb.license_invoice,
        "email": sb.license_email,
        "licenseType": license_type,
        **overrides,
    }
    return http.post(f"{sb.licensing.url}/api/activate", json=body)


def refusal(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400
    data: dict[str, Any] = response.json()
    return data


class TestActivate:
    def test_development_use_of_the_production_invoice_is_unlimited(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """KB-MIG: Development on a production invoice works however often, while old holds it."""
        for _ in range(3):
            response = activate(http, sandbox, sandbox.new.server_id, "Development")
            assert response.status_code == 200
        expires = date.fromisoformat(response.json()["expires"])
        assert expires == date.fromisoformat(
            sandbox.state()["servers"]["old"]["licenses"][0]["expires"]
        )

    def test_production_is_active_on_one_server_at_a_time(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """ACT2: Production for the invoice is refused while the old server holds it."""
        data = refusal(activate(http, sandbox, sandbox.new.server_id, "Production"))
        assert data["code"] == "ACT2"
        assert data["invoice"] == sandbox.license_invoice

    def test_returned_activation_can_be_used_elsewhere(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """Once the old server gives the activation back, the new server may take it."""
        back = http.post(
            f"{sandbox.licensing.url}/api/deactivate",
            json={
                "serverId": sandbox.old.server_id,
                "invoice": sandbox.license_invoice,
                "licenseType": "Production",
            },
        )
        assert back.json() == {"returned": True}
        assert activate(http, sandbox, sandbox.new.server_id, "Production").status_code == 200
        assert sandbox.state()["activations"][0]["server"] == "new"

    @pytest.mark.parametrize(
        "overrides",
        [
            {"email": "someone.else@example.com"},
            {"invoice": "INV999-1"},
            {"licenseType": "Staging"},
            {"invoice": "INV002-1", "licenseType": "Production"},
            {"licenseType": "Enterprise"},
        ],
        ids=["wrong-email", "unknown-invoice", "wrong-type", "dev-invoice-as-prod", "bad-type"],
    )
    def test_details_that_do_not_match_are_act1(
        self, sandbox: Sandbox, http: httpx.Client, overrides: dict[str, str]
    ) -> None:
        """ACT1 for a wrong email, invoice or type."""
        license_type = overrides.pop("licenseType", "Development")
        response = activate(http, sandbox, sandbox.new.server_id, license_type, **overrides)
        assert refusal(response)["code"] == "ACT1"

    def test_email_and_invoice_are_case_insensitive(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """The service matches the email and invoice regardless of letter case and spaces."""
        response = activate(
            http,
            sandbox,
            sandbox.new.server_id,
            "Development",
            email=f" {sandbox.license_email.upper()} ",
            invoice=sandbox.license_invoice.lower(),
        )
        assert response.status_code == 200

    def test_expired_license(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """An invoice whose license term ended is refused with its date."""
        data = refusal(
            activate(http, sandbox, sandbox.new.server_id, "Production", invoice="INV006-1")
        )
        assert data["code"] == "EXPIRED"
        assert date.fromisoformat(data["date"]) < date.today()

    def test_expired_service_period_is_act6(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """ACT6 when the invoice's service period has ended."""
        data = refusal(
            activate(http, sandbox, sandbox.new.server_id, "Production", invoice="INV007-1")
        )
        assert data["code"] == "ACT6"

    def test_too_many_activations_from_one_client_is_act3(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """ACT3 once a client exceeds its hourly activations; other clients are unaffected."""
        for _ in range(CLIENT_ACTIVATION_LIMIT):
            assert activate(http, sandbox, sandbox.new.server_id, "Development").status_code == 200
        data = refusal(activate(http, sandbox, sandbox.new.server_id, "Development"))
        assert data["code"] == "ACT3"
        assert activate(http, sandbox, sandbox.old.server_id, "Development").status_code == 200

    def test_refusals_and_grants_are_in_the_history(
        self, sandbox: Sandbox, http: httpx.Client
    ) -> None:
        """Every decision of the service is recorded with its server and code."""
        activate(http, sandbox, sandbox.new.server_id, "Production")
        activate(http, sandbox, sandbox.new.server_id, "Development")
        events = [
            (e["kind"], e["server"], e["type"], e.get("code"))
            for e in sandbox.state()["history"]
            if e["kind"].startswith("activation_")
        ]
        assert events == [
            ("activation_refused", "new", "Production", "ACT2"),
            ("activation_granted", "new", "Development", None),
        ]


class TestDeactivateAndRenew:
    def test_nothing_to_return(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """A server that does not hold the activation gets returned=false."""
        back = http.post(
            f"{sandbox.licensing.url}/api/deactivate",
            json={
                "serverId": sandbox.new.server_id,
                "invoice": sandbox.license_invoice,
                "licenseType": "Production",
            },
        )
        assert back.json() == {"returned": False}
        assert sandbox.state()["activations"][0]["server"] == "old"

    def test_renew_by_the_holder(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """The holder may renew; another server is told the activation is in use."""
        body = {
            "invoice": sandbox.license_invoice,
            "email": sandbox.license_email,
            "licenseType": "Production",
        }
        url = f"{sandbox.licensing.url}/api/renew"
        assert http.post(url, json={**body, "serverId": sandbox.old.server_id}).status_code == 200
        other = http.post(url, json={**body, "serverId": sandbox.new.server_id})
        assert refusal(other)["code"] == "ACT2"


class TestSandboxEndpoints:
    def test_faults_post_and_delete(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """POST switches faults on (a list or {"faults": [...]}); DELETE switches all off."""
        url = f"{sandbox.licensing.url}/_sandbox/faults"
        assert http.post(url, json=["licensing-down:old"]).json() == {
            "faults": ["licensing-down:old"]
        }
        assert not sandbox.faults.licensing_reachable_from("old")
        assert http.post(url, json={"faults": ["pages-slow=0.1"]}).json() == {
            "faults": ["pages-slow=0.1"]
        }
        assert http.delete(url).json() == {"faults": []}
        assert sandbox.state()["faults"] == []

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            (b'["licensing-sideways"]', "not one the sandbox knows"),
            (b'["old-unlicensed"]', "cannot be switched on at run time"),
            (b"{not json", "Expecting property name"),
            (b'"licensing-down"', "must be a list"),
        ],
    )
    def test_bad_fault_posts_are_400_with_the_reason(
        self, sandbox: Sandbox, http: httpx.Client, body: bytes, expected: str
    ) -> None:
        """An unknown or misplaced spec, or bad JSON, is refused and nothing changes."""
        sandbox.set_faults(["licensing-down:new"])
        response = http.post(f"{sandbox.licensing.url}/_sandbox/faults", content=body)
        assert response.status_code == 400
        assert expected in response.json()["error"]
        assert sandbox.state()["faults"] == ["licensing-down:new"]

    def test_state_view(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """GET /_sandbox/state is the same JSON as Sandbox.state(), with both servers' URLs."""
        view = http.get(f"{sandbox.licensing.url}/_sandbox/state").json()
        assert view["servers"]["old"]["url"] == sandbox.old.url
        assert view["servers"]["new"]["licenses"] == []
        assert view["history"] == sandbox.state()["history"]

    def test_flaky_calls_fail_with_503(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """licensing-flaky=1 fails every API call; =0 none; the sandbox endpoints never."""
        sandbox.set_faults(["licensing-flaky=1"])
        assert http.get(f"{sandbox.licensing.url}/api/status").status_code == 503
        assert http.get(f"{sandbox.licensing.url}/_sandbox/state").status_code == 200
        sandbox.set_faults(["licensing-flaky=0"])
        assert http.get(f"{sandbox.licensing.url}/api/status").status_code == 200

    def test_slow_calls_answer_late_but_answer(self, sandbox: Sandbox, http: httpx.Client) -> None:
        """licensing-slow delays each API call by at least its value, and the call succeeds."""
        sandbox.set_faults(["licensing-slow=0.3"])
        started = time.monotonic()
        assert http.get(f"{sandbox.licensing.url}/api/status").status_code == 200
        assert time.monotonic() - started >= 0.3


@pytest.mark.e2e
class TestRequestPage:
    def test_generate_a_key_for_a_server_id(self, sandbox: Sandbox, page: Page) -> None:
        """Server ID, invoice, email and type in; an activation key out, and recorded."""
        page.goto(f"{sandbox.licensing.url}/activation/request")
        page.get_by_label("Server ID").fill(sandbox.new.server_id)
        page.get_by_label("Invoice Number").fill(sandbox.license_invoice)
        page.get_by_label("Account Email").fill(sandbox.license_email)
        page.get_by_label("License Type").select_option("Development")
        page.get_by_role("button", name="Generate Activation Key").click()
        expect(page.get_by_label("Activation Key")).not_to_be_empty()
        kinds = [(e["kind"], e["server"]) for e in sandbox.state()["history"]][-2:]
        assert kinds == [("activation_granted", "new"), ("activation_key_issued", "new")]

    def test_unknown_server_id(self, sandbox: Sandbox, page: Page) -> None:
        """A Server ID the sandbox never issued gets an error and no key."""
        page.goto(f"{sandbox.licensing.url}/activation/request")
        page.get_by_label("Server ID").fill("ABCDEF")
        page.get_by_role("button", name="Generate Activation Key").click()
        expect(page.get_by_role("alert")).to_contain_text("The Server ID is not valid")
        expect(page.get_by_label("Activation Key")).to_be_empty()

    def test_the_rules_apply_to_keys_too(self, sandbox: Sandbox, page: Page) -> None:
        """A Production key is refused while another server holds the activation."""
        page.goto(f"{sandbox.licensing.url}/activation/request")
        page.get_by_label("Server ID").fill(sandbox.new.server_id)
        page.get_by_label("Invoice Number").fill(sandbox.license_invoice)
        page.get_by_label("Account Email").fill(sandbox.license_email)
        page.get_by_role("button", name="Generate Activation Key").click()
        expect(page.get_by_role("alert")).to_have_text(
            f"Production activation for {sandbox.license_invoice} is in use."
        )


def test_client_window_is_an_hour() -> None:
    """ACT3 counts activations within one hour (documented in the README)."""
    from dnn_runbook.sandbox.licensing import CLIENT_ACTIVATION_WINDOW

    assert timedelta(hours=1) == CLIENT_ACTIVATION_WINDOW
