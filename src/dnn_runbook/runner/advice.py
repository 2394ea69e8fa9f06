"""What a stopped run tells the operator to type next: the exact command that continues it,
and, while the old server still holds its Production license, the one that backs it out.

The commands are built from what this run was started with (the runbook's absolute path, the
env file, the run directory), quoted for the shell the operator is in: POSIX quoting, or
``cmd.exe``'s on Windows, where a path with a space must be in double quotes.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dnn_runbook.evidence.journal import Journal
from dnn_runbook.licenses import LicenseType
from dnn_runbook.runbook import AddLicenseStep, RemoveLicenseStep, Runbook
from dnn_runbook.runner.console import Console
from dnn_runbook.runner.options import RunOptions

#: The command's name as the README and ``--help`` spell it.
COMMAND = "dnn-runbook"


def command_line(arguments: list[str]) -> str:
    """``arguments`` as one line the operator's shell reads back as the same arguments."""
    if os.name == "nt":
        return subprocess.list2cmdline(arguments)
    return shlex.join(arguments)


def _env(env_file: Path | None) -> list[str]:
    return ["--env-file", str(Path(env_file).resolve())] if env_file is not None else []


#: Stands for the DNN support case's ID in a printed command, for the operator to replace.
CASE_PLACEHOLDER = "CASE-ID"


def resume_command(
    runbook: Path, run_dir: Path, env_file: Path | None, *, support_case: bool = False
) -> str:
    """``dnn-runbook run RUNBOOK [--env-file FILE] --resume RUN_DIR``, paths absolute, with
    ``--support-case CASE-ID`` when the run waits for a lost activation's support case."""
    case = ["--support-case", CASE_PLACEHOLDER] if support_case else []
    return command_line(
        [
            COMMAND,
            "run",
            str(runbook.resolve()),
            *_env(env_file),
            "--resume",
            str(run_dir.resolve()),
            *case,
        ]
    )


def rollback_command(run_dir: Path, env_file: Path | None) -> str:
    """``dnn-runbook rollback RUN_DIR [--env-file FILE]``, paths absolute."""
    return command_line([COMMAND, "rollback", str(run_dir.resolve()), *_env(env_file)])


def past_return(runbook: Runbook, journal: Journal) -> str | None:
    """The id of the step that removed a license other than Development (the old server's
    Production), if the journal says it finished: from there the way is forward only."""
    finished = {record.id for record in journal.steps if record.status.finished}
    for step in runbook.steps:
        if (
            isinstance(step, RemoveLicenseStep)
            and step.type is not LicenseType.DEVELOPMENT
            and step.id in finished
        ):
            return step.id
    return None


def may_have_added(runbook: Runbook, journal: Journal) -> list[AddLicenseStep]:
    """The license steps of the run that may have taken effect, newest first: those that
    finished, and those that clicked at least once (``attempts`` counts the clicks)."""
    records = {r.id: r for r in journal.steps}
    return [
        step
        for step in reversed(runbook.steps)
        if isinstance(step, AddLicenseStep)
        and step.id in records
        and (records[step.id].status.finished or records[step.id].attempts > 0)
    ]


@dataclass(frozen=True, slots=True)
class NextCommands:
    """What to type after a run stopped: ``resume`` always, ``rollback`` while it can work."""

    resume: str
    rollback: str | None
    #: The run lost an activation: the resume needs the DNN support case's ID.
    support_case: bool = False
    #: A rehearsal: its sandbox is gone, so neither command can work.
    rehearsal: bool = False

    def lines(self) -> list[str]:
        """The lines a stopped run prints after its reason."""
        if self.rehearsal:
            return [REHEARSAL_STOPPED]
        if self.support_case:
            found = [
                "Once DNN support has restored the activation, continue with (replace "
                f"{CASE_PLACEHOLDER} with the support case's ID): {self.resume}"
            ]
        else:
            found = [f"To continue from where it stopped: {self.resume}"]
        if self.rollback is not None:
            found.append(
                "To back out instead (remove the license this run added on the new server): "
                f"{self.rollback}"
            )
        return found


#: What a stopped rehearsal prints instead of the resume and rollback commands.
REHEARSAL_STOPPED = (
    "This was a rehearsal: its sandbox stopped with it, so there is nothing to resume or roll "
    "back. The evidence shows where and why it stopped; rehearse again (with the same --fault "
    "options to meet the stop again)."
)


def next_commands(
    runbook: Runbook, journal: Journal, run_dir: Path, options: RunOptions
) -> NextCommands:
    """The commands that finish or back out the stopped run in ``run_dir``; for a stopped
    rollback, rolling its run back again (every step of a rollback can be done twice)."""
    if options.rollback_of is not None:
        return NextCommands(rollback_command(options.rollback_of, options.env_file), None)
    lost = any(record.activation_lost and not record.support_case for record in journal.steps)
    can_back_out = (
        not lost
        and bool(may_have_added(runbook, journal))
        and past_return(runbook, journal) is None
    )
    return NextCommands(
        resume=resume_command(runbook.source, run_dir, options.env_file, support_case=lost),
        rollback=rollback_command(run_dir, options.env_file) if can_back_out else None,
        support_case=lost,
        rehearsal=options.rehearsal,
    )


def confirm_changes(console: Console, *, assume_yes: bool) -> Callable[[Sequence[str]], str | None]:
    """How a resume accepts changes of how its unfinished steps are done: every change shown,
    then the operator's yes (or ``--yes``); returns who accepted, or ``None``."""

    def accept(changes: Sequence[str]) -> str | None:
        console.warn(
            "The runbook changed since this run stopped. A resume may change how an unfinished "
            "step is done; these are the changes:"
        )
        for change in changes:
            console.line(f"  - {change}")
        question = "Resume with these changes? They are recorded in the journal and the evidence."
        if not console.confirm(question, assume_yes=assume_yes):
            return None
        return "--yes" if assume_yes else "the operator"

    return accept
