"""The names of the files every run directory holds, in one place."""

from __future__ import annotations

#: The hash chain over every other file (see :mod:`dnn_runbook.evidence.manifest`).
MANIFEST_NAME = "manifest.json"
#: The journal: where the run is (see :mod:`dnn_runbook.evidence.journal`).
JOURNAL_NAME = "state.json"
#: Every event of the run, one JSON object a line; the one file that only ever grows.
EVENTS_NAME = "events.jsonl"
#: The report a run writes; rebuilt reports get ``report-2.html``, ``-3``, ...
REPORT_NAME = "report.html"
#: ``sha256sum -c SHA256SUMS`` checks every file without dnn-runbook; rewritten after each
#: report, the one file besides the manifest that the chain does not list.
SUMS_NAME = "SHA256SUMS"
#: The ticket hash of a run, the head the operator records: ``head.txt`` (``head-2.txt``
#: after a resume), with ``head.txt.sig`` (SSH signature) and ``head.txt.tsr`` (RFC 3161
#: timestamp) beside it.
TICKET_STEM = "head"
TICKET_SUFFIX = ".txt"
SIGNATURE_SUFFIX = ".sig"
TIMESTAMP_SUFFIX = ".tsr"
