"""The capture file's format: written and read back, each stylesheet once, bad files refused."""

from __future__ import annotations

import json

import pytest

from dnn_runbook.captures import FORMAT, Capture, Resource, ServerCapture, Snapshot, Timing


def sample() -> Capture:
    servers = tuple(
        ServerCapture(
            label,
            versions={"about_title": "About"},
            snapshots=(Snapshot("about", "<div id='Licensing-panel'></div>", "- text", "x"),),
            styles=("a{}", "b{}"),
            shown_styles={"Settingshovermenu": "display: block"},
            resources=(Resource("/API/PersonaBar/Licensing/GetLicenses", "fetch", True, 1.5),),
            timings=(Timing("log in", 10.0),),
            page_timings={"site": {"load": 5.0}},
            notes=("nothing",),
        )
        for label in ("server-1", "server-2")
    )
    return Capture("check", "0.1", "2026-01-01T00:00:00Z", "chromium 1", servers, {"invoice": 1})


class TestCaptureFile:
    def test_round_trip(self) -> None:
        """loads(dumps()) gives the capture back; both servers share the stylesheets."""
        capture = sample()
        text = capture.dumps()
        data = json.loads(text)
        assert data["format"] == FORMAT
        assert data["stylesheets"] == ["a{}", "b{}"]
        assert [server["styles"] for server in data["servers"]] == [[0, 1], [0, 1]]
        assert Capture.loads(text) == capture
        assert capture.servers[0].snapshot("about") is not None
        assert capture.servers[0].snapshot("menu") is None

    @pytest.mark.parametrize(
        ("text", "match"),
        [
            ("nope", "not JSON"),
            ('{"format": "other/1"}', "must have format"),
            ('{"format": "dnn-runbook-capture/1", "command": 1}', "'command' must be a string"),
        ],
    )
    def test_what_is_not_a_capture(self, text: str, match: str) -> None:
        """A file that is not a capture says why."""
        with pytest.raises(ValueError, match=match):
            Capture.loads(text)
