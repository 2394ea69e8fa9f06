"""The per-module score ``make mutation`` prints, and when it fails."""

from __future__ import annotations

import pytest

from tests.mutation.score import main

KILLED = "    dnn_runbook.runner.interlocks.x_check_removal__mutmut_{n}: killed"


def test_a_survivor_in_the_interlocks_fails(capsys: pytest.CaptureFixture[str]) -> None:
    lines = [KILLED.format(n=n) for n in range(9)] + [
        "    dnn_runbook.runner.interlocks.x_check_activation__mutmut_3: survived"
    ]
    assert main(lines) == 1
    out = capsys.readouterr().out
    assert "dnn_runbook.runner.interlocks" in out
    assert "90.0%  <- must be 100 %" in out
    assert "dnn_runbook.runner.interlocks.x_check_activation__mutmut_3 (survived)" in out


def test_elsewhere_under_85_percent_is_marked(capsys: pytest.CaptureFixture[str]) -> None:
    method = "    pages.results.xǁOutcomeǁtemporary__mutmut_{n}: {status}"
    lines = [method.format(n=n, status="killed") for n in range(17)]
    lines += [method.format(n=17, status="survived"), method.format(n=18, status="no tests")]
    lines += [KILLED.format(n=1)]
    assert main(lines) == 0
    assert "pages.results" in capsys.readouterr().out
    assert main([*lines, method.format(n=19, status="timeout")]) == 0  # 17 of 20: 85 %
    capsys.readouterr()
    more = [method.format(n=19, status="timeout"), method.format(n=20, status="survived")]
    assert main([*lines, *more]) == 0  # marked, not failed: only the guarding modules fail
    assert "81.0%  <- under 85 %" in capsys.readouterr().out


def test_no_results_is_an_error() -> None:
    assert main(["nothing here"]) == 1
