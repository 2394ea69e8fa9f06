"""``SHA256SUMS``: every evidence file's SHA-256 in the form ``sha256sum -c`` reads.

Beside ``manifest.json`` and rewritten after every report, it lists each file the chain
holds (its latest bytes) and ``manifest.json`` itself, sorted by name, one
``<sha256>  <name>`` line each. ``cd RUN_DIR && sha256sum -c SHA256SUMS`` then checks the
files with no other tool. It is derived from the manifest, so the chain does not list it;
``dnn-runbook verify`` checks that it says what the manifest says.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dnn_runbook.evidence._chain import (
    ManifestEntry,
    audit_chain,
    load_manifest_document,
    sha256_hex,
)
from dnn_runbook.evidence._json import MAX_JSON_BYTES
from dnn_runbook.evidence.atomic import write_atomic
from dnn_runbook.evidence.names import MANIFEST_NAME, SUMS_NAME
from dnn_runbook.exceptions import InputFileError
from dnn_runbook.inputs import read_regular


def render_sums(entries: Iterable[ManifestEntry], manifest_bytes: bytes) -> bytes:
    """The bytes of ``SHA256SUMS`` for a chain (its latest entry per file) and the manifest."""
    latest: dict[str, str] = {}
    for entry in entries:
        latest[entry.file] = entry.sha256
    latest[MANIFEST_NAME] = sha256_hex(manifest_bytes)
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(latest.items())).encode()


def write_sums(run_dir: Path) -> Path:
    """Write ``run_dir``'s ``SHA256SUMS`` for its manifest as it is now; return its path."""
    raw, document = load_manifest_document(run_dir)
    path = run_dir / SUMS_NAME
    write_atomic(path, render_sums(audit_chain(document).entries, raw))
    return path


def sums_problem(
    run_dir: Path, entries: Iterable[ManifestEntry], manifest_bytes: bytes
) -> str | None:
    """Why ``run_dir``'s ``SHA256SUMS`` does not say what the manifest says, or ``None``
    (also when there is none: a run that was killed has not written it yet)."""
    path = run_dir / SUMS_NAME
    if not path.exists() and not path.is_symlink():
        return None
    if path.is_symlink() or not path.is_file():
        return f"{SUMS_NAME} is not a regular file."
    try:
        found = read_regular(path, max_bytes=MAX_JSON_BYTES, what="checksum file")
    except InputFileError as exc:
        return f"{SUMS_NAME} could not be checked: {exc.reason}"
    if found != render_sums(entries, manifest_bytes):
        return (
            f"{SUMS_NAME} does not list the files as the manifest does: it was edited, or the "
            "manifest changed after it was written."
        )
    return None
