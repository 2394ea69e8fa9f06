"""What a run resolved its runbook to (``dnn_runbook.evidence.binding``)."""

from __future__ import annotations

import hashlib
import hmac
import subprocess

import pytest

from dnn_runbook.evidence.binding import (
    bind,
    differences,
    how_differences,
    keyed_hash,
    new_key,
    recorded_key,
)
from tests.support import seed_runbook


class TestBind:
    def test_records_servers_accounts_and_keyed_license_ids(self) -> None:
        """Each server's URL and account, the runbook, the tool, and the invoice and email as
        HMAC-SHA256 under the run's key: never the values themselves."""
        key = new_key()
        made = bind(seed_runbook(), key=key)
        assert made["servers"]["old"] == {
            "url": "http://127.0.0.1:9",
            "username": "host",
            "how": {"login_path": "/Login", "tls_verify": True, "tls_ca": None},
        }
        assert made["runbook"]["name"] == "migrate-evoq-license"
        assert made["tool"]["name"] == "dnn-runbook"
        expected = hmac.new(bytes.fromhex(key), b"inv001-1", hashlib.sha256).hexdigest()
        assert made["license"]["invoice"] == expected
        assert "INV001-1" not in repr(made)
        assert "owner@example.com" not in repr(made)
        assert recorded_key(made) == key

    def test_values_are_normalised_as_the_runner_compares_them(self) -> None:
        """Surrounding space and letter case do not change an invoice or an email."""
        key = new_key()
        assert keyed_hash(key, "  INV001-1 ") == keyed_hash(key, "inv001-1")

    def test_an_auditor_can_check_the_invoice_with_openssl(self) -> None:
        """The documented openssl command gives the recorded value."""
        key = new_key()
        done = subprocess.run(
            ["openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", f"hexkey:{key}"],
            input=b"inv001-1",
            capture_output=True,
            check=True,
        )
        assert done.stdout.decode().split()[-1] == keyed_hash(key, "INV001-1")

    def test_steps_record_what_apart_from_how(self) -> None:
        """What a step acts on (server, type, invoice, email) is kept apart from how it does
        it (activation, messages, timeouts), with secrets masked in the latter."""
        made = bind(seed_runbook(), key=new_key())
        by_id = {step["id"]: step for step in made["steps"]}
        add = by_id["add-prod-on-new"]
        assert set(add["what"]) == {"server", "type", "invoice", "email"}
        assert add["how"] == {
            "activation": "automatic",
            "activation_key_file": None,
            "activation_key": None,
        }
        assert by_id["dns-cutover"]["what"] == {}
        assert by_id["dns-cutover"]["how"]["message"].startswith("Point DNS")
        assert by_id["wait-new-serving"]["how"]["timeout"] == "5m"

    def test_a_secret_in_how_is_masked(self) -> None:
        """A confirm message a variable filled with the password is recorded masked."""
        runbook = seed_runbook(DNN_SITE_URL="http://127.0.0.1:9/pw-new-secret")
        made = bind(runbook, key=new_key())
        wait = next(step for step in made["steps"] if step["id"] == "wait-new-serving")
        assert wait["how"]["url"] == "http://127.0.0.1:9/••••"


class TestDifferences:
    def test_none_when_nothing_changed(self) -> None:
        """The same runbook and environment resolve the same."""
        key = new_key()
        assert differences(bind(seed_runbook(), key=key), bind(seed_runbook(), key=key)) == []

    def test_swapped_servers_are_named_before_and_now(self) -> None:
        """Old and new swapped in the env file: both addresses named, with their values."""
        key = new_key()
        run = bind(seed_runbook(DNN_OLD_URL="http://old:1", DNN_NEW_URL="http://new:2"), key=key)
        now = bind(seed_runbook(DNN_OLD_URL="http://new:2", DNN_NEW_URL="http://old:1"), key=key)
        assert differences(run, now) == [
            "servers.new.url was 'http://new:2', now 'http://old:1'",
            "servers.old.url was 'http://old:1', now 'http://new:2'",
        ]

    @pytest.mark.parametrize(
        ("variable", "what"),
        [("DNN_LICENSE_INVOICE", "license.invoice"), ("DNN_LICENSE_EMAIL", "license.email")],
    )
    def test_another_license_id_is_named_not_shown(self, variable: str, what: str) -> None:
        """Another invoice or email: named as changed, neither value nor hash shown."""
        key = new_key()
        run = bind(seed_runbook(), key=key)
        now = bind(seed_runbook(**{variable: "other@example.com"}), key=key)
        assert differences(run, now) == [f"{what}: it resolves to another value than the run's"]

    def test_a_steps_own_target_is_named(self) -> None:
        """A step whose server changed (same servers, same license) is named by its id."""
        key = new_key()
        run = bind(seed_runbook(), key=key)
        now = bind(seed_runbook(), key=key)
        now["steps"][4]["what"]["server"] = "new"
        assert differences(run, now) == [
            "steps 'remove-prod-on-old': what it acts on (server, license type, invoice or "
            "email) differs (server was 'old', now 'new')"
        ]

    def test_another_tool_version(self) -> None:
        """A resume by another version of the tool is named."""
        key = new_key()
        run = bind(seed_runbook(), key=key, version="0.1.0")
        now = bind(seed_runbook(), key=key, version="0.2.0")
        assert differences(run, now) == [
            "the tool: dnn-runbook '0.1.0' started the run, this is '0.2.0'"
        ]


class TestHowDifferences:
    def test_each_changed_field_of_how_is_named_after_the_file(self) -> None:
        """Manual activation with a key file on add-prod-on-new: the file's new hash, then
        each field, before and now; nothing is refused while the step has not finished."""
        key = new_key()
        run = bind(seed_runbook(), key=key)
        now = bind(seed_runbook(), key=key)
        now["runbook"]["sha256"] = "b" * 64
        how = now["steps"][5]["how"]
        how.update(activation="manual", activation_key_file="/keys/prod.key")
        assert differences(run, now) == []
        refused, changed = how_differences(run, now, finished={"preflight", "add-dev-on-new"})
        assert refused == []
        assert changed[0].startswith("the runbook file: its SHA-256 was ")
        assert changed[1:] == [
            "steps 'add-prod-on-new'.activation was 'automatic', now 'manual'",
            "steps 'add-prod-on-new'.activation_key_file was None, now '/keys/prod.key'",
        ]

    def test_a_finished_steps_how_is_refused_and_a_key_never_shown(self) -> None:
        """A key given to a step that finished: refused, the key named as another value."""
        key = new_key()
        run = bind(seed_runbook(), key=key)
        now = bind(seed_runbook(), key=key)
        now["steps"][1]["how"]["activation_key"] = keyed_hash(key, "KEY-123")
        refused, changed = how_differences(run, now, finished={"add-dev-on-new"})
        assert changed == []
        assert refused == [
            "steps 'add-dev-on-new'.activation_key resolves to another value (the step has "
            "finished: how it was done is recorded)"
        ]
