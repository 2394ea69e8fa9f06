"""Validation of whole runbooks: the seed loads, and every malformed file is told exactly
where and what is wrong (``dnn_runbook.runbook._schema``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from dnn_runbook.exceptions import DnnRunbookError, RunbookInvalidError
from dnn_runbook.runbook import (
    Activation,
    AddLicenseStep,
    ConfirmStep,
    LicenseType,
    PreflightStep,
    RemoveLicenseStep,
    ScreenshotStep,
    Secret,
    SecretKind,
    Severity,
    VerifyLicenseStep,
    WaitCutoverStep,
    check,
    load,
)

Write = Callable[..., Path]

#: A small valid runbook whose line numbers the tests rely on; variables come from
#: SMALL_ENVIRON. Line 21 is the second step's `type`.
SMALL = """\
version: 1
name: small
servers:
  old:
    url: ${OLD_URL}
    username: host
    password: ${OLD_PASSWORD}
  new:
    url: ${NEW_URL}
    username: host
    password: ${NEW_PASSWORD}
license:
  email: ${EMAIL}
  invoice: ${INVOICE}
steps:
  - id: preflight
    action: preflight
  - id: add-dev
    action: add_license
    server: new
    type: Development
"""

SMALL_ENVIRON = {
    "OLD_URL": "https://old.example.com",
    "NEW_URL": "https://new.example.com/",
    "OLD_PASSWORD": "small-old-pw-8812",
    "NEW_PASSWORD": "small-new-pw-7734",
    "EMAIL": "small@example.com",
    "INVOICE": "INV777-3",
}

ACTIONS = (
    "preflight, add_license, remove_license, verify_license, confirm, wait_http, wait_cutover, "
    "screenshot"
)
TYPES = "Production, Staging, Failover, Test, Development"


def problems_of(
    write: Write,
    text: str,
    environ: dict[str, str] | None = None,
    env_file: Path | None = None,
) -> list[str]:
    """Check ``text`` as runbook.yaml and return its problems as printed."""
    path = write(text, dedent=False)
    _, problems = check(
        path, env_file=env_file, environ=SMALL_ENVIRON if environ is None else environ
    )
    return [str(problem) for problem in problems]


def small(old: str, new: str) -> str:
    """The small runbook with one piece of text replaced."""
    assert old in SMALL
    return SMALL.replace(old, new, 1)


class TestSeedRunbook:
    def test_seed_loads_with_the_sandbox_variables(
        self, seed_path: Path, seed_environ: dict[str, str]
    ) -> None:
        """The repository's runbook.yaml is valid with the variables the sandbox writes."""
        runbook, problems = check(seed_path, environ=seed_environ)
        assert problems == []
        assert runbook is not None
        assert runbook.name == "migrate-evoq-license"
        assert runbook.version == 1
        assert runbook.max_development_window == timedelta(hours=2)
        assert [step.id for step in runbook.steps] == [
            "preflight",
            "add-dev-on-new",
            "dns-cutover",
            "wait-new-serving",
            "remove-prod-on-old",
            "add-prod-on-new",
            "remove-dev-on-new",
            "verify-new",
            "evidence-final",
        ]

    def test_seed_model_is_resolved(
        self, seed_path: Path, seed_environ: dict[str, str], seed_secrets: dict[str, str]
    ) -> None:
        """Steps hold their ServerSpec, license types and the invoice, already resolved."""
        runbook = load(seed_path, environ=seed_environ)
        new = runbook.servers["new"]
        assert new.url == "http://127.0.0.1:18002"
        assert new.login_url == "http://127.0.0.1:18002/Login"
        assert new.password == Secret(seed_secrets["DNN_NEW_PASSWORD"], SecretKind.PASSWORD)
        preflight, add_dev, confirm, wait, remove_prod, add_prod, remove_dev, verify, shot = (
            runbook.steps
        )
        assert isinstance(preflight, PreflightStep)
        assert [s.name for s in preflight.servers] == ["old", "new"]
        assert dict(preflight.expect) == {"old": (LicenseType.PRODUCTION,), "new": ()}
        assert isinstance(add_dev, AddLicenseStep)
        assert (add_dev.server, add_dev.type, add_dev.activation) == (
            new,
            LicenseType.DEVELOPMENT,
            Activation.AUTOMATIC,
        )
        assert add_dev.invoice.reveal() == seed_secrets["DNN_LICENSE_INVOICE"]
        assert add_dev.email.reveal() == seed_secrets["DNN_LICENSE_EMAIL"]
        assert isinstance(confirm, ConfirmStep)
        assert confirm.message.startswith("Point DNS")
        assert isinstance(wait, WaitCutoverStep)
        assert (wait.url, wait.address, wait.marker, wait.timeout, wait.interval) == (
            "https://www.example.com",
            "127.0.0.1",
            None,
            timedelta(minutes=5),
            timedelta(seconds=5),
        )
        assert isinstance(remove_prod, RemoveLicenseStep)
        assert (remove_prod.server.name, remove_prod.type) == ("old", LicenseType.PRODUCTION)
        assert isinstance(add_prod, AddLicenseStep)
        assert add_prod.type is LicenseType.PRODUCTION
        assert isinstance(remove_dev, RemoveLicenseStep)
        assert remove_dev.type is LicenseType.DEVELOPMENT
        assert isinstance(verify, VerifyLicenseStep)
        assert (verify.expires, verify.only) == ("future", True)
        assert isinstance(shot, ScreenshotStep)
        assert shot.label == "final-state"

    def test_index_line_and_hash(self, seed_path: Path, seed_environ: dict[str, str]) -> None:
        """Each step knows its 1-based index and line; the runbook its path and byte hash."""
        runbook = load(seed_path, environ=seed_environ)
        assert [step.index for step in runbook.steps] == list(range(1, 10))
        lines = seed_path.read_text(encoding="utf-8").splitlines()
        for step in runbook.steps:
            assert lines[step.line - 1].strip() == f"- id: {step.id}"
        assert runbook.source == seed_path
        assert runbook.sha256 == hashlib.sha256(seed_path.read_bytes()).hexdigest()
        assert runbook.step("verify-new") is runbook.steps[7]

    def test_model_is_read_only(self, seed_path: Path, seed_environ: dict[str, str]) -> None:
        """Neither the runbook nor its mappings can be changed after loading."""
        runbook = load(seed_path, environ=seed_environ)
        preflight = runbook.steps[0]
        assert isinstance(preflight, PreflightStep)
        with pytest.raises(TypeError):
            runbook.servers["extra"] = runbook.servers["old"]  # type: ignore[index]
        with pytest.raises(TypeError):
            preflight.expect["new"] = ()  # type: ignore[index]
        with pytest.raises(AttributeError):
            runbook.name = "other"  # type: ignore[misc]

    def test_seed_without_variables_names_each_one(self, seed_path: Path) -> None:
        """With nothing set, every ${VAR} use is reported at its own line and column."""
        _, problems = check(seed_path, environ={})
        assert [(p.line, p.col) for p in problems] == [
            (11, 10),
            (12, 15),
            (13, 15),
            (16, 10),
            (17, 15),
            (18, 15),
            (20, 10),
            (21, 12),
            (39, 10),
            (40, 14),
        ]
        assert all("pass --env-file FILE" in p.message for p in problems)


MALFORMED = [
    pytest.param(
        small("action: add_license", "action: add-license"),
        [
            f"runbook.yaml:19:13: steps[2].action must be one of {ACTIONS} (got 'add-license'); "
            "did you mean 'add_license'?"
        ],
        id="unknown-action",
    ),
    pytest.param(
        small("server: new", "server: nwe"),
        [
            "runbook.yaml:20:13: steps[2].server names 'nwe', which is not one of the servers "
            "(old, new); did you mean 'new'?"
        ],
        id="undefined-server",
    ),
    pytest.param(
        small("    server: new\n", ""),
        ["runbook.yaml:18:5: steps[2] has no server; add_license needs server and type."],
        id="missing-server",
    ),
    pytest.param(
        small("id: add-dev", "id: preflight"),
        [
            "runbook.yaml:18:9: steps[2].id 'preflight' is already the id of steps[1]; step ids "
            "must be unique."
        ],
        id="duplicate-id",
    ),
    pytest.param(
        small("type: Development", "type: Prod"),
        [
            f"runbook.yaml:21:11: steps[2].type must be one of {TYPES} (got 'Prod'); "
            "did you mean 'Production'?"
        ],
        id="wrong-license-type",
    ),
    pytest.param(
        small(
            "    username: host\n    password: ${OLD", "    username: host: x\n    password: ${OLD"
        ),
        [
            "runbook.yaml:6:19: YAML syntax error: mapping values are not allowed here; a value "
            "that holds ': ' must be put in quotes."
        ],
        id="yaml-syntax",
    ),
    pytest.param(
        small("    username: host\n    password: ${OLD", "\tusername: host\n    password: ${OLD"),
        [
            "runbook.yaml:6:1: YAML syntax error: found character '\\t' that cannot start any "
            "token; YAML indents with spaces, never tabs."
        ],
        id="yaml-tab",
    ),
    pytest.param(
        small("type: Development", "tpye: Development"),
        [
            "runbook.yaml:18:5: steps[2] has no type; add_license needs server and type.",
            "runbook.yaml:21:5: steps[2].tpye is not a setting of add_license; did you mean 'type'?",
        ],
        id="unknown-key-in-step",
    ),
    pytest.param(
        small("name: small", "nmae: small"),
        [
            "runbook.yaml:1:1: the runbook has no name; add a slug such as "
            "'name: migrate-evoq-license'.",
            "runbook.yaml:2:1: nmae is not a setting of a runbook; did you mean 'name'?",
        ],
        id="unknown-top-level-key",
    ),
    pytest.param(
        small("type: Development", "type: Development\n    timeout: 5m"),
        [
            "runbook.yaml:22:5: steps[2].timeout is not a setting of add_license (it belongs to "
            "wait_http, wait_cutover); add_license takes id, action, server, type, activation, "
            "activation_key_file, activation_key, invoice, email."
        ],
        id="key-of-another-action",
    ),
    pytest.param(
        small("name: small\n", "name: small\nmax_development_window: 2 hours\n"),
        [
            "runbook.yaml:3:25: max_development_window must be a duration such as 30s, 5m, 2h or "
            "1h30m (units d, h, m, s, largest first) (got '2 hours')."
        ],
        id="bad-duration",
    ),
    pytest.param(
        small(
            "type: Development",
            "type: Development\n  - id: check\n    action: verify_license\n    server: new\n"
            "    type: development\n    expires: 2027-02-30",
        ),
        [
            "runbook.yaml:26:14: steps[3].expires must be future, or the date EXPIRES must show "
            "written YYYY-MM-DD (such as 2027-06-30) (got '2027-02-30', which is not a real date: "
            "day is out of range for month)."
        ],
        id="bad-date",
    ),
    pytest.param(
        small("version: 1", "version: 2"),
        [
            "runbook.yaml:1:10: version must be 1, the only runbook version this dnn-runbook "
            "knows (got 2)."
        ],
        id="bad-version",
    ),
    pytest.param(
        small("url: ${OLD_URL}", "url: https://${OLD_HOST}/x"),
        [
            "runbook.yaml:5:18: servers.old.url uses ${OLD_HOST}, which is not set in the "
            "environment; set it, pass --env-file FILE, or write ${OLD_HOST:-default}."
        ],
        id="undefined-variable-mid-value",
    ),
    pytest.param(
        small("url: ${OLD_URL}", 'url: "x ${OLD_UR}"'),
        [
            "runbook.yaml:5:13: servers.old.url uses ${OLD_UR}, which is not set in the "
            "environment; set it, pass --env-file FILE, or write ${OLD_UR:-default}. "
            "Did you mean ${OLD_URL}?"
        ],
        id="undefined-variable-quoted",
    ),
    pytest.param(
        small("url: ${OLD_URL}", "url: $OLD_URL"),
        [
            "runbook.yaml:5:10: servers.old.url has $OLD_URL without braces; write ${OLD_URL} "
            "for the variable, or $$ for a literal $."
        ],
        id="variable-without-braces",
    ),
    pytest.param(
        small(
            "    username: host\n    password: ${OLD",
            "    username: host\n    username: root\n    password: ${OLD",
        ),
        ["runbook.yaml:7:5: servers.old.username is given twice (first on line 6); keep one."],
        id="duplicate-key",
    ),
    pytest.param(
        small("steps:\n", "steps: []\nold_steps:\n"),
        [
            "runbook.yaml:15:8: steps is empty; a runbook needs at least one step.",
            "runbook.yaml:16:1: old_steps is not a setting of a runbook; did you mean 'steps'?",
        ],
        id="no-steps",
    ),
    pytest.param(
        small("servers:\n", "servers: [old, new]\nunused:\n"),
        [
            "runbook.yaml:3:10: servers must be a mapping of server names (such as old and new) "
            "to their url, username and password (got a list).",
            "runbook.yaml:4:1: unused is not a setting of a runbook; a runbook takes version, "
            "name, description, max_development_window, servers, license, steps.",
        ],
        id="servers-not-a-mapping-stays-one-problem",
    ),
    pytest.param(
        small("url: ${OLD_URL}", "url: https://bob:pw@old.example.com"),
        [
            "runbook.yaml:5:10: servers.old.url holds a user name or password before the host; "
            "put credentials in username and password, never in an address that gets logged."
        ],
        id="credentials-in-url",
    ),
    pytest.param(
        small("url: ${OLD_URL}", "url: ftp://old.example.com"),
        [
            "runbook.yaml:5:10: servers.old.url must be an address starting with http:// or "
            "https://, such as https://www.example.com (got 'ftp://old.example.com')."
        ],
        id="url-scheme",
    ),
    pytest.param(
        small("name: small", "name: Small Migration"),
        [
            "runbook.yaml:2:7: name must be a slug (it names the run folders): lower-case "
            "letters, digits and hyphens, starting with a letter or digit (got 'Small "
            "Migration'); did you mean 'small-migration'?"
        ],
        id="name-not-a-slug",
    ),
    pytest.param(
        small("action: preflight", "action: preflight\n    servers: [old, newx, old]"),
        [
            "runbook.yaml:18:20: steps[1].servers[2] names 'newx', which is not one of the "
            "servers (old, new); did you mean 'new'?",
            "runbook.yaml:18:26: steps[1].servers[3] names 'old' a second time.",
        ],
        id="preflight-servers",
    ),
    pytest.param(
        small(
            "action: preflight",
            "action: preflight\n    expect: {old: [Production, production], other: Test}",
        ),
        [
            "runbook.yaml:18:32: steps[1].expect.old[2] lists Production twice.",
            "runbook.yaml:18:45: steps[1].expect.other: this preflight does not visit 'other' "
            "(it visits old, new).",
        ],
        id="preflight-expect",
    ),
    pytest.param(
        small(
            "type: Development",
            "type: Development\n  - id: wait\n    action: wait_http\n    url: http://x\n"
            "    expect_status: 700\n    timeout: 1m\n    interval: 2m",
        ),
        [
            "runbook.yaml:25:20: steps[3].expect_status must be an HTTP status code from 100 to "
            "599, such as 200 (got 700).",
            "runbook.yaml:27:15: steps[3].interval must not be longer than the timeout, or the "
            "address would be checked only once; shorten the interval or lengthen the timeout.",
        ],
        id="wait-http-settings",
    ),
    pytest.param(
        small("type: Development", "type: Development\n  - id: ask\n    action: confirm"),
        ["runbook.yaml:22:5: steps[3] has no message; confirm needs message."],
        id="confirm-needs-message",
    ),
    pytest.param(
        small(
            "type: Development",
            "type: Development\n  - id: rm\n    action: remove_license\n    server: old",
        ),
        [
            "runbook.yaml:22:5: steps[3] must say which license to remove: give type, invoice or "
            "both (invoice defaults to license.invoice)."
        ],
        id="remove-needs-type-or-invoice",
    ),
    pytest.param(
        small("type: Development", "type: Development\n    activation_key_file: key.txt"),
        [
            "runbook.yaml:22:5: steps[2].activation_key_file is only used with manual "
            "activation; add activation: manual to this step, or remove it."
        ],
        id="key-file-needs-manual",
    ),
    pytest.param(
        "- just\n- a list\n",
        [
            "runbook.yaml:1:1: a runbook must be a mapping with version, name, servers, license "
            "and steps (got a list)."
        ],
        id="not-a-mapping",
    ),
    pytest.param(
        "",
        [
            "runbook.yaml:1:1: the runbook is empty; it needs version, name, servers, license and steps."
        ],
        id="empty",
    ),
    pytest.param(
        SMALL + "---\nversion: 1\n",
        [
            "runbook.yaml:22:1: a second YAML document starts here; a runbook is one document, "
            "so remove this '---' and what follows, or make it a separate file."
        ],
        id="two-documents",
    ),
]


class TestMalformedRunbooks:
    @pytest.mark.parametrize(("text", "expected"), MALFORMED)
    def test_problem_is_reported_where_it_is(
        self, write: Write, text: str, expected: list[str]
    ) -> None:
        """Each malformed runbook gives exactly the expected FILE:LINE:COL messages."""
        assert problems_of(write, text) == expected

    def test_every_problem_is_reported_at_once(self, write: Write) -> None:
        """Problems in many places are all reported, in the order of the file."""
        text = (
            small("version: 1", "version: 3")
            .replace("type: Development", "type: Prod\n    colour: blue")
            .replace("server: new", "server: nwe")
            .replace("id: add-dev", "id: preflight")
        )
        environ = {k: v for k, v in SMALL_ENVIRON.items() if k != "EMAIL"}
        problems = problems_of(write, text, environ)
        assert [p.split(": ", 1)[0] for p in problems] == [
            "runbook.yaml:1:10",
            "runbook.yaml:13:10",
            "runbook.yaml:18:9",
            "runbook.yaml:20:13",
            "runbook.yaml:21:11",
            "runbook.yaml:22:5",
        ]
        assert "version must be" in problems[0]
        assert "${EMAIL}" in problems[1]
        assert "already the id" in problems[2]
        assert "'nwe'" in problems[3]
        assert "'Prod'" in problems[4]
        assert "colour is not a setting of add_license" in problems[5]

    def test_load_raises_with_every_problem(self, write: Write) -> None:
        """load() raises RunbookInvalidError (a DnnRunbookError) carrying all the problems."""
        path = write(
            small("type: Development", "type: Prod").replace("server: new", "server: x"),
            dedent=False,
        )
        with pytest.raises(RunbookInvalidError) as caught:
            load(path, environ=SMALL_ENVIRON)
        assert isinstance(caught.value, DnnRunbookError)
        assert len(caught.value.problems) == 2
        assert str(caught.value).splitlines() == [
            "The runbook has 2 problems; nothing was run:",
            *(str(p) for p in caught.value.problems),
        ]

    def test_unreadable_file_is_a_whole_file_problem(self, write: Write) -> None:
        """A missing file is reported as FILE: message, with line and column 0."""
        write("x: 1\n")
        runbook, problems = check("missing.yaml", environ={})
        assert runbook is None
        assert [str(p) for p in problems] == [
            "missing.yaml: the runbook cannot be read: No such file or directory."
        ]
        assert (problems[0].line, problems[0].col) == (0, 0)

    def test_not_utf8_is_located(self, write: Write) -> None:
        """Bytes that are not UTF-8 are reported at their line and column."""
        Path("runbook.yaml").write_bytes(b"version: 1\nname: caf\xe9\n")
        _, problems = check("runbook.yaml", environ={})
        assert [str(p) for p in problems] == [
            "runbook.yaml:2:10: the runbook is not UTF-8 text (nor UTF-16 with a byte order "
            "mark); save it as UTF-8."
        ]


class TestValuesAndDefaults:
    def test_license_type_is_case_insensitive_and_canonical(self, write: Write) -> None:
        """`type: development` is accepted and held as LicenseType.DEVELOPMENT."""
        runbook = load(
            write(small("type: Development", "type: dEvElOpMeNt"), dedent=False),
            environ=SMALL_ENVIRON,
        )
        step = runbook.steps[1]
        assert isinstance(step, AddLicenseStep)
        assert step.type is LicenseType.DEVELOPMENT
        assert str(step.type) == "Development"

    def test_server_url_loses_trailing_slash(self, write: Write) -> None:
        """Server addresses are stored without a trailing slash, so paths can be appended."""
        runbook = load(write(SMALL, dedent=False), environ=SMALL_ENVIRON)
        assert runbook.servers["new"].url == "https://new.example.com"

    def test_manual_activation_key_file_is_relative_to_the_runbook(
        self, write: Write, tmp_path: Path
    ) -> None:
        """activation_key_file is resolved against the runbook's folder, not the cwd."""
        Path("sub").mkdir()
        text = small(
            "type: Development",
            "type: Development\n    activation: Manual\n    activation_key_file: keys/new.txt",
        )
        path = write(text, "sub/runbook.yaml", dedent=False)
        step = load(path, environ=SMALL_ENVIRON).steps[1]
        assert isinstance(step, AddLicenseStep)
        assert step.activation is Activation.MANUAL
        assert step.activation_key_file == (tmp_path / "sub" / "keys" / "new.txt")
        assert step.activation_key is None

    def test_activation_key_from_a_variable_is_a_secret(self, write: Write) -> None:
        """activation_key holds a Secret of kind activation key."""
        text = small(
            "type: Development",
            "type: Development\n    activation: manual\n    activation_key: ${KEY}",
        )
        step = load(write(text, dedent=False), environ={**SMALL_ENVIRON, "KEY": "AK-123456"}).steps[
            1
        ]
        assert isinstance(step, AddLicenseStep)
        assert step.activation_key == Secret("AK-123456", SecretKind.ACTIVATION_KEY)

    def test_verify_with_a_date(self, write: Write) -> None:
        """expires: YYYY-MM-DD becomes a date; only defaults to false."""
        text = small(
            "type: Development",
            "type: Development\n  - id: check\n    action: verify_license\n    server: new\n"
            "    type: Production\n    expires: 2027-06-30",
        )
        step = load(write(text, dedent=False), environ=SMALL_ENVIRON).steps[2]
        assert isinstance(step, VerifyLicenseStep)
        assert (step.expires, step.only) == (date(2027, 6, 30), False)

    def test_remove_by_invoice_only(self, write: Write) -> None:
        """remove_license by invoice alone has no type and the given invoice."""
        text = small(
            "type: Development",
            "type: Development\n  - id: rm\n    action: remove_license\n    server: old\n"
            "    invoice: ${OTHER}",
        )
        step = load(write(text, dedent=False), environ={**SMALL_ENVIRON, "OTHER": "INV9-9"}).steps[
            2
        ]
        assert isinstance(step, RemoveLicenseStep)
        assert step.type is None
        assert step.invoice.reveal() == "INV9-9"

    def test_yaml_typing_does_not_leak(self, write: Write) -> None:
        """Values are read as written: `no` stays a user name, `0123` is not octal."""
        text = small("username: host", "username: no").replace("username: host", "username: 0123")
        runbook = load(write(text, dedent=False), environ=SMALL_ENVIRON)
        assert runbook.servers["old"].username == "no"
        assert runbook.servers["new"].username == "0123"

    def test_merge_keys_share_settings(self, write: Write) -> None:
        """YAML anchors and merge keys work; keys written in place win over merged ones."""
        text = small(
            "  new:\n    url: ${NEW_URL}\n    username: host\n",
            "  new:\n    <<: &creds {username: admin, login_path: /Admin/Login}\n"
            "    url: ${NEW_URL}\n    username: host\n",
        )
        server = load(write(text, dedent=False), environ=SMALL_ENVIRON).servers["new"]
        assert (server.username, server.login_path) == ("host", "/Admin/Login")

    def test_dollar_escape_and_default(self, write: Write) -> None:
        """$$ is a literal $; ${VAR:-default} uses the default when VAR is unset or empty."""
        text = small(
            "type: Development",
            "type: Development\n  - id: ask\n    action: confirm\n"
            "    message: Pay $$5 to ${PAYEE:-the vendor}${EMPTY:-.}",
        )
        step = load(write(text, dedent=False), environ={**SMALL_ENVIRON, "EMPTY": ""}).steps[2]
        assert isinstance(step, ConfirmStep)
        assert step.message == "Pay $5 to the vendor."


class TestSecretsAndVariables:
    def test_literal_secret_is_a_warning_not_an_error(self, write: Write) -> None:
        """A password written in the file still validates, with a warning naming a variable."""
        path = write(small("password: ${OLD_PASSWORD}", "password: literal-pw-99"), dedent=False)
        runbook, problems = check(path, environ=SMALL_ENVIRON)
        assert runbook is not None
        assert [p.severity for p in problems] == [Severity.WARNING]
        assert str(problems[0]) == (
            "runbook.yaml:7:15: warning: servers.old.password is written in the runbook itself; "
            "keep secrets out of files that get shared: write ${DNN_OLD_PASSWORD} and set "
            "DNN_OLD_PASSWORD in the environment or in an --env-file."
        )
        assert "literal-pw-99" not in str(problems[0])

    def test_secret_default_counts_as_written_in_the_file(self, write: Write) -> None:
        """A secret taken from a ${VAR:-default} default gets the same warning."""
        text = small("invoice: ${INVOICE}", "invoice: ${NOT_SET:-INV1-1}")
        _, problems = check(write(text, dedent=False), environ=SMALL_ENVIRON)
        assert [p.severity for p in problems] == [Severity.WARNING]
        assert "license.invoice is written in the runbook itself" in problems[0].message

    def test_a_secret_in_a_wrong_place_is_masked(self, write: Write) -> None:
        """A secret's value that lands in a message by way of another field is masked."""
        text = small("url: ${OLD_URL}", "url: ${OLD_PASSWORD}")
        problems = problems_of(write, text)
        assert problems == [
            "runbook.yaml:5:10: servers.old.url must be an address starting with http:// or "
            "https://, such as https://www.example.com (got '••••', from ${OLD_PASSWORD})."
        ]

    def test_bad_email_is_not_echoed(self, write: Write) -> None:
        """A malformed account email is reported without showing it."""
        problems = problems_of(write, SMALL, {**SMALL_ENVIRON, "EMAIL": "not-an-address"})
        assert problems == [
            "runbook.yaml:13:10: license.email must be an email address (the value is not "
            "shown here)."
        ]

    def test_empty_secret(self, write: Write) -> None:
        """An empty password is an error that names its variable."""
        problems = problems_of(write, SMALL, {**SMALL_ENVIRON, "NEW_PASSWORD": ""})
        assert problems == [
            "runbook.yaml:11:15: servers.new.password is empty, from ${NEW_PASSWORD}; it must "
            "hold the password."
        ]

    def test_environment_overrides_the_env_file(self, write: Write) -> None:
        """The process environment wins over the env file; the file fills the gaps."""
        env = write("OLD_URL=https://from-file.example.com\nEMAIL=file@example.com\n", "vars.env")
        environ = {k: v for k, v in SMALL_ENVIRON.items() if k != "EMAIL"}
        runbook = load(write(SMALL, dedent=False), env_file=env, environ=environ)
        assert runbook.servers["old"].url == "https://old.example.com"
        assert runbook.license.email.reveal() == "file@example.com"

    def test_env_file_problems_come_first(self, write: Write) -> None:
        """A malformed env file makes the runbook invalid; its problems are listed first."""
        env = write("OLD_URL=https://x.example.com\nthis line is wrong\n", "vars.env")
        environ = {k: v for k, v in SMALL_ENVIRON.items() if k != "INVOICE"}
        problems = problems_of(write, SMALL, environ, env_file=env)
        assert problems == [
            "vars.env:2:1: expected KEY=value, a # comment or a blank line (found no '=').",
            "runbook.yaml:14:12: license.invoice uses ${INVOICE}, which is not set in the "
            "environment or in vars.env; set it, add it to vars.env, or write "
            "${INVOICE:-default}.",
        ]

    def test_unused_server_is_a_warning(self, write: Write) -> None:
        """A server that no step acts on draws a warning (a preflight visits all by default)."""
        text = small("action: preflight", "action: preflight\n    servers: [new]")
        _, problems = check(write(text, dedent=False), environ=SMALL_ENVIRON)
        assert [str(p) for p in problems] == [
            "runbook.yaml:4:3: warning: servers.old is not used by any step; remove it, or add "
            "the steps that should act on it."
        ]

    def test_no_secret_in_any_message(self, write: Write) -> None:
        """Even a runbook broken everywhere never prints a secret value."""
        text = SMALL.replace("url: ${OLD_URL}", "url: ${OLD_PASSWORD}").replace(
            "type: Development",
            "type: ${INVOICE}\n    email: ${EMAIL}x\n    bogus: ${NEW_PASSWORD}",
        )
        problems = problems_of(write, text)
        assert problems
        for secret in ("small-old-pw-8812", "small-new-pw-7734", "small@example.com", "INV777-3"):
            assert all(secret not in p for p in problems)
