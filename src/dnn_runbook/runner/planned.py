"""What a step of the runbook would do on the servers as they are: the pieces of the plan
:func:`dnn_runbook.runner.simulation.simulate` unfolds, each able to tell itself in one
sentence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from dnn_runbook.runner.views import ServerView

__all__ = ["InterlockCheck", "PlannedStep", "Simulation", "Verdict"]


class Verdict(StrEnum):
    """What a step would do on the servers as they are."""

    #: It would act (or, for a human or waiting step, do what it does).
    WOULD_RUN = "would run"
    #: Its effect is already there: nothing would be clicked.
    ALREADY_DONE = "already done"
    #: Preflight or an interlock would refuse it; the run would stop there.
    REFUSED = "refused"
    #: It would fail (an ambiguous removal, a failed verification, an unreadable server).
    WOULD_FAIL = "would fail"
    #: An earlier step stops the run first.
    NOT_REACHED = "not reached"


@dataclass(frozen=True, slots=True)
class InterlockCheck:
    """One interlock evaluated before a step's click: does it hold, and why."""

    rule: str
    holds: bool
    #: Why it holds ("new would hold Development"), or what it would refuse.
    because: str

    def sentence(self) -> str:
        """``the interlock 'replacement-first' would hold because new would hold Development``."""
        if self.holds:
            return f"the interlock {self.rule!r} would hold because {self.because}"
        return f"the interlock {self.rule!r} would stop it: {self.because}"


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One step of the runbook as it would unfold on these servers."""

    index: int
    step_id: str
    action: str
    verdict: Verdict
    #: What it would do, in words ("would remove Production ••••01-1 from old").
    text: str
    interlocks: tuple[InterlockCheck, ...] = ()
    #: Why it would be refused or fail, or why it is not reached.
    reason: str | None = None

    @property
    def stops_the_run(self) -> bool:
        """Whether the run would stop at this step."""
        return self.verdict in {Verdict.REFUSED, Verdict.WOULD_FAIL}

    def sentence(self) -> str:
        """The step in one sentence, its interlocks and verdict included."""
        who = f"step {self.index}" if self.index else "the implicit preflight"
        parts = [f"{who} {self.text}"] + [check.sentence() for check in self.interlocks]
        text = "; ".join(parts)
        if self.verdict is Verdict.ALREADY_DONE:
            text += " (already done: nothing would be clicked)"
        if self.reason and self.verdict is not Verdict.WOULD_RUN:
            text += f". {self.reason}"
        return text if text.endswith(".") else text + "."


@dataclass(frozen=True, slots=True)
class Simulation:
    """The whole runbook on the model: each step, and the servers as they would end."""

    steps: tuple[PlannedStep, ...]
    final: Mapping[str, ServerView]
    #: Why the run would be refused before its first step, if it would be.
    refused_before: str | None = None

    @property
    def stop(self) -> PlannedStep | None:
        """The step the run would stop at, if any."""
        return next((step for step in self.steps if step.stops_the_run), None)

    @property
    def goes_through(self) -> bool:
        """Whether every step would run or be found done already."""
        return self.refused_before is None and self.stop is None
