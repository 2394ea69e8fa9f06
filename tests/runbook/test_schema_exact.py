"""Validation of whole runbooks, exactly: every message of ``dnn_runbook.runbook._schema`` word
for word at its place, the model it builds field by field, and the way ``check`` combines the
environment, the env file and the order of problems."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from yaml.nodes import MappingNode

from dnn_runbook.exceptions import RunbookInvalidError
from dnn_runbook.runbook import Secret, SecretKind, ServerSpec, Severity, check, load
from dnn_runbook.runbook._fields import Entry, Reader
from dnn_runbook.runbook._loader import compose, read_source
from dnn_runbook.runbook._schema import _read_license, _read_runbook, _read_servers
from tests.runbook.test_schema import SMALL, SMALL_ENVIRON, Write, problems_of, small

NEW_SERVER = "  new:\n    url: ${NEW_URL}\n    username: host\n    password: ${NEW_PASSWORD}\n"
LICENSE = "license:\n  email: ${EMAIL}\n  invoice: ${INVOICE}\n"
OLD_PASSWORD = "    password: ${OLD_PASSWORD}\n"
NO_STEPS = "runbook.yaml:1:1: the runbook has no steps; add the steps to run."


def with_old(settings: str) -> str:
    """The small runbook with ``settings`` added to the old server."""
    return small(OLD_PASSWORD, OLD_PASSWORD + settings)


EXACT = [
    pytest.param(
        "just text\n",
        [
            "runbook.yaml:1:1: a runbook must be a mapping with version, name, servers, license "
            "and steps (got 'just text')."
        ],
        id="root-is-text",
    ),
    pytest.param(
        "? [a]\n: 1\n" + SMALL,
        [
            "runbook.yaml:1:3: the runbook has a key that is a list; keys are plain names such "
            "as url."
        ],
        id="top-level-key-is-a-list",
    ),
    pytest.param(
        "<<: 3\n" + SMALL,
        [
            "runbook.yaml:1:5: the runbook merges (<<) something that is not a mapping, or "
            "merges too deeply; merge an anchored mapping such as <<: *defaults."
        ],
        id="top-level-merge-of-a-number",
    ),
    pytest.param(
        "description: only this\n",
        [
            "runbook.yaml:1:1: the runbook has no version; add 'version: 1' at the top.",
            "runbook.yaml:1:1: the runbook has no name; add a slug such as "
            "'name: migrate-evoq-license'.",
            "runbook.yaml:1:1: the runbook has no servers; add the servers the steps act on, "
            "each with url, username and password.",
            "runbook.yaml:1:1: the runbook has no license; add license: with email and invoice.",
            NO_STEPS,
        ],
        id="every-required-key-missing",
    ),
    pytest.param(
        small("version: 1\n", "").replace("name: small\n", "name: small\nversion: 1\n"),
        [],
        id="version-not-first-is-fine",
    ),
    pytest.param(
        small("version: 1", "version: '1'"),
        [
            "runbook.yaml:1:10: version must be 1, the only runbook version this dnn-runbook "
            "knows (got the quoted text '1'); write the number without quotes."
        ],
        id="version-quoted",
    ),
    pytest.param(
        small("version: 1", "version: 0"),
        [
            "runbook.yaml:1:10: version must be 1, the only runbook version this dnn-runbook "
            "knows (got 0)."
        ],
        id="version-zero",
    ),
    pytest.param(
        small("servers:\n", "servers: {}\nxservers:\n").replace("server: new", "server: old"),
        [
            "runbook.yaml:3:10: servers is empty; name at least one server.",
            "runbook.yaml:4:1: xservers is not a setting of a runbook; did you mean 'servers'?",
            "runbook.yaml:21:13: steps[2].server names 'old', which is not one of the servers ().",
        ],
        id="servers-empty",
    ),
    pytest.param(
        small("  new:\n", "  New Server:\n").replace("server: new", "server: New Server"),
        [
            "runbook.yaml:8:3: servers.New Server: a server name must be a slug (lower-case "
            "letters, digits and hyphens), as it names files; did you mean 'new-server'?"
        ],
        id="server-name-not-a-slug",
    ),
    pytest.param(
        small("  new:\n", "  ___:\n").replace("server: new", "server: ___"),
        [
            "runbook.yaml:8:3: servers.___: a server name must be a slug (lower-case letters, "
            "digits and hyphens), as it names files; did you mean 'old'?"
        ],
        id="server-name-without-a-letter",
    ),
    pytest.param(
        small(NEW_SERVER, "  new: 3\n"),
        [
            "runbook.yaml:8:8: servers.new must be a mapping with url, username and password "
            "(got 3, a number)."
        ],
        id="server-not-a-mapping",
    ),
    pytest.param(
        small(NEW_SERVER, "  new:\n    login_path: /x\n"),
        [
            "runbook.yaml:9:5: servers.new has no url; a server needs url, username and password.",
            "runbook.yaml:9:5: servers.new has no username; a server needs url, username and "
            "password.",
            "runbook.yaml:9:5: servers.new has no password; a server needs url, username and "
            "password.",
        ],
        id="server-without-its-settings",
    ),
    pytest.param(
        small(NEW_SERVER, "  new:\n    url: ${NEW_URL}\n    username: host\n"),
        [
            "runbook.yaml:9:5: servers.new has no password; a server needs url, username and "
            "password."
        ],
        id="server-without-password",
    ),
    pytest.param(
        small(NEW_SERVER, "  new:\n    url: ${NEW_URL}\n    password: ${NEW_PASSWORD}\n"),
        [
            "runbook.yaml:9:5: servers.new has no username; a server needs url, username and "
            "password."
        ],
        id="server-without-username",
    ),
    pytest.param(
        small(NEW_SERVER, "  new:\n    username: host\n    password: ${NEW_PASSWORD}\n"),
        ["runbook.yaml:9:5: servers.new has no url; a server needs url, username and password."],
        id="server-without-url",
    ),
    pytest.param(
        small("username: host", "username: ''"),
        ["runbook.yaml:6:15: servers.old.username must be a user name (got an empty value)."],
        id="username-empty",
    ),
    pytest.param(
        with_old("    login_path: Login\n"),
        [
            "runbook.yaml:8:17: servers.old.login_path must be a path starting with /, such as "
            "/Login (got 'Login')."
        ],
        id="login-path-relative",
    ),
    pytest.param(
        with_old("    login_path: [a]\n"),
        [
            "runbook.yaml:8:17: servers.old.login_path must be a path starting with /, such as "
            "/Login (got a list)."
        ],
        id="login-path-a-list",
    ),
    pytest.param(
        with_old("    tls_verify: maybe\n"),
        ["runbook.yaml:8:17: servers.old.tls_verify must be true or false (got 'maybe')."],
        id="tls-verify-not-a-boolean",
    ),
    pytest.param(
        with_old("    tls_ca: [a]\n"),
        [
            "runbook.yaml:8:13: servers.old.tls_ca must be the path of a CA bundle (PEM) (got "
            "a list)."
        ],
        id="tls-ca-a-list",
    ),
    pytest.param(
        small(LICENSE, "license: x\n"),
        ["runbook.yaml:12:10: license must be a mapping with email and invoice (got 'x')."],
        id="license-not-a-mapping",
    ),
    pytest.param(
        small(LICENSE, "license: {}\n"),
        [
            "runbook.yaml:12:10: license has no email; license needs the Evoq account email and "
            "the invoice number.",
            "runbook.yaml:12:10: license has no invoice; license needs the Evoq account email "
            "and the invoice number.",
        ],
        id="license-empty",
    ),
    pytest.param(
        small(LICENSE, "license:\n  invoice: ${INVOICE}\n"),
        [
            "runbook.yaml:13:3: license has no email; license needs the Evoq account email and "
            "the invoice number."
        ],
        id="license-without-email",
    ),
    pytest.param(
        small(LICENSE, "license:\n  email: ${EMAIL}\n"),
        [
            "runbook.yaml:13:3: license has no invoice; license needs the Evoq account email "
            "and the invoice number."
        ],
        id="license-without-invoice",
    ),
    pytest.param(
        small("steps:\n", "steps: 3\nzz:\n"),
        [
            "runbook.yaml:15:8: steps must be a list of steps (got 3, a number).",
            "runbook.yaml:16:1: zz is not a setting of a runbook; a runbook takes version, "
            "name, description, max_development_window, servers, license, steps.",
        ],
        id="steps-not-a-list",
    ),
    pytest.param(
        small("  - id: preflight\n", "  - 3\n  - id: preflight\n"),
        [
            "runbook.yaml:16:5: steps[1] must be a mapping with id, action and the action's "
            "settings (got 3, a number)."
        ],
        id="a-step-not-a-mapping",
    ),
    pytest.param(
        small("id: add-dev", "id: preflight")
        + "  - id: preflight\n    action: confirm\n    message: go\n",
        [
            "runbook.yaml:18:9: steps[2].id 'preflight' is already the id of steps[1]; step ids "
            "must be unique.",
            "runbook.yaml:22:9: steps[3].id 'preflight' is already the id of steps[1]; step ids "
            "must be unique.",
        ],
        id="an-id-used-three-times-names-the-first-use",
    ),
    pytest.param(
        small("name: small\n", "name: small\ndescription: [a]\n"),
        ["runbook.yaml:3:14: description must be text (got a list)."],
        id="description-a-list",
    ),
    pytest.param(
        small("name: small\n", "name: [small]\n"),
        [
            "runbook.yaml:2:7: name must be a slug (it names the run folders): lower-case "
            "letters, digits and hyphens, starting with a letter or digit (got a list)."
        ],
        id="name-a-list",
    ),
    pytest.param(
        small("name: small\n", "name: small\nmax_development_window: 0s\n"),
        ["runbook.yaml:3:25: max_development_window must be longer than zero (got '0s')."],
        id="window-zero",
    ),
]


class TestExactMessages:
    @pytest.mark.parametrize(("text", "expected"), EXACT)
    def test_each_problem_is_told_word_for_word(
        self, write: Write, text: str, expected: list[str]
    ) -> None:
        """Each runbook gives exactly these FILE:LINE:COL messages, in this order."""
        assert problems_of(write, text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            small(OLD_PASSWORD, OLD_PASSWORD + "    tls_verify: maybe\n"),
            small(OLD_PASSWORD, OLD_PASSWORD + "    login_path: Login\n"),
            small("username: host", "username: ''"),
            small("servers:\n", "servers: {}\n"),
            small("id: add-dev", "id: preflight"),
            small("  - id: preflight\n", "  - 3\n  - id: preflight\n"),
            small("name: small\n", "name: [small]\n"),
            small("version: 1", "version: 0"),
            small(LICENSE, "license:\n  email: ${EMAIL}\n"),
            small(LICENSE, "license:\n  invoice: ${INVOICE}\n"),
            small("  new:\n", "  New:\n").replace("server: new", "server: New"),
        ],
    )
    def test_any_error_means_no_runbook(self, write: Write, text: str) -> None:
        """check returns no runbook as soon as one error is found."""
        runbook, problems = check(write(text, dedent=False), environ=SMALL_ENVIRON)
        assert runbook is None
        assert [p.severity for p in problems] == [Severity.ERROR] * len(problems)
        assert problems


class TestTheModel:
    def test_every_field_of_a_small_runbook(self, write: Write) -> None:
        """The small runbook becomes exactly this model."""
        text = small("name: small\n", "name: small\ndescription: '  Move it.  '\n")
        path = write(text, dedent=False)
        runbook = load(path, environ=SMALL_ENVIRON)
        assert (runbook.version, runbook.name, runbook.description) == (1, "small", "Move it.")
        assert runbook.max_development_window is None
        assert runbook.source == path.absolute()
        assert runbook.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert list(runbook.servers) == ["old", "new"]
        old = runbook.servers["old"]
        assert (old.name, old.url, old.username, old.login_path) == (
            "old",
            "https://old.example.com",
            "host",
            "/Login",
        )
        assert old.password == Secret("small-old-pw-8812", SecretKind.PASSWORD)
        assert (old.tls_verify, old.tls_ca) == (True, None)
        assert runbook.license.email == Secret("small@example.com", SecretKind.EMAIL)
        assert runbook.license.invoice == Secret("INV777-3", SecretKind.INVOICE)
        assert [step.id for step in runbook.steps] == ["preflight", "add-dev"]

    def test_no_description_is_empty_text(self, write: Write) -> None:
        """Without description the runbook's description is the empty string."""
        assert load(write(SMALL, dedent=False), environ=SMALL_ENVIRON).description == ""

    def test_an_empty_description_is_allowed(self, write: Write) -> None:
        """description: '' is no problem and stays empty."""
        text = small("name: small\n", "name: small\ndescription: ''\n")
        runbook, problems = check(write(text, dedent=False), environ=SMALL_ENVIRON)
        assert problems == []
        assert runbook is not None
        assert runbook.description == ""

    def test_a_description_from_an_empty_variable(self, write: Write) -> None:
        """An empty environment variable is a value: it wins over the env file's."""
        env = write("DESC=from the file\n", "vars.env")
        text = small("name: small\n", "name: small\ndescription: ${DESC}\n")
        runbook = load(
            write(text, dedent=False), env_file=env, environ={**SMALL_ENVIRON, "DESC": ""}
        )
        assert runbook.description == ""

    def test_max_development_window(self, write: Write) -> None:
        """max_development_window becomes a timedelta."""
        text = small("name: small\n", "name: small\nmax_development_window: 1h30m\n")
        runbook = load(write(text, dedent=False), environ=SMALL_ENVIRON)
        assert runbook.max_development_window == timedelta(hours=1, minutes=30)

    def test_a_login_path_is_kept(self, write: Write) -> None:
        """A login_path starting with / replaces the default."""
        runbook = load(
            write(with_old("    login_path: /Admin/Login\n"), dedent=False), environ=SMALL_ENVIRON
        )
        assert runbook.servers["old"].login_path == "/Admin/Login"
        assert runbook.servers["new"].login_path == "/Login"

    def test_a_hyphenated_server_reads_its_own_password_variable(self, write: Write) -> None:
        """A literal password's warning names DNN_<SERVER>_PASSWORD with _ for -."""
        text = small("  new:\n", "  new-web:\n").replace("server: new", "server: new-web")
        text = text.replace("password: ${NEW_PASSWORD}", "password: pw-literal-1")
        runbook, problems = check(write(text, dedent=False), environ=SMALL_ENVIRON)
        assert runbook is not None
        assert [str(p) for p in problems] == [
            "runbook.yaml:11:15: warning: servers.new-web.password is written in the runbook "
            "itself; keep secrets out of files that get shared: write ${DNN_NEW_WEB_PASSWORD} "
            "and set DNN_NEW_WEB_PASSWORD in the environment or in an --env-file."
        ]

    def test_literal_license_values_name_their_variables(self, write: Write) -> None:
        """Literal email and invoice warn with DNN_LICENSE_EMAIL and DNN_LICENSE_INVOICE."""
        text = small("email: ${EMAIL}", "email: me@example.com").replace(
            "invoice: ${INVOICE}", "invoice: INV1-2"
        )
        runbook, problems = check(write(text, dedent=False), environ=SMALL_ENVIRON)
        assert runbook is not None
        assert [str(p) for p in problems] == [
            "runbook.yaml:13:10: warning: license.email is written in the runbook itself; keep "
            "secrets out of files that get shared: write ${DNN_LICENSE_EMAIL} and set "
            "DNN_LICENSE_EMAIL in the environment or in an --env-file.",
            "runbook.yaml:14:12: warning: license.invoice is written in the runbook itself; "
            "keep secrets out of files that get shared: write ${DNN_LICENSE_INVOICE} and set "
            "DNN_LICENSE_INVOICE in the environment or in an --env-file.",
        ]


class TestEmail:
    @pytest.mark.parametrize("email", ["@example.com", "someone@", "someone", "a@b@", " @b "])
    def test_not_an_address(self, write: Write, email: str) -> None:
        """An email without a part before and after its last @ is refused, not shown."""
        problems = problems_of(write, SMALL, {**SMALL_ENVIRON, "EMAIL": email})
        assert problems == [
            "runbook.yaml:13:10: license.email must be an email address (the value is not "
            "shown here)."
        ]

    def test_blank(self, write: Write) -> None:
        """A blank email is empty, which is said as such."""
        problems = problems_of(write, SMALL, {**SMALL_ENVIRON, "EMAIL": "  "})
        assert problems == [
            "runbook.yaml:13:10: license.email is empty, from ${EMAIL}; it must hold the email."
        ]

    @pytest.mark.parametrize("email", ["a@b", " a@b.org ", "first.last@sub@example.com"])
    def test_an_address(self, write: Write, email: str) -> None:
        """Text before and after the last @ is an address; it is kept as given."""
        runbook = load(write(SMALL, dedent=False), environ={**SMALL_ENVIRON, "EMAIL": email})
        assert runbook.license.email.reveal() == email


class TestTls:
    def test_verify_false_without_a_bundle(self, write: Write) -> None:
        """tls_verify: false alone is accepted."""
        runbook = load(write(with_old("    tls_verify: no\n"), dedent=False), environ=SMALL_ENVIRON)
        assert (runbook.servers["old"].tls_verify, runbook.servers["old"].tls_ca) == (False, None)

    def test_a_bundle_relative_to_the_runbook(self, write: Write, tmp_path: Path) -> None:
        """tls_ca names a file beside the runbook, not beside the working directory."""
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "ca.pem").write_text("pem")
        path = write(with_old("    tls_ca: ca.pem\n    tls_verify: true\n"), "sub/runbook.yaml")
        runbook = load(path, environ=SMALL_ENVIRON)
        assert (runbook.servers["old"].tls_verify, runbook.servers["old"].tls_ca) == (
            True,
            tmp_path / "sub" / "ca.pem",
        )

    def test_a_missing_bundle(self, write: Write, tmp_path: Path) -> None:
        """A tls_ca that names no file is an error naming the path looked at."""
        problems = problems_of(write, with_old("    tls_ca: nope.pem\n"))
        assert problems == [
            "runbook.yaml:8:13: servers.old.tls_ca must name a CA bundle file (PEM), relative "
            f"to the runbook's folder; there is no file at {tmp_path / 'nope.pem'}."
        ]

    def test_a_folder_is_not_a_bundle(self, write: Write, tmp_path: Path) -> None:
        """A tls_ca that names a folder is refused like a missing file."""
        (tmp_path / "certs").mkdir()
        problems = problems_of(write, with_old("    tls_ca: certs\n"))
        assert problems == [
            "runbook.yaml:8:13: servers.old.tls_ca must name a CA bundle file (PEM), relative "
            f"to the runbook's folder; there is no file at {tmp_path / 'certs'}."
        ]

    def test_both_keys(self, write: Write, tmp_path: Path) -> None:
        """tls_ca with tls_verify: false is one error, at tls_verify."""
        (tmp_path / "ca.pem").write_text("pem")
        problems = problems_of(write, with_old("    tls_ca: ca.pem\n    tls_verify: off\n"))
        assert problems == [
            "runbook.yaml:9:17: servers.old gives both tls_ca and tls_verify: false; keep one "
            "(tls_ca checks the certificate against the bundle, tls_verify: false checks "
            "nothing)."
        ]

    def test_a_bundle_with_a_bad_tls_verify(self, write: Write, tmp_path: Path) -> None:
        """A wrong tls_verify beside a good bundle is still an error, reported once."""
        (tmp_path / "ca.pem").write_text("pem")
        problems = problems_of(write, with_old("    tls_ca: ca.pem\n    tls_verify: maybe\n"))
        assert problems == [
            "runbook.yaml:9:17: servers.old.tls_verify must be true or false (got 'maybe')."
        ]


class TestServersUsed:
    def test_only_unused_servers_are_warned_about(self, write: Write) -> None:
        """Servers named by a step, or visited by a preflight, draw no warning."""
        text = small("action: preflight", "action: preflight\n    servers: [old]").replace(
            "  new:\n",
            "  spare:\n    url: https://spare.example.com\n    username: u\n"
            "    password: ${NEW_PASSWORD}\n  new:\n",
        )
        _, problems = check(write(text, dedent=False), environ=SMALL_ENVIRON)
        assert [str(p) for p in problems] == [
            "runbook.yaml:8:3: warning: servers.spare is not used by any step; remove it, or add "
            "the steps that should act on it."
        ]

    def test_no_warning_when_the_steps_are_invalid(self, write: Write) -> None:
        """An unused server is not warned about while a step is wrong."""
        text = small("action: preflight", "action: preflight\n    servers: [new]").replace(
            "type: Development", "type: Prod"
        )
        problems = problems_of(write, text)
        assert len(problems) == 1
        assert problems[0].startswith("runbook.yaml:22:11: steps[2].type must be one of")


class TestCheck:
    def test_env_file_problems_come_first_then_by_line_and_column(self, write: Write) -> None:
        """The env file's problems lead; the runbook's follow by line, then by column."""
        env = write("A=1\nbad line\nalso bad\n", "vars.env")
        text = small("action: preflight", "action: preflight\n    servers: [old, x, y]")
        text = text.replace("version: 1", "version: 7")
        problems = problems_of(write, text, env_file=env)
        assert [p.split(": ", 1)[0] for p in problems] == [
            "vars.env:2:1",
            "vars.env:3:1",
            "runbook.yaml:1:10",
            "runbook.yaml:18:20",
            "runbook.yaml:18:23",
        ]

    def test_an_env_file_value_is_a_known_name_for_hints(self, write: Write) -> None:
        """A misspelt variable is matched against the env file's names too."""
        env = write("OLD_PASSWORD_X=1\n", "vars.env")
        environ = {k: v for k, v in SMALL_ENVIRON.items() if k != "OLD_PASSWORD"}
        problems = problems_of(write, SMALL, environ, env_file=env)
        assert problems == [
            "runbook.yaml:7:15: servers.old.password uses ${OLD_PASSWORD}, which is not set in "
            "the environment or in vars.env; set it, add it to vars.env, or write "
            "${OLD_PASSWORD:-default}. Did you mean ${OLD_PASSWORD_X}?"
        ]

    def test_the_process_environment_is_the_default(
        self, write: Write, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without environ, check reads os.environ."""
        for name, value in SMALL_ENVIRON.items():
            monkeypatch.setenv(name, value)
        runbook, problems = check(write(SMALL, dedent=False))
        assert problems == []
        assert runbook is not None
        assert runbook.servers["old"].url == "https://old.example.com"

    def test_an_empty_environ_is_used_as_given(
        self, write: Write, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """environ={} means no variables at all, not the process environment."""
        for name, value in SMALL_ENVIRON.items():
            monkeypatch.setenv(name, value)
        runbook, problems = check(write(SMALL, dedent=False), environ={})
        assert runbook is None
        assert len(problems) == 6

    def test_load_carries_every_problem(self, write: Write) -> None:
        """load raises with the very problems check returns, warnings included."""
        text = small("password: ${OLD_PASSWORD}", "password: literal-pw-1").replace(
            "version: 1", "version: 2"
        )
        path = write(text, dedent=False)
        _, problems = check(path, environ=SMALL_ENVIRON)
        with pytest.raises(RunbookInvalidError) as caught:
            load(path, environ=SMALL_ENVIRON)
        assert caught.value.problems == problems
        assert [p.severity for p in problems] == [Severity.ERROR, Severity.WARNING]


EXPECTING = small(
    "action: preflight", "action: preflight\n    expect: {old: [Production], new: []}"
)


class TestFlowWarnings:
    def test_a_valid_runbook_gets_its_flow_warnings(self, write: Write) -> None:
        """A runbook without errors is walked for the flow; its warnings name the file."""
        runbook, problems = check(write(EXPECTING, dedent=False), environ=SMALL_ENVIRON)
        assert runbook is not None
        assert [str(p) for p in problems] == [
            "runbook.yaml:19:5: warning: steps[2] (add-dev) adds a Development license on new "
            "that no later step removes; the production invoice may serve as Development only "
            "for a short time (DNN KB 360006325634), so remove it once Production is active."
        ]

    def test_an_env_file_error_skips_the_flow(self, write: Write) -> None:
        """An error in the env file alone is enough to leave the flow unwalked."""
        env = write("bad line\n", "vars.env")
        runbook, problems = check(
            write(EXPECTING, dedent=False), env_file=env, environ=SMALL_ENVIRON
        )
        assert runbook is None
        assert [str(p) for p in problems] == [
            "vars.env:1:1: expected KEY=value, a # comment or a blank line (found no '=')."
        ]


class TestWhereTheRunbookStarts:
    def test_a_root_that_is_not_a_mapping_is_reported_where_it_starts(self, write: Write) -> None:
        """After a comment line, the root is on line 2, and so is the problem."""
        assert problems_of(write, "# a list, by mistake\n- a\n") == [
            "runbook.yaml:2:1: a runbook must be a mapping with version, name, servers, license "
            "and steps (got a list)."
        ]

    def test_a_missing_key_is_reported_where_the_runbook_starts(self, write: Write) -> None:
        """A missing top-level key is reported at the mapping's first line."""
        problems = problems_of(write, "# the small runbook\n\n" + SMALL.split("steps:")[0])
        assert problems == ["runbook.yaml:3:1: the runbook has no steps; add the steps to run."]


class TestDuplicateIds:
    def test_an_id_after_other_settings_is_still_compared(self, write: Write) -> None:
        """The id is found wherever it is written in the step."""
        text = small(
            "  - id: add-dev\n    action: add_license\n",
            "  - action: add_license\n    id: preflight\n",
        )
        assert problems_of(write, text) == [
            "runbook.yaml:19:9: steps[2].id 'preflight' is already the id of steps[1]; step ids "
            "must be unique."
        ]


def _read(write: Write, text: str) -> tuple[Reader, MappingNode, dict[str, Entry]]:
    """A reader of ``text`` as runbook.yaml, its root mapping and the root's entries."""
    source, _ = read_source(write(text, dedent=False))
    assert source is not None
    root, _ = compose(source)
    assert isinstance(root, MappingNode)
    reader = Reader(source, SMALL_ENVIRON.get)
    return reader, root, reader.entries(root)


#: Only a preflight step: it needs nothing of the license and visits whatever servers there are.
PREFLIGHT_ONLY = SMALL[: SMALL.index("  - id: add-dev")]


class TestNoModelFromAPartThatFailed:
    """The readers build nothing from a part with an error, whatever else is right."""

    def test_the_whole_runbook_is_read(self, write: Write) -> None:
        """The preflight-only runbook reads into a model: the cases below differ by one part."""
        reader, root, _ = _read(write, PREFLIGHT_ONLY)
        runbook = _read_runbook(reader, root)
        assert runbook is not None
        assert runbook.name == "small"
        assert reader.problems == []

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("version: 1\n", "version: 2\n"),
            ("name: small\n", ""),
            ("name: small\n", "name: Small\n"),
            ("  invoice: ${INVOICE}\n", ""),
            ("  email: ${EMAIL}\n", ""),
            ("    password: ${NEW_PASSWORD}\n", ""),
            (
                "servers:\n  old:\n    url: ${OLD_URL}\n    username: host\n"
                "    password: ${OLD_PASSWORD}\n" + NEW_SERVER,
                "",
            ),
            ("  - id: preflight\n    action: preflight\n", "  - id: preflight\n"),
        ],
        ids=[
            "version",
            "no-name",
            "name",
            "invoice",
            "email",
            "a-server",
            "no-servers",
            "a-step",
        ],
    )
    def test_no_runbook(self, write: Write, old: str, new: str) -> None:
        """One failed part (here, only that part) and _read_runbook returns None."""
        assert old in PREFLIGHT_ONLY
        reader, root, _ = _read(write, PREFLIGHT_ONLY.replace(old, new, 1))
        assert _read_runbook(reader, root) is None
        assert [p.severity for p in reader.problems] == [Severity.ERROR]

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("    url: ${NEW_URL}\n", ""),
            ("    username: host\n    password: ${NEW", "    password: ${NEW"),
            ("    password: ${NEW_PASSWORD}\n", ""),
            (
                "    password: ${NEW_PASSWORD}\n",
                "    password: ${NEW_PASSWORD}\n    tls_verify: 2\n",
            ),
            (
                "    password: ${NEW_PASSWORD}\n",
                "    password: ${NEW_PASSWORD}\n    tls_ca: x.pem\n",
            ),
            ("  new:\n", "  New:\n"),
        ],
        ids=["url", "username", "password", "tls-verify", "tls-ca", "name"],
    )
    def test_no_server(self, write: Write, old: str, new: str) -> None:
        """One failed setting makes that server None; the other server is read."""
        assert old in PREFLIGHT_ONLY
        reader, _, entries = _read(write, PREFLIGHT_ONLY.replace(old, new, 1))
        servers = _read_servers(reader, entries["servers"])
        assert servers is not None
        assert isinstance(servers.pop("old"), ServerSpec)
        assert list(servers.values()) == [None]
        assert [p.severity for p in reader.problems] == [Severity.ERROR]

    @pytest.mark.parametrize(
        ("old", "error"),
        [
            (
                "    password: ${NEW_PASSWORD}\n",
                "servers.new has no password; a server needs url, username and password.",
            ),
            (
                PREFLIGHT_ONLY[PREFLIGHT_ONLY.index("servers:") : PREFLIGHT_ONLY.index("license:")],
                "the runbook has no servers; add the servers the steps act on, each with url, "
                "username and password.",
            ),
        ],
        ids=["a-server", "no-servers"],
    )
    def test_no_runbook_when_only_a_server_failed(self, write: Write, old: str, error: str) -> None:
        """Steps that need no server (a confirm) do not make up for a failed server."""
        text = PREFLIGHT_ONLY.replace(old, "", 1).replace(
            "    action: preflight\n", "    action: confirm\n    message: go\n"
        )
        reader, root, _ = _read(write, text)
        assert _read_runbook(reader, root) is None
        assert [p.message for p in reader.problems if p.is_error] == [error]

    @pytest.mark.parametrize("missing", ["  email: ${EMAIL}\n", "  invoice: ${INVOICE}\n"])
    def test_no_license(self, write: Write, missing: str) -> None:
        """A license without its email or its invoice is None."""
        reader, _, entries = _read(write, PREFLIGHT_ONLY.replace(missing, ""))
        assert _read_license(reader, entries["license"]) is None
        assert [p.severity for p in reader.problems] == [Severity.ERROR]
