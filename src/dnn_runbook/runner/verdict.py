"""What a check concludes from what it found on the servers and from the walk of the runbook."""

from __future__ import annotations

from collections.abc import Sequence

from dnn_runbook.exit_codes import ExitCode
from dnn_runbook.runner.probe import ServerProbe
from dnn_runbook.runner.simulation import Simulation


def verdict(probes: Sequence[ServerProbe], simulation: Simulation) -> tuple[ExitCode, str | None]:
    """A check's exit code and why: 1 when a control the run needs was not found (whatever
    else: no change of the servers' state would help), 4 when the run would be refused, 0
    when it would go through."""
    missing = [m.sentence() for probe in probes for m in probe.missing]
    missing += [
        probe.failure.sentence()
        for probe in probes
        if probe.failure is not None and probe.failure.kind.is_markup
    ]
    refusal = simulation.refused_before
    if refusal is None and simulation.stop is not None:
        refusal = simulation.stop.sentence()
    if missing:
        text = "A control the run needs was not found: " + " ".join(missing)
        if refusal:
            text += f" The run would also be refused: {refusal}"
        return ExitCode.STEP_FAILED, text
    if refusal:
        return ExitCode.PREFLIGHT_REFUSED, f"The run would be refused: {refusal}"
    return ExitCode.OK, None
