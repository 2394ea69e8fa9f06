"""The second scenario: an old server holding many licenses (``seed_licenses=200``).

Reading the table and finding a row must stay fast when the table is long: the page objects
read every cell in one round trip (``AboutPage.licenses()``), and finding a row is a search
in what was read. Timed here through the page objects themselves, on the old server of a
sandbox seeded with 200 extra licenses: a read of the open table, a fresh read (the Persona
Bar loaded again and About reopened, as the runner reads before every change), and
``find_license`` for the production invoice.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.checks import BenchmarkError
from benchmarks.variants import timed
from dnn_runbook.browser import started_browser
from dnn_runbook.sandbox import Sandbox
from pages import LicenseType, LoginPage, SitePage


@dataclass(frozen=True, slots=True)
class TableReads:
    """Seconds per repetition of each kind of read, and how many rows the table had."""

    rows: int
    read: list[float]
    reload_and_read: list[float]
    find: list[float]


def table_reads(sandbox: Sandbox, *, repeats: int) -> TableReads:
    """Log in to the old server and time each kind of read ``repeats`` times.

    Raises:
        BenchmarkError: the table does not hold the seeded rows, or the production license
            is not found in it.
    """
    invoice = sandbox.license_invoice
    old = sandbox.old
    with started_browser() as (browser, _choice):
        page = browser.new_context().new_page()
        about = LoginPage(page, old.url).open().log_in(old.username, old.password).open_about()
        rows = len(about.licenses())
        expected = len(sandbox.state()["servers"]["old"]["licenses"])
        if rows != expected:
            raise BenchmarkError(
                f"The old server's About page shows {rows} licenses, expected the {expected} "
                "the sandbox holds."
            )
        read = [timed(about.licenses) for _ in range(repeats)]

        site = SitePage(page, old.url)

        def reload_and_read() -> None:
            # As the runner reads a table before a change: the Persona Bar loaded again.
            if not site.persona_bar.reload():
                raise BenchmarkError("The Persona Bar of the old server did not load again.")
            site.open_about().licenses()

        reloads = [timed(reload_and_read) for _ in range(repeats)]
        about = site.open_about()

        def find() -> None:
            if (
                about.find_license(license_type=LicenseType.PRODUCTION, invoice_number=invoice)
                is None
            ):
                raise BenchmarkError(
                    "find_license did not find the Production license of the production "
                    "invoice on the old server, which the sandbox seeds there."
                )

        finds = [timed(find) for _ in range(repeats)]
    return TableReads(rows=rows, read=read, reload_and_read=reloads, find=finds)
