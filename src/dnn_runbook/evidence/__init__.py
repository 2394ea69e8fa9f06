"""The evidence of a run: its directory, hash-chained manifest, verification and redaction.

- :mod:`~dnn_runbook.evidence.atomic`: crash-safe writes (``write_atomic``, ``append_line``).
- :mod:`~dnn_runbook.evidence.run_dir`: one new owner-only directory per run.
- :mod:`~dnn_runbook.evidence.manifest`: ``manifest.json``, a hash chain over every file.
- :mod:`~dnn_runbook.evidence._chain`: the manifest's format, hashing rules and chain checks.
- :mod:`~dnn_runbook.evidence.binding`: what a run resolved its runbook to.
- :mod:`~dnn_runbook.evidence.runs`, :mod:`~dnn_runbook.evidence.recovery`,
  :mod:`~dnn_runbook.evidence.lock`: a run directory created, or resumed only once it
  verifies, by one process at a time.
- :mod:`~dnn_runbook.evidence.verify`: what ``dnn-runbook verify`` checks.
- :mod:`~dnn_runbook.evidence.seal` (with :mod:`~dnn_runbook.evidence.signing` and
  :mod:`~dnn_runbook.evidence.timestamps`): the ticket hash, signed and timestamped;
  :mod:`~dnn_runbook.evidence.sums`: ``SHA256SUMS``.
- :mod:`~dnn_runbook.evidence.redact`: secrets out of logs, and a scan for any that slipped.
- :mod:`~dnn_runbook.evidence.recorder`: screenshots and text files named and chained as a run goes.
- :mod:`~dnn_runbook.evidence.report`: ``report.html``, one self-contained page for the ticket.
- :mod:`~dnn_runbook.evidence.trace`: Playwright traces, scrubbed of secrets before they are kept.
"""

from __future__ import annotations

from dnn_runbook.evidence.atomic import append_line, write_atomic
from dnn_runbook.evidence.manifest import Manifest, ManifestEntry
from dnn_runbook.evidence.redact import Finding, Redactor, redacting_processor, scan_paths
from dnn_runbook.evidence.run_dir import create_run_dir
from dnn_runbook.evidence.verify import VerifyResult, verify_run_dir

__all__ = [
    "Finding",
    "Manifest",
    "ManifestEntry",
    "Redactor",
    "VerifyResult",
    "append_line",
    "create_run_dir",
    "redacting_processor",
    "scan_paths",
    "verify_run_dir",
    "write_atomic",
]
