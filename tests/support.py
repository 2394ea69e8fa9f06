"""Helpers shared by the tests that run whole runbooks against the sandbox."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from dnn_runbook.app.rehearse import RehearsalResult
    from dnn_runbook.sandbox import Sandbox

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[1]
SEED_RUNBOOK = REPO / "runbook.yaml"

#: Values for every variable of the seed runbook, for tests that never reach a server.
FAKE_ENV = {
    "DNN_OLD_URL": "http://127.0.0.1:9",
    "DNN_NEW_URL": "http://127.0.0.1:9",
    "DNN_SITE_URL": "http://127.0.0.1:9",
    "DNN_OLD_USERNAME": "host",
    "DNN_OLD_PASSWORD": "pw-old-secret",
    "DNN_NEW_USERNAME": "host",
    "DNN_NEW_PASSWORD": "pw-new-secret",
    "DNN_LICENSE_EMAIL": "owner@example.com",
    "DNN_LICENSE_INVOICE": "INV001-1",
}

#: The run options (``RunOptions`` fields) the tests do not vary.
RUN_DEFAULTS: dict[str, Any] = {
    "headed": False,
    "slow_mo_ms": 0,
    "browser_path": None,
    "show_license_ids": False,
    "screenshots": True,
    # The command's own default: the suite loads 2 cores with 6 workers, each with a browser,
    # and a page that takes 2 s alone can take several times that then.
    "timeout_s": 30,
}


def run_exit_code(
    runbook: Path,
    *,
    env_file: Path | None = None,
    environ: dict[str, str] | None = None,
    **options: Any,
) -> int:
    """Run ``runbook`` through the application layer as ``dnn-runbook run`` does, print what
    the command would print after it, and return the exit code. ``options`` are
    ``RunOptions`` fields."""
    from dnn_runbook.app.run import run
    from dnn_runbook.runner.options import RunOptions

    result = run(runbook, RunOptions(**options), env_file=env_file, environ=environ)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.error:
        print(f"error: {result.error}", file=sys.stderr)
    return int(result.exit_code)


def rehearse(
    runbook: Path,
    *,
    faults: Sequence[str] = (),
    echo: Callable[[str], None] | None = None,
    **options: Any,
) -> RehearsalResult:
    """Rehearse ``runbook`` through the application layer; every line the console printed
    goes to ``echo`` too. ``options`` are ``RunOptions`` fields."""
    from dnn_runbook.app.rehearse import rehearse as app_rehearse
    from dnn_runbook.runner.console import Console
    from dnn_runbook.runner.options import RunOptions

    out = io.StringIO()
    result = app_rehearse(
        runbook, RunOptions(**options), faults=faults, console=Console(out, interactive=False)
    )
    for line in out.getvalue().splitlines():
        if echo is not None:
            echo(line)
    return result


def write_env(sandbox: Sandbox, path: Path) -> Path:
    """The sandbox's addresses and credentials as an env file, as `sandbox --env-file` writes."""
    path.write_text("".join(f"{key}={value}\n" for key, value in sandbox.env().items()))
    path.chmod(0o600)  # private, as the README asks: others' access draws a warning
    return path


def holdings(state: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Which server holds which (type, invoice), from the sandbox's truth."""
    return {
        name: sorted((lic["type"], lic["invoice"]) for lic in server["licenses"])
        for name, server in state["servers"].items()
    }


def only_run_dir(evidence_dir: Path) -> Path:
    """The one run directory a test's runs made."""
    dirs = [p for p in evidence_dir.iterdir() if p.is_dir()]
    assert len(dirs) == 1, dirs
    return dirs[0]


#: The kinds of sandbox history event that change a license or an activation.
CHANGES = {
    "activation_granted",
    "activation_returned",
    "activation_not_returned",
    "license_removed",
}


def changes(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of the sandbox's history that changed a license."""
    return [event for event in state["history"] if event["kind"] in CHANGES]


#: Every kind of history event a read-only visit must never cause: a license added (other than
#: the sandbox's own seed), removed or renewed, an activation granted, refused or given back,
#: and an activation key issued.
WRITES = CHANGES | {
    "license_added",
    "license_renewed",
    "activation_refused",
    "activation_key_issued",
}


def writes(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of the sandbox's history that a read-only visit must never cause."""
    return [
        event
        for event in state["history"]
        if event["kind"] in WRITES and event.get("via") != "seed"
    ]


def journal(run_dir: Path) -> dict[str, Any]:
    """A run's state.json."""
    data: dict[str, Any] = json.loads((run_dir / "state.json").read_text())
    return data


def in_worker_thread(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Call ``function`` in a thread of its own and return its result (or raise its error).

    The runner drives Playwright's sync API, which refuses to start in a thread whose asyncio
    loop is running - as pytest-playwright's own Playwright leaves the main thread once any
    test has used the ``page`` fixture. A fresh thread has no loop.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="runner") as pool:
        return pool.submit(function, *args, **kwargs).result()


# -- Fakes for unit tests of the runner: a server's About page and session, no browser ----------


class FakeAbout:
    """Settings > About as the runner uses it: a table, a notice, and recorded clicks."""

    def __init__(self, server: FakeServer) -> None:
        self.server = server

    def licenses(self) -> list[Any]:
        return list(self.server.rows)

    def licensing_notice(self) -> str | None:
        return None if self.server.reachable else "Connection to license server failed"

    def is_open(self) -> bool:
        return True

    def remove_license(self, row: Any) -> Any:
        from pages import Outcome, OutcomeKind

        self.server.clicks.append(("remove", row.license_type))
        self.server.rows.remove(row)
        return Outcome(OutcomeKind.DELETED, "License deleted.", is_error=False)


class FakeServer:
    """One server's state behind a :class:`FakeAbout`, and the session the runner sees."""

    def __init__(self, name: str, rows: Sequence[Any] = (), *, reachable: bool = True) -> None:
        self.name = name
        self.rows = list(rows)
        self.reachable = reachable
        self.clicks: list[tuple[str, str]] = []
        self.reads = 0
        self.shots = 0
        #: Fresh reads started ahead (``start_fresh_read``) and not yet finished.
        self.started = 0
        #: Seconds since About was loaded afresh with nothing done on it since, as
        #: ``ServerSession.fresh_age()`` says (a test sets it to age the page).
        self.fresh_age_s: float | None = None

    def start_fresh_read(self) -> None:
        self.started += 1

    def about(self, *, reload: bool = False) -> FakeAbout:
        if reload:
            self.reads += 1
            self.started = 0
            self.fresh_age_s = 0.0
        else:
            self.fresh_age_s = None
        return FakeAbout(self)

    def fresh_age(self) -> float | None:
        return self.fresh_age_s

    def shown_about(self) -> FakeAbout:
        return FakeAbout(self)

    def screenshot(self, path: Path) -> None:
        self.shots += 1
        path.write_bytes(b"\x89PNG fake")


def license_row(license_type: str, invoice: str = "INV001-1", *, activated: bool = True) -> Any:
    """A license table row as the page objects read it."""
    from datetime import date

    from pages import LicenseRow

    return LicenseRow(license_type, invoice, "WEB-1", activated, date(2099, 1, 1))


def seed_runbook(**environ: str) -> Any:
    """The seed runbook, loaded with fake values (no server is ever reached)."""
    from dnn_runbook.runbook import load

    return load(SEED_RUNBOOK, environ={**FAKE_ENV, **environ})


def fake_step_context(
    tmp_path: Path,
    step_id: str,
    servers: dict[str, FakeServer],
    *,
    runbook: Any = None,
    **options: Any,
) -> tuple[Any, io.StringIO]:
    """A runner step context over fake servers, with a real journal, manifest and console,
    and what the console printed. ``options`` are ``RunOptions`` fields (no backoff waits)."""
    from dnn_runbook.browser.sessions import SessionPool
    from dnn_runbook.evidence.binding import bind, new_key
    from dnn_runbook.evidence.recorder import EvidenceRecorder
    from dnn_runbook.evidence.redact import SecretSet
    from dnn_runbook.evidence.runs import start_run
    from dnn_runbook.runner.console import Console
    from dnn_runbook.runner.context import StepContext
    from dnn_runbook.runner.options import RunOptions

    book = runbook if runbook is not None else seed_runbook()
    step = book.step(step_id)
    files = start_run(
        tmp_path,
        binding=bind(book, key=new_key()),
        runbook_path=str(book.source),
        steps=[(s.index, s.id, s.action.value) for s in book.steps],
    )
    files.close()  # the lock: nothing else runs in tmp_path
    out = io.StringIO()
    ctx = StepContext(
        runbook=book,
        step=step,
        record=files.journal.record(step_id),
        journal=files.journal,
        sessions=SessionPool(lambda spec: servers[spec.name]),  # type: ignore[arg-type,return-value]
        evidence=EvidenceRecorder(files.manifest),
        console=Console(out, interactive=False),
        options=RunOptions(**{"backoff": (0.0, 0.0), "sleep": lambda _s: None, **options}),
        secrets=SecretSet(book.secrets()),
    )
    return ctx, out
