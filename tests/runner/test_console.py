"""The console: one readable line per event, or JSON lines for machines."""

from __future__ import annotations

import io
import json

from dnn_runbook.runner.console import Console, LogFormat, render_event

EVENT = {
    "event": "license_table_read",
    "level": "info",
    "timestamp": "2026-11-29T21:24:07.120Z",
    "run_id": "20261129T212406Z-migrate",
    "step_id": "preflight",
    "server": "new",
    "licensing_reachable": True,
    "licenses": [{"type": "Production", "invoice": "••••01-1", "activated": True}],
}


class TestRenderEvent:
    def test_one_line_with_time_name_and_fields(self) -> None:
        """No Python reprs, no run or step ids (the progress lines say them)."""
        line = render_event(EVENT)
        assert line == (
            "21:24:07 license_table_read server=new licensing_reachable=true "
            "licenses=Production ••••01-1 true"
        )
        assert "\n" not in line

    def test_warnings_say_so_and_long_values_are_cut(self) -> None:
        """A level other than info leads; a value is cut to one screen line."""
        line = render_event({"event": "read_retry", "level": "warning", "error": "x" * 200})
        assert line.startswith("warning: read_retry error=")
        assert line.endswith("…")
        assert len(line) < 110

    def test_a_stopped_steps_reason_is_left_to_the_summary(self) -> None:
        """The reason of a stop is printed once, at the end: not in its event line."""
        line = render_event({"event": "step_stopped", "status": "refused", "error": "Why."})
        assert "Why." not in line


class TestLogFormat:
    def test_json_goes_to_the_machine_stream_whatever_the_terminal(self) -> None:
        """--log-format json: every event is one JSON object a line on stderr."""
        out, machine = io.StringIO(), io.StringIO()
        console = Console(out, interactive=False, log_format=LogFormat.JSON, machine_stream=machine)
        assert console.shows_events
        console.event(EVENT)
        assert json.loads(machine.getvalue()) == EVENT
        assert out.getvalue() == ""

    def test_readable_lines_only_on_a_terminal(self) -> None:
        """In a pipe the step lines and events.jsonl say it all: no event lines."""
        assert not Console(io.StringIO(), interactive=False).shows_events
        shown = io.StringIO()
        Console(shown, interactive=True).event(EVENT)
        assert "license_table_read server=new" in shown.getvalue()


class TestWhatReachesTheTerminal:
    def test_every_text_passes_the_runs_redactor(self) -> None:
        """Once the run hands its redactor over, a secret in a step's description, a confirm
        message, a result or a summary row is masked, on a terminal and in plain lines."""
        from dnn_runbook.evidence.redact import SecretSet
        from dnn_runbook.runner.console import SummaryRow

        for interactive in (False, True):
            out = io.StringIO()
            console = Console(out, interactive=interactive, input_stream=io.StringIO("yes\n"))
            console.redact_with(SecretSet(["Hunter2-pw"]).redact)
            with console.step(1, 1, "dns", "Point DNS, the password is Hunter2-pw"):
                console.confirm("Type hunter2-PW into the box", assume_yes=False)
                console.step_result("done", "used Hunter2-pw")
            console.summary([SummaryRow(1, "dns", "done", 1.0, "Hunter2-pw")], title="t")
            console.warn("Hunter2-pw")
            text = out.getvalue()
            assert "hunter2-pw" not in text.casefold(), text
            assert "••••" in text

    def test_control_characters_are_shown_not_obeyed(self) -> None:
        """A runbook's text holding ESC sequences or BEL never reaches the terminal raw."""
        out = io.StringIO()
        console = Console(out, interactive=False)
        with console.step(1, 1, "dns\x1b[2J", "Go\x1b]0;title\x07 on"):
            console.confirm("\x1b[31mred\x9b", assume_yes=True)
        console.line("line\u202e")
        text = out.getvalue()
        assert not any(ch in text for ch in "\x1b\x07\x9b\u202e")
        assert "dns\\x1b[2J" in text
        assert "\\x1b[31mred\\x9b" in text


class TestWholeLines:
    def test_a_command_is_never_wrapped_on_a_narrow_terminal(self) -> None:
        """The command a stopped run prints stays one line to copy; other text wraps."""
        out = io.StringIO()
        console = Console(out, interactive=True)
        console._rich.width = 40
        command = "To continue: dnn-runbook run /srv/dnn/runbook.yaml --resume /srv/dnn/run"
        console.line(command, whole=True)
        console.line("plain text that is longer than forty columns, so it wraps")
        lines = out.getvalue().splitlines()
        assert lines[0] == command
        assert len(lines) == 3
