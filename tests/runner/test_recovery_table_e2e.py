"""The README's recovery table, tried row by row against the sandbox: a run is stopped at each
step of the seed procedure (with a sandbox fault, or a 'no'), then the row's command is run
(the very command the stop printed) and the servers' end state is checked.

The run is the seed procedure with a confirm checkpoint before each license step
(``tests/safety/checkpointed.yaml``: the seed's steps, ids and order), so a fault can be
switched on right before the step it must stop.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dnn_runbook.cli import app
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.sandbox import Sandbox
from tests.safety.conftest import CHECKPOINTED
from tests.support import (
    REPO,
    RUN_DEFAULTS,
    holdings,
    in_worker_thread,
    journal,
    only_run_dir,
    run_exit_code,
    write_env,
    writes,
)

START = {"old": ["Production"], "new": []}
MOVED = {"old": [], "new": ["Production"]}


@dataclass(frozen=True)
class Row:
    """One row of the table: how the run is stopped there, and what the row promises."""

    step: str
    #: Faults from the start, and faults switched on at a prompt (by its number, from 1).
    faults: tuple[str, ...] = ()
    at_prompt: dict[int, tuple[str, ...]] = field(default_factory=dict)
    #: The prompt answered 'no', if the stop is a refused confirmation.
    no_at: int | None = None
    exit_code: int = 1
    state: dict[str, list[str]] = field(default_factory=dict)
    timeout_s: float = RUN_DEFAULTS["timeout_s"]
    #: What the back-out command does: "restores" the start, "nothing" or "refused".
    back_out: str = "restores"


# Prompts of the checkpointed runbook: 1 before add-dev-on-new, 2 dns-cutover,
# 3 before remove-prod-on-old, 4 before add-prod-on-new, 5 before remove-dev-on-new.
ROWS = [
    Row("preflight", faults=("licensing-down:new",), exit_code=4, state=START, back_out="nothing"),
    Row("add-dev-on-new", at_prompt={1: ("licensing-down:new",)}, state=START, back_out="nothing"),
    Row("dns-cutover", no_at=2, exit_code=3, state={"old": ["Production"], "new": ["Development"]}),
    Row(
        "remove-prod-on-old",
        at_prompt={3: ("licensing-down:old",)},
        state={"old": ["Production"], "new": ["Development"]},
    ),
    Row(
        "add-prod-on-new",
        at_prompt={4: ("licensing-down:new",)},
        state={"old": [], "new": ["Development"]},
        back_out="refused",
    ),
    Row(
        "remove-dev-on-new",
        # The run's timeout also bounds preflight's page loads: 6 s leaves a loaded machine
        # room there, and a page 20 s late can never come within it at this step.
        at_prompt={5: ("pages-slow=20",)},
        state={"old": [], "new": ["Development", "Production"]},
        timeout_s=6,
        back_out="refused",
    ),
]

#: Rows of the README's table that share another row's stop, state and commands, and so are
#: tried through it: waiting for the new server stops with the servers as the refused cut-over
#: leaves them; verify-new and evidence-final only read, and leave them as remove-dev-on-new
#: finishing does.
SAME_AS = {
    "wait-new-serving": "dns-cutover",
    "verify-new": "remove-dev-on-new",
    "evidence-final": "remove-dev-on-new",
}


def table_rows() -> dict[str, str]:
    """The README's recovery table: each step named in its first column, and its row."""
    text = (REPO / "README.md").read_text()
    table = text[text.index("### Recovery\n") :].split("\n\n")[2]
    found: dict[str, str] = {}
    for line in table.splitlines()[2:]:
        for step in re.findall(r"`([a-z-]+)`", line.split("|")[1]):
            found[step] = line
    return found


def types(sandbox: Sandbox) -> dict[str, list[str]]:
    return {name: sorted(t for t, _ in held) for name, held in holdings(sandbox.state()).items()}


class Operator:
    """Standard input: 'yes' to every prompt but the one answered 'no', after switching on
    the faults set for that prompt."""

    def __init__(self, sandbox: Sandbox, row: Row) -> None:
        self.sandbox, self.row, self.prompts = sandbox, row, 0

    def readline(self) -> str:
        self.prompts += 1
        faults = self.row.at_prompt.get(self.prompts)
        if faults is not None:
            self.sandbox.set_faults(list(faults))
        return "no\n" if self.prompts == self.row.no_at else "yes\n"

    def isatty(self) -> bool:
        return False


def cli(command: str, *, stdin: str = "") -> Result:
    """The command line a stop printed, run as the operator would type it."""
    words = shlex.split(command)
    assert words[0] == "dnn-runbook"
    return in_worker_thread(CliRunner().invoke, app, words[1:], input=stdin, terminal_width=400)


def printed_command(output: str, lead: str) -> str | None:
    found = re.search(rf"^{re.escape(lead)} (dnn-runbook .+)$", output, re.MULTILINE)
    return found.group(1) if found else None


class TestTheTable:
    def test_every_step_of_the_seed_runbook_has_a_row_and_a_scenario(self) -> None:
        """The table names each step of the seed runbook, and each row is tried below."""
        rows = table_rows()
        seed_steps = re.findall(r"^  - id: ([a-z-]+)$", (REPO / "runbook.yaml").read_text(), re.M)
        assert set(rows) == set(seed_steps)
        tried = {row.step for row in ROWS} | set(SAME_AS)
        assert tried == set(rows)
        for row in ROWS:
            line = rows[row.step]
            assert "--resume RUN_DIR" in line
            if row.back_out == "restores":
                assert "dnn-runbook rollback RUN_DIR --env-file prod.env" in line
            elif row.back_out == "refused":
                assert "refused: finish instead" in line
            else:
                assert "nothing" in line


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize(
    ("row", "command"),
    [(row, "finish") for row in ROWS]
    + [(row, "back out") for row in ROWS if row.back_out == "restores"],
    ids=lambda value: value.step if isinstance(value, Row) else value,
)
def test_a_stop_at_each_step_and_the_rows_command(
    row: Row,
    command: str,
    sandbox_factory: Callable[..., Sandbox],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Stopped at the row's step, the servers are as the row says; the back-out command the
    stop printed restores the start (or changes nothing, or is refused naming the way
    forward); the finish command it printed ends with the license moved."""
    sandbox = sandbox_factory(faults=list(row.faults))
    env = write_env(sandbox, tmp_path / "prod.env")
    evidence = tmp_path / "screenshots"
    monkeypatch.setattr("sys.stdin", Operator(sandbox, row))
    options = {**RUN_DEFAULTS, "timeout_s": row.timeout_s, "evidence_dir": evidence}
    code = in_worker_thread(run_exit_code, CHECKPOINTED, env_file=env, **options)
    run_dir = only_run_dir(evidence)
    stopped = {s["id"]: s["status"] for s in journal(run_dir)["steps"]}
    assert code == row.exit_code, stopped
    assert stopped[row.step] in {"failed", "declined", "refused"}, stopped
    assert types(sandbox) == row.state
    out = capsys.readouterr().out
    resume = printed_command(out, "To continue from where it stopped:")
    rollback = printed_command(
        out, "To back out instead (remove the license this run added on the new server):"
    )
    assert resume is not None, out
    assert (rollback is not None) == (row.back_out == "restores"), out
    sandbox.clear_faults()

    if command == "back out":
        assert rollback is not None
        result = cli(rollback + " --yes")
        assert result.exit_code == 0, result.output
        assert types(sandbox) == START
        backed = [p for p in evidence.iterdir() if p.is_dir() and p != run_dir]
        assert len(backed) == 1
        assert verify_run_dir(backed[0]).ok
        return

    if row.back_out != "restores":
        # The table's back-out for this row: nothing to do, or refused; nothing changes.
        before = writes(sandbox.state())
        result = cli(f"dnn-runbook rollback {shlex.quote(str(run_dir))} --env-file {env} --yes")
        assert result.exit_code == (2 if row.back_out == "refused" else 0), result.output
        if row.back_out == "refused":
            assert "finish the run" in result.output
        else:
            assert "nothing to roll back" in result.output
        assert writes(sandbox.state()) == before
    result = cli(resume, stdin="yes\n" * 6)
    assert result.exit_code == 0, result.output
    assert types(sandbox) == MOVED
    assert verify_run_dir(run_dir).ok
