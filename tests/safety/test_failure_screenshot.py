"""The screenshot a stopped step leaves is masked like every other, checked on the pixels.

A run stops on an interlock with old's license table on screen. Its failure screenshot is
decoded and, inside the box of every invoice cell (found on the same page as a run's session
shows it), must hold the mask colour alone; a plain screenshot of the same page must show text
there, which proves the check can fail.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from dnn_runbook.sandbox import Sandbox
from tests.browser.test_sessions import EMAIL, INVOICE, _colours, _inner_box, _is_mask, _session
from tests.support import RUN_DEFAULTS, in_worker_thread, journal, only_run_dir, run_exit_code

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

RUNBOOK = """\
version: 1
name: failure-shot
servers:
  old: {url: "${DNN_OLD_URL}", username: "${DNN_OLD_USERNAME}", password: "${DNN_OLD_PASSWORD}"}
  new: {url: "${DNN_NEW_URL}", username: "${DNN_NEW_USERNAME}", password: "${DNN_NEW_PASSWORD}"}
license:
  email: ${DNN_LICENSE_EMAIL}
  invoice: ${DNN_LICENSE_INVOICE}
steps:
  - id: preflight
    action: preflight
    expect: {old: [Production], new: []}
  - {id: remove-prod-on-old, action: remove_license, server: old, type: Production}
"""


def test_the_failure_screenshot_masks_the_invoice_cells(
    sandbox_factory: Callable[..., Sandbox], browser: Browser, tmp_path: Path
) -> None:
    sandbox = sandbox_factory(license_invoice=INVOICE, license_email=EMAIL)
    runbook = tmp_path / "runbook.yaml"
    runbook.write_text(RUNBOOK)
    evidence = tmp_path / "evidence"
    code = in_worker_thread(
        run_exit_code,
        runbook,
        environ=sandbox.env(),
        assume_yes=True,
        evidence_dir=evidence,
        **RUN_DEFAULTS,
    )
    assert code == 1
    run_dir = only_run_dir(evidence)
    step = {s["id"]: s for s in journal(run_dir)["steps"]}["remove-prod-on-old"]
    assert "replacement-first" in step["message"]
    (failure,) = [name for name in step["screenshots"] if name.endswith("-failure.png")]
    shot = (run_dir / failure).read_bytes()

    session = _session(browser, sandbox, mask_license_ids=True)
    decoder: Page = browser.new_page()
    try:
        about = session.about(reload=True)
        cells = [loc for loc in about.sensitive_locators() if loc.is_visible()]
        assert len(cells) == 1, "old shows one license row"
        boxes = [_inner_box(cell) for cell in cells]
        plain = session.page.screenshot(type="png", animations="disabled", caret="hide")
        in_failure = _colours(decoder, shot, boxes)
        in_plain = _colours(decoder, plain, boxes)
    finally:
        decoder.close()
        session.close()
    for index, colours in enumerate(in_failure):
        assert _is_mask(colours), f"invoice cell {index} holds {colours[-1]} colours"
        assert in_plain[index][-1] > 2, f"invoice cell {index} shows no text even unmasked"
