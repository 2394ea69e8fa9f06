"""``SHA256SUMS`` beside the manifest, as ``sha256sum -c`` reads it (``dnn_runbook.evidence.sums``)."""

from __future__ import annotations

import subprocess

from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.sums import write_sums
from dnn_runbook.evidence.verify import verify_run_dir


class TestChecksums:
    def test_sha256sums_matching_the_manifest_passes(self, manifest: Manifest) -> None:
        """SHA256SUMS is not in the chain but must say what the manifest says; sha256sum -c
        accepts it."""
        write_sums(manifest.run_dir)
        assert verify_run_dir(manifest.run_dir).ok
        done = subprocess.run(
            ["sha256sum", "-c", "--strict", "SHA256SUMS"],
            cwd=manifest.run_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "manifest.json: OK" in done.stdout

    def test_an_edited_sha256sums_is_reported(self, manifest: Manifest) -> None:
        """A SHA256SUMS that no longer matches is a problem."""
        path = write_sums(manifest.run_dir)
        path.write_text(path.read_text().replace("events.jsonl", "events.json"))
        assert verify_run_dir(manifest.run_dir).problems == (
            "SHA256SUMS does not list the files as the manifest does: it was edited, or the "
            "manifest changed after it was written.",
        )
