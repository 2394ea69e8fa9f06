"""Adding evidence to a run directory as a run goes: screenshots and text files, each chained
into the manifest the moment it is written.

File names carry the step's number and id (``03-remove-prod-on-old-after.png``) and are never
reused: a resumed run that takes the same screenshot again gets ``-2``, ``-3``, ... so no
evidence is ever overwritten.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from dnn_runbook.evidence.manifest import Manifest


class EvidenceRecorder:
    """Names, writes and chains the evidence files of one run."""

    def __init__(self, manifest: Manifest, *, screenshots: bool = True) -> None:
        self.manifest = manifest
        self.run_dir = manifest.run_dir
        #: False in the minimal evidence mode: only text evidence, no screenshots.
        self.screenshots = screenshots

    def name_for(self, index: int, step_id: str, label: str, suffix: str) -> str:
        """A file name for step ``index``'s ``label`` that no file in the run has yet."""
        base = f"{index:02d}-{step_id}-{label}" if label else f"{index:02d}-{step_id}"
        return self.manifest.free_name(base, suffix)

    def screenshot(
        self, index: int, step_id: str, label: str, take: Callable[[Path], None]
    ) -> str | None:
        """Take a screenshot with ``take(path)`` and chain it; return its file name.

        ``take`` writes the PNG to a temporary path; the image is chained, then renamed into
        place, so a crash never leaves half an image, or one the chain does not vouch for,
        under an evidence name. Returns ``None`` in the minimal evidence mode.
        """
        if not self.screenshots:
            return None
        name = self.name_for(index, step_id, label, ".png")
        temporary = self.manifest.temporary(name)
        try:
            take(temporary)
            os.chmod(temporary, 0o600)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        self.manifest.commit(name, temporary, step_id)
        return name

    def text(self, index: int, step_id: str, label: str, content: str, suffix: str = ".txt") -> str:
        """Write ``content`` as a new evidence file and chain it; return its file name."""
        name = self.name_for(index, step_id, label, suffix)
        self.manifest.write_file(name, content, step_id)
        return name

    def refresh(self, file_name: str, step_id: str | None) -> None:
        """Chain the current content of a file that changes during a run (the events), unless
        its latest entry has it already."""
        self.manifest.refresh(file_name, step_id)
