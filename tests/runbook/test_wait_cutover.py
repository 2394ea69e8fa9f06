"""The wait_cutover step as the language reads it: its forms, and each mistake at its place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
import yaml

from dnn_runbook.runbook import CutoverMarker, WaitCutoverStep, check
from dnn_runbook.runbook.jsonschema import json_schema
from tests.runbook.test_schema import SMALL, SMALL_ENVIRON

Write = Callable[..., Path]


def with_step(body: str) -> str:
    return SMALL + "  - id: cutover\n    action: wait_cutover\n" + body


def read(write: Write, body: str) -> tuple[WaitCutoverStep | None, list[str]]:
    path = write(with_step(body), dedent=False)
    runbook, problems = check(path, environ={**SMALL_ENVIRON, "SITE": "https://www.example.com"})
    step = runbook.steps[-1] if runbook is not None else None
    assert step is None or isinstance(step, WaitCutoverStep)
    return step, [str(problem) for problem in problems]


class TestForms:
    def test_address_from_a_url_a_name_or_an_ip(self, write: Write) -> None:
        """address takes the new server's address, host name or IP; the host is what counts."""
        for given, kept in [
            ("${NEW_URL}", "new.example.com"),
            ("New-Web01.Example.com.", "new-web01.example.com"),
            ("203.0.113.20", "203.0.113.20"),
            ("'[2001:db8::20]'", "2001:db8::20"),
        ]:
            step, problems = read(write, f"    url: ${{SITE}}\n    address: {given}\n")
            assert problems == []
            assert step is not None
            assert (step.url, step.address, step.marker) == ("https://www.example.com", kept, None)
            assert (step.timeout, step.interval) == (timedelta(minutes=5), timedelta(seconds=5))

    def test_a_header_marker_and_a_page_marker(self, write: Write) -> None:
        """marker: header and value, or path and contains."""
        step, problems = read(
            write,
            "    url: ${SITE}\n    marker:\n      header: X-Served-By\n      value: WEB-NEW\n"
            "    timeout: 20m\n    interval: 30s\n",
        )
        assert problems == []
        assert step is not None
        assert step.marker == CutoverMarker(header="X-Served-By", value="WEB-NEW")
        assert step.timeout == timedelta(minutes=20)
        assert "it answers with the response header X-Served-By: WEB-NEW" in step.describe()
        step, problems = read(
            write, "    url: ${SITE}\n    marker: {path: /cutover.txt, contains: new-web01}\n"
        )
        assert problems == []
        assert step is not None
        assert step.marker == CutoverMarker(path="/cutover.txt", contains="new-web01")


MISTAKES = [
    pytest.param(
        "    url: ${SITE}\n",
        "runbook.yaml:22:5: steps[3] (wait_cutover) checks nothing; give address (the new "
        "server's address the public name must resolve to), marker (what only the new server "
        "serves), or both.",
        id="checks-nothing",
    ),
    pytest.param(
        "    url: ${SITE}\n    address: new server\n",
        "runbook.yaml:25:14: steps[3].address must be the new server's IP address, host name or "
        "http(s) address, such as 203.0.113.20, new-web01.example.com or ${DNN_NEW_URL} "
        "(got 'new server').",
        id="bad-address",
    ),
    pytest.param(
        "    url: ${SITE}\n    marker: {header: X-Served-By}\n",
        "runbook.yaml:25:13: steps[3].marker has header but no value; steps[3].marker must be a "
        "mapping: header and value (a response header only the new server sends), or path and "
        "contains (a page of the public site whose text only the new server serves).",
        id="header-without-value",
    ),
    pytest.param(
        "    url: ${SITE}\n    marker: {header: X-A, value: b, path: /c, contains: d}\n",
        "runbook.yaml:25:13: steps[3].marker must be a mapping: header and value (a response "
        "header only the new server sends), or path and contains (a page of the public site "
        "whose text only the new server serves); give header or path, not both.",
        id="both-kinds",
    ),
    pytest.param(
        "    url: ${SITE}\n    marker: {header: 'X Served', value: WEB-NEW}\n",
        "runbook.yaml:25:22: steps[3].marker.header must be an HTTP header name such as "
        "X-Served-By (got 'X Served').",
        id="bad-header-name",
    ),
    pytest.param(
        "    url: ${SITE}\n    marker: {path: cutover.txt, contains: x}\n",
        "runbook.yaml:25:20: steps[3].marker.path must be a path on the public site starting "
        "with /, such as /cutover.txt (got 'cutover.txt').",
        id="relative-path",
    ),
    pytest.param(
        "    url: ${SITE}\n    marker: {header: X-A, value: b, contains: d}\n",
        "runbook.yaml:25:37: steps[3].marker.contains does not go with header; leave it out.",
        id="mixed-keys",
    ),
    pytest.param(
        "    url: ${SITE}\n    marker: {header: X-A, vaule: b}\n",
        "runbook.yaml:25:27: steps[3].marker.vaule is not a setting of a marker; did you mean "
        "'value'?",
        id="misspelt-key",
    ),
]


class TestMistakes:
    @pytest.mark.parametrize(("body", "expected"), MISTAKES)
    def test_reported_where_it_is(self, write: Write, body: str, expected: str) -> None:
        step, problems = read(write, body)
        assert step is None
        assert expected in problems


class TestJsonSchema:
    def test_editors_accept_the_forms_and_refuse_a_half_marker(self) -> None:
        """The editor schema follows the same rules for the marker."""
        validator = jsonschema.Draft7Validator(json_schema())

        def complaints(body: str) -> list[str]:
            document = yaml.safe_load(with_step(body))
            return [error.message for error in validator.iter_errors(document)]

        assert complaints("    url: https://w.example.com\n    address: 203.0.113.20\n") == []
        assert complaints("    url: ${SITE}\n    marker: {header: X-A, value: b}\n") == []
        assert complaints("    url: ${SITE}\n    marker: {path: /c, contains: d}\n") == []
        assert complaints("    url: ${SITE}\n    marker: {header: X-A}\n") != []
        assert complaints("    url: ${SITE}\n    adress: x\n") != []
