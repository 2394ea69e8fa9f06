"""The runbook that backs a stopped run out (``dnn_runbook.runner.rollback``)."""

from __future__ import annotations

from pathlib import Path

from dnn_runbook.evidence.journal import Journal, StepStatus
from dnn_runbook.licenses import LicenseType
from dnn_runbook.runbook import ConfirmStep, PreflightStep, RemoveLicenseStep, VerifyLicenseStep
from dnn_runbook.runner.rollback import refusal, rollback_runbook
from tests.support import seed_runbook


def _journal(tmp_path: Path, **statuses: StepStatus) -> Journal:
    runbook = seed_runbook()
    journal = Journal.create(
        tmp_path,
        run_id="20261201T000000Z-migrate-evoq-license",
        runbook_name=runbook.name,
        runbook_sha256=runbook.sha256,
        runbook_path=str(runbook.source),
        steps=[(s.index, s.id, s.action.value) for s in runbook.steps],
    )
    for step_id, status in statuses.items():
        journal.record(step_id.replace("_", "-")).status = status
    return journal


class TestRollbackRunbook:
    def test_after_a_no_at_the_dns_prompt(self, tmp_path: Path) -> None:
        """Preflight expecting exactly what the run left, the confirmation naming the run,
        the Development removal, then Production checked on old."""
        journal = _journal(
            tmp_path, add_dev_on_new=StepStatus.DONE, dns_cutover=StepStatus.DECLINED
        )
        book = rollback_runbook(seed_runbook(), journal, origin="run R (manifest head H)")
        assert book.name == "migrate-evoq-license-rollback"
        preflight, confirm, remove, verify = book.steps
        assert isinstance(preflight, PreflightStep)
        assert dict(preflight.expect) == {
            "old": (LicenseType.PRODUCTION,),
            "new": (LicenseType.DEVELOPMENT,),
        }
        assert isinstance(confirm, ConfirmStep)
        assert "run R (manifest head H)" in confirm.message
        assert isinstance(remove, RemoveLicenseStep)
        assert (remove.server.name, remove.type) == ("new", LicenseType.DEVELOPMENT)
        assert isinstance(verify, VerifyLicenseStep)
        assert (verify.server.name, verify.type) == ("old", LicenseType.PRODUCTION)
        assert refusal(seed_runbook(), journal, tmp_path, None) is None

    def test_an_activation_that_failed_before_its_click_is_not_removed(
        self, tmp_path: Path
    ) -> None:
        """add-dev-on-new failed with no attempt: nothing of it to remove."""
        journal = _journal(tmp_path, add_dev_on_new=StepStatus.FAILED)
        book = rollback_runbook(seed_runbook(), journal, origin="run R")
        assert not any(isinstance(step, RemoveLicenseStep) for step in book.steps)
        journal.record("add-dev-on-new").attempts = 1
        book = rollback_runbook(seed_runbook(), journal, origin="run R")
        assert any(isinstance(step, RemoveLicenseStep) for step in book.steps)

    def test_refused_once_the_old_production_was_removed(self, tmp_path: Path) -> None:
        """The way forward is named: the resume command."""
        journal = _journal(
            tmp_path,
            add_dev_on_new=StepStatus.DONE,
            remove_prod_on_old=StepStatus.DONE,
            add_prod_on_new=StepStatus.FAILED,
        )
        said = refusal(seed_runbook(), journal, tmp_path, tmp_path / "prod.env")
        assert said is not None
        assert "'remove-prod-on-old'" in said
        assert f"--env-file {tmp_path / 'prod.env'} --resume {tmp_path}" in said
