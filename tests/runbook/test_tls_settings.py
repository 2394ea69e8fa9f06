"""A server's `tls_verify` and `tls_ca`: read, checked at FILE:LINE:COL, shown by `plan`, in
the JSON Schema."""

from __future__ import annotations

from pathlib import Path

from dnn_runbook.runbook import check, load
from dnn_runbook.runbook.jsonschema import json_schema
from dnn_runbook.runbook.plan import render_plan
from tests.runbook.test_schema import SMALL_ENVIRON, Write, problems_of, small

OLD = "    password: ${OLD_PASSWORD}\n"


def with_old(settings: str) -> str:
    return small(OLD, OLD + settings)


class TestTlsSettings:
    def test_defaults_verify_with_the_system_authorities(self, write: Write) -> None:
        """Without either key the certificate is checked as the browser checks it."""
        server = load(write(with_old(""), dedent=False), environ=SMALL_ENVIRON).servers["old"]
        assert (server.tls_verify, server.tls_ca) == (True, None)

    def test_tls_verify_false_and_a_ca_bundle_relative_to_the_runbook(
        self, write: Write, tmp_path: Path
    ) -> None:
        """tls_verify takes a boolean (a variable too); tls_ca a file beside the runbook."""
        (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
        text = small(OLD, OLD + "    tls_verify: ${OLD_TLS_VERIFY}\n").replace(
            "    password: ${NEW_PASSWORD}\n", "    password: ${NEW_PASSWORD}\n    tls_ca: ca.pem\n"
        )
        path = write(text, dedent=False)
        runbook = load(path, environ={**SMALL_ENVIRON, "OLD_TLS_VERIFY": "false"})
        assert runbook.servers["old"].tls_verify is False
        assert runbook.servers["new"].tls_ca == (path.parent / "ca.pem").absolute()
        plan = render_plan(runbook)
        assert "its certificate NOT checked (tls_verify: false)" in plan
        assert f"its certificate checked against {tmp_path / 'ca.pem'}" in plan

    def test_each_mistake_is_an_error_at_its_place(self, write: Write, tmp_path: Path) -> None:
        """Not a boolean, no such file, both keys: one error each, FILE:LINE:COL."""
        assert any(
            ":8:17: servers.old.tls_verify must be true or false (got 'maybe')" in p
            for p in problems_of(write, with_old("    tls_verify: maybe\n"))
        )
        missing = problems_of(write, with_old("    tls_ca: no-such-ca.pem\n"))
        assert any(
            ":8:13: servers.old.tls_ca must name a CA bundle file (PEM)" in p
            and "no-such-ca.pem" in p
            for p in missing
        )
        (tmp_path / "ca.pem").write_text("x")
        both = problems_of(write, with_old("    tls_verify: false\n    tls_ca: ca.pem\n"))
        assert any("servers.old gives both tls_ca and tls_verify: false" in p for p in both)
        runbook, _ = check(
            write(with_old("    tls_verify: false\n    tls_ca: ca.pem\n"), dedent=False),
            environ=SMALL_ENVIRON,
        )
        assert runbook is None

    def test_the_json_schema_knows_them(self) -> None:
        """Editors complete and check both keys."""
        server = json_schema()["properties"]["servers"]["additionalProperties"]["properties"]
        assert {"type": "boolean"} in server["tls_verify"]["anyOf"]
        assert server["tls_ca"]["type"] == "string"
