"""Browser sessions' screenshot masks, checked on the pixels: a masked field shows one flat
colour and no text.

Each test brings a real page of the sandbox into a state with a secret on screen, finds the
sensitive fields' boxes as the run's screenshot is taken, and decodes both the run's masked
screenshot and a plain one of the same state (in Chromium's own PNG decoder, through a
canvas). Inside every box the masked image must hold the mask colour alone; the plain image
must hold varied pixels there, which shows that the check can fail.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page

from dnn_runbook.browser.sessions import ServerSession
from dnn_runbook.licenses import MASK_COLOR
from dnn_runbook.runbook import Runbook, ServerSpec, load
from dnn_runbook.runbook.secrets import Secret, SecretKind
from dnn_runbook.sandbox import Sandbox
from pages import LoginPage

pytestmark = pytest.mark.e2e

PASSWORD = "Mask-Me-Pw-93"
EMAIL = "mask.check@example.org"
INVOICE = "INV8M2K5-1"
KEY = "4D41534B4D45" * 12

_MASK_RGB = tuple(int(MASK_COLOR[i : i + 2], 16) for i in (1, 3, 5))

#: Counts the distinct colours inside each box of a PNG (given as a data: URI).
_COLOURS = """async ([uri, boxes]) => {
  const image = new Image();
  image.src = uri;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(image, 0, 0);
  return boxes.map(([x, y, w, h]) => {
    const data = context.getImageData(x, y, w, h).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add(data[i] * 65536 + data[i + 1] * 256 + data[i + 2]);
    return [...seen].slice(0, 64).concat([seen.size]);
  });
}"""


@pytest.fixture(scope="module")
def mask_sandbox() -> Iterator[Sandbox]:
    """One sandbox for the module, with known values (nothing here changes its state)."""
    with Sandbox.start(
        host_password=PASSWORD, license_email=EMAIL, license_invoice=INVOICE
    ) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def decoder(browser: Browser) -> Iterator[Page]:
    """A blank tab whose canvas decodes screenshots."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _session(
    browser: Browser,
    sandbox: Sandbox,
    *,
    mask_license_ids: bool,
    server: str = "old",
    license_ids: Sequence[Secret] | None = None,
) -> ServerSession:
    info = sandbox.server(server)
    spec = ServerSpec(
        name=server,
        url=info.url,
        username=info.username,
        password=Secret(info.password, SecretKind.PASSWORD),
    )
    return ServerSession(
        browser,
        spec,
        timeout_ms=30_000,
        mask_license_ids=mask_license_ids,
        license_ids=(
            [Secret(EMAIL, SecretKind.EMAIL), Secret(INVOICE, SecretKind.INVOICE)]
            if license_ids is None
            else license_ids
        ),
    )


@pytest.fixture(scope="module")
def session(browser: Browser, mask_sandbox: Sandbox) -> Iterator[ServerSession]:
    """A run's session on the old server, masking as a run does by default (each test brings
    the tab to the state it checks; none changes the server)."""
    opened = _session(browser, mask_sandbox, mask_license_ids=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def showing_session(browser: Browser, mask_sandbox: Sandbox) -> Iterator[ServerSession]:
    """A run's session with --show-license-ids."""
    opened = _session(browser, mask_sandbox, mask_license_ids=False)
    yield opened
    opened.close()


def _inner_box(locator: Locator) -> tuple[int, int, int, int]:
    """The locator's box in whole pixels, 1 px inside its edges (anti-aliasing lives there)."""
    box = locator.bounding_box()
    assert box is not None
    left, top = math.ceil(box["x"]) + 1, math.ceil(box["y"]) + 1
    right = math.floor(box["x"] + box["width"]) - 1
    bottom = math.floor(box["y"] + box["height"]) - 1
    assert right - left > 4
    assert bottom - top > 4
    return left, top, right - left, bottom - top


def _colours(decoder: Page, png: bytes, boxes: list[tuple[int, int, int, int]]) -> list[Any]:
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    found: list[Any] = decoder.evaluate(_COLOURS, [uri, boxes])
    return found


def _is_mask(colours: list[int]) -> bool:
    """One colour inside the box, and it is the mask colour (within rounding)."""
    *values, count = colours
    if count != 1:
        return False
    rgb = (values[0] >> 16, (values[0] >> 8) & 255, values[0] & 255)
    return all(abs(a - b) <= 2 for a, b in zip(rgb, _MASK_RGB, strict=True))


def _shots(session: ServerSession, tmp_path: Path) -> tuple[bytes, bytes]:
    """The run's masked screenshot of the tab, and a plain one of the same state."""
    masked = tmp_path / "masked.png"
    session.screenshot(masked)
    plain = session.page.screenshot(type="png", animations="disabled", caret="hide")
    return masked.read_bytes(), plain


def _check(
    session: ServerSession,
    decoder: Page,
    tmp_path: Path,
    *,
    masked: Sequence[Locator],
    shown: Sequence[Locator] = (),
) -> None:
    """``masked`` fields are flat mask colour in the run's screenshot but text in a plain
    one; ``shown`` fields have varied pixels in both."""
    masked_boxes = [_inner_box(locator) for locator in masked]
    shown_boxes = [_inner_box(locator) for locator in shown]
    run_shot, plain_shot = _shots(session, tmp_path)
    in_run = _colours(decoder, run_shot, masked_boxes + shown_boxes)
    in_plain = _colours(decoder, plain_shot, masked_boxes + shown_boxes)
    for index in range(len(masked_boxes)):
        assert _is_mask(in_run[index]), f"masked box {index} holds {in_run[index][-1]} colours"
        assert in_plain[index][-1] > 2, f"box {index} shows no text even without the mask"
    for index in range(len(masked_boxes), len(in_run)):
        assert in_run[index][-1] > 2, f"shown box {index} is flat in the run's screenshot"


def _logged_in_about(session: ServerSession) -> Any:
    """Settings > About loaded afresh: whatever an earlier test left open is gone."""
    about = session.about(reload=True)
    assert about.licenses(), "the old server should hold the seeded Production license"
    return about


def _refused_production(session: ServerSession) -> Any:
    """About on the new server showing "Production activation for INV… is in use." (the
    old server holds it), the form closed; returns the About page."""
    about = session.about(reload=True)
    form = about.add_license()
    form.fill(license_type="Production", account_email=EMAIL, invoice_number=INVOICE)
    outcome = form.activate_automatically()
    assert INVOICE in outcome.message
    form.cancel()
    return about


class TestMaskedByDefault:
    def test_the_password_on_the_login_page(
        self, session: ServerSession, decoder: Page, tmp_path: Path
    ) -> None:
        """The password field, filled in, is one flat block in the run's screenshot."""
        login = LoginPage(session.page, session.spec.url).open()
        login.username.fill("host")
        login.password.fill(PASSWORD)
        assert [loc for loc in session.sensitive_locators() if loc.is_visible()] != []
        _check(session, decoder, tmp_path, masked=[login.password])

    def test_the_invoice_cells_of_the_license_table(
        self, session: ServerSession, decoder: Page, tmp_path: Path
    ) -> None:
        """Every INVOICE NUMBER cell is masked; the other cells are not."""
        about = _logged_in_about(session)
        invoice_cells = [loc for loc in about.sensitive_locators() if loc.is_visible()]
        assert len(invoice_cells) == 1
        # The LICENSE TYPE cell: a GridCell on the default front end, a td on the classic one.
        type_cell = about.rows.first.locator(".dnn-grid-cell, td").first
        _check(session, decoder, tmp_path, masked=invoice_cells, shown=[type_cell])

    def test_account_email_and_invoice_in_the_add_license_form(
        self, session: ServerSession, decoder: Page, tmp_path: Path
    ) -> None:
        """Both filled fields of Add License are masked."""
        form = _logged_in_about(session).add_license()
        form.fill(license_type="Development", account_email=EMAIL, invoice_number=INVOICE)
        _check(session, decoder, tmp_path, masked=[form.account_email, form.invoice_number])

    def test_the_activation_key_on_the_manual_activation_page(
        self, session: ServerSession, decoder: Page, tmp_path: Path
    ) -> None:
        """The pasted activation key is masked; the Server ID (not a secret) is not."""
        form = _logged_in_about(session).add_license()
        form.fill(license_type="Development", account_email=EMAIL, invoice_number=INVOICE)
        manual = form.start_manual_activation().enter_activation_key(KEY)
        _check(
            session,
            decoder,
            tmp_path,
            masked=[manual.activation_key_box],
            shown=[manual.server_id_box],
        )

    def test_a_notification_that_quotes_the_invoice(
        self, browser: Browser, mask_sandbox: Sandbox, decoder: Page, tmp_path: Path
    ) -> None:
        """ "Production activation for INV… is in use." is painted over; the table is not."""
        new = _session(browser, mask_sandbox, mask_license_ids=True, server="new")
        try:
            about = _refused_production(new)
            _check(new, decoder, tmp_path, masked=[about.notifications.message])
        finally:
            new.close()


class TestShowLicenseIds:
    def test_email_and_invoice_are_shown(
        self, showing_session: ServerSession, decoder: Page, tmp_path: Path
    ) -> None:
        """--show-license-ids: the invoice cells and the form's email and invoice are readable."""
        about = _logged_in_about(showing_session)
        cell = about.sensitive_locators()[0]
        form = about.add_license()
        form.fill(license_type="Development", account_email=EMAIL, invoice_number=INVOICE)
        _check(
            showing_session,
            decoder,
            tmp_path,
            masked=[],
            shown=[cell, form.account_email, form.invoice_number],
        )

    def test_passwords_and_activation_keys_stay_masked(
        self, showing_session: ServerSession, decoder: Page, tmp_path: Path
    ) -> None:
        """--show-license-ids never shows a password or an activation key."""
        form = _logged_in_about(showing_session).add_license()
        form.fill(license_type="Development", account_email=EMAIL, invoice_number=INVOICE)
        manual = form.start_manual_activation().enter_activation_key(KEY)
        _check(showing_session, decoder, tmp_path, masked=[manual.activation_key_box])
        login = LoginPage(showing_session.page, showing_session.spec.url).open()
        login.password.fill(PASSWORD)
        _check(showing_session, decoder, tmp_path, masked=[login.password])


#: A runbook whose license is another invoice, and whose add_license step names its own: the
#: sandbox's. Only the step's invoice appears in the notification.
_STEP_INVOICE_RUNBOOK = """\
version: 1
name: step-invoice
servers:
  new: {url: "${URL}", username: host, password: "${PASSWORD}"}
license: {email: "${EMAIL}", invoice: INV-ELSEWHERE-7}
steps:
  - {id: add-prod-on-new, action: add_license, server: new, type: Production, invoice: "${INVOICE}"}
"""


def _step_invoice_runbook(sandbox: Sandbox, tmp_path: Path) -> Runbook:
    path = tmp_path / "runbook.yaml"
    path.write_text(_STEP_INVOICE_RUNBOOK)
    environ = {"URL": sandbox.new.url, "PASSWORD": PASSWORD, "EMAIL": EMAIL, "INVOICE": INVOICE}
    return load(path, environ=environ)


class TestEveryInvoiceOfTheRunbook:
    def test_a_notification_quoting_a_steps_own_invoice(
        self, browser: Browser, mask_sandbox: Sandbox, decoder: Page, tmp_path: Path
    ) -> None:
        """With the ids the runner passes (``Runbook.license_ids()``, a step's own invoice
        included) the notification is painted over; with only the license's email and invoice
        (what runs passed before) the same notification is readable: the control."""
        runbook = _step_invoice_runbook(mask_sandbox, tmp_path)
        assert Secret(INVOICE, SecretKind.INVOICE) in runbook.license_ids()
        every = _session(
            browser,
            mask_sandbox,
            mask_license_ids=True,
            server="new",
            license_ids=runbook.license_ids(),
        )
        license_only = _session(
            browser,
            mask_sandbox,
            mask_license_ids=True,
            server="new",
            license_ids=[runbook.license.email, runbook.license.invoice],
        )
        try:
            about = _refused_production(every)
            _check(every, decoder, tmp_path, masked=[about.notifications.message])
            license_only.page.close()
            license_only.page = every.page  # the same tab, the other set of ids
            _check(license_only, decoder, tmp_path, masked=[], shown=[about.notifications.message])
        finally:
            every.close()
            license_only.close()


class TestRunStamp:
    def test_the_run_id_and_time_sit_in_the_corner_outside_the_masks(
        self, browser: Browser, mask_sandbox: Sandbox, decoder: Page, tmp_path: Path
    ) -> None:
        """A stamped screenshot has the run id in its bottom right corner (text where the
        unstamped one is flat), every mask still one flat block, and differs from a screenshot
        of the same page stamped with another run id."""
        stamped = _session(browser, mask_sandbox, mask_license_ids=True)
        stamped.stamp = "20261129T212406Z-migrate-license"
        other = _session(browser, mask_sandbox, mask_license_ids=True)
        other.stamp = "20261129T212407Z-migrate-license"
        try:
            about = _logged_in_about(stamped)
            cells = [loc for loc in about.sensitive_locators() if loc.is_visible()]
            _check(stamped, decoder, tmp_path, masked=cells)
            corner = (1280 - 200, 860 - 12, 198, 10)
            first = tmp_path / "first.png"
            stamped.screenshot(first)
            plain = stamped.page.screenshot(type="png", animations="disabled", caret="hide")
            in_stamped, in_plain = (
                _colours(decoder, shot, [corner])[0] for shot in (first.read_bytes(), plain)
            )
            assert in_stamped[-1] > 2, "no stamp in the corner"
            assert in_plain[-1] <= 2, "the corner is not empty without the stamp"
            other.page.close()
            other.page = stamped.page  # the same tab, the same state, another run
            second = tmp_path / "second.png"
            other.screenshot(second)
            assert first.read_bytes() != second.read_bytes()
            assert "20261129T212406Z" not in stamped.page.content()  # the page is not changed
        finally:
            stamped.close()
            other.close()
