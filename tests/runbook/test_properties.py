"""Property-based tests: whatever the file holds, the loader reports problems and never
crashes (``dnn_runbook.runbook`` as a whole)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dnn_runbook.exceptions import RunbookInvalidError
from dnn_runbook.runbook import Runbook, check, load

SEED = Path(__file__).resolve().parents[2] / "runbook.yaml"
SEED_TEXT = SEED.read_text(encoding="utf-8")
ENVIRON = {
    "DNN_OLD_URL": "http://127.0.0.1:18001",
    "DNN_NEW_URL": "http://127.0.0.1:18002",
    "DNN_SITE_URL": "https://www.example.com",
    "DNN_OLD_USERNAME": "host",
    "DNN_NEW_USERNAME": "host",
    "DNN_OLD_PASSWORD": "prop-old-pw-3141",
    "DNN_NEW_PASSWORD": "prop-new-pw-2718",
    "DNN_LICENSE_EMAIL": "prop.owner@example.net",
    "DNN_LICENSE_INVOICE": "INV314-15",
}
SECRETS = [ENVIRON[k] for k in ENVIRON if k.endswith(("PASSWORD", "EMAIL", "INVOICE"))]
WHERE = re.compile(r"^runbook\.yaml(:\d+:\d+)?: ")

RUNS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory for runbook.yaml, so that problems start with 'runbook.yaml'."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def assert_well_behaved(text: str | bytes) -> Runbook | None:
    """Check ``text`` as runbook.yaml; every outcome must be a runbook or located problems."""
    path = Path("runbook.yaml")
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    runbook, problems = check(path, environ=ENVIRON)
    lines = max(1, len(path.read_bytes().splitlines()) + 1)
    for problem in problems:
        printed = str(problem)
        assert WHERE.match(printed), printed
        assert 0 <= problem.line <= lines
        assert problem.col >= 0
        assert problem.message.strip()
        assert not any(secret in printed for secret in SECRETS), printed
    assert (runbook is None) == any(p.is_error for p in problems)
    if runbook is None:
        with pytest.raises(RunbookInvalidError) as caught:
            load(path, environ=ENVIRON)
        assert caught.value.problems == problems
    else:
        assert load(path, environ=ENVIRON) == runbook
    return runbook


class TestGarbage:
    @RUNS
    @given(st.text(max_size=400))
    def test_any_text(self, in_tmp: Path, text: str) -> None:
        """Arbitrary text gives a runbook or located problems, nothing else."""
        assert_well_behaved(text)

    @RUNS
    @given(st.binary(max_size=200))
    def test_any_bytes(self, in_tmp: Path, data: bytes) -> None:
        """Arbitrary bytes too, invalid UTF-8 included."""
        assert_well_behaved(data)

    @RUNS
    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.text(max_size=12), inner, max_size=4)
            ),
            max_leaves=20,
        )
    )
    def test_any_yaml_document(self, in_tmp: Path, document: Any) -> None:
        """Any well-formed YAML document, of any shape, is checked without crashing."""
        assert_well_behaved(yaml.safe_dump(document))


KEYS = [
    "version",
    "name",
    "servers",
    "license",
    "steps",
    "url",
    "username",
    "password",
    "email",
    "invoice",
    "id",
    "action",
    "server",
    "type",
    "expect",
    "expires",
    "only",
    "timeout",
    "interval",
    "expect_status",
    "message",
    "label",
    "activation",
    "activation_key_file",
]
VALUES = [
    "1",
    "2",
    "''",
    "[]",
    "{}",
    "~",
    "Production",
    "production",
    "Prod",
    "5m",
    "0s",
    "1h30m",
    "2027-06-30",
    "2027-02-30",
    "future",
    "true",
    "maybe",
    "old",
    "new",
    "nowhere",
    "${DNN_NEW_URL}",
    "${UNDEFINED}",
    "${",
    "$$",
    "http://x",
    "ftp://x",
    "- a",
    "&a x",
    "*a",
    "!!binary aGk=",
    "!!python/object:os.system x",
    "<<: {}",
    "[Production, Production]",
]


class TestMutatedSeed:
    def test_seed_is_valid(self, in_tmp: Path) -> None:
        """The mutations below start from a valid runbook."""
        assert assert_well_behaved(SEED_TEXT) is not None

    @RUNS
    @given(st.data())
    def test_line_edits(self, in_tmp: Path, data: st.DataObject) -> None:
        """Deleting, duplicating, swapping, re-indenting or rewriting lines never crashes."""
        lines = SEED_TEXT.splitlines()
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, len(lines) - 1))
            edit = data.draw(
                st.sampled_from(["delete", "duplicate", "swap", "indent", "value", "key"])
            )
            if edit == "delete" and len(lines) > 1:
                del lines[at]
            elif edit == "duplicate":
                lines.insert(at, lines[at])
            elif edit == "swap":
                other = data.draw(st.integers(0, len(lines) - 1))
                lines[at], lines[other] = lines[other], lines[at]
            elif edit == "indent":
                lines[at] = " " * data.draw(st.integers(0, 3)) + lines[at]
            elif edit == "value" and ":" in lines[at]:
                head = lines[at].split(":", 1)[0]
                lines[at] = f"{head}: {data.draw(st.sampled_from(VALUES))}"
            elif edit == "key" and ":" in lines[at]:
                head, tail = lines[at].split(":", 1)
                indent = head[: len(head) - len(head.lstrip(" -"))]
                lines[at] = f"{indent}{data.draw(st.sampled_from(KEYS))}:{tail}"
        assert_well_behaved("\n".join(lines) + "\n")

    @RUNS
    @given(st.data())
    def test_character_edits(self, in_tmp: Path, data: st.DataObject) -> None:
        """Inserting or replacing characters anywhere never crashes."""
        text = SEED_TEXT
        for _ in range(data.draw(st.integers(1, 3))):
            at = data.draw(st.integers(0, len(text)))
            insert = data.draw(
                st.text(min_size=1, max_size=3) | st.sampled_from(list(":-[]{}'\"$#&*!|>\t\n"))
            )
            drop = data.draw(st.integers(0, 2))
            text = text[:at] + insert + text[at + drop :]
        assert_well_behaved(text)
