"""manifest.json: building the hash chain, writing it, and reopening it to resume."""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence import atomic
from dnn_runbook.evidence._chain import FORMAT, genesis_hash
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.exceptions import EvidenceError, ManifestError, RunDirError
from tests.evidence.conftest import binding_of


def _independent_hash(entry: dict[str, Any]) -> str:
    """The entry hash as a third party would recompute it from the documented rule."""
    fields = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _document(run_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((run_dir / "manifest.json").read_text("utf-8"))
    return loaded


class TestCreate:
    def test_new_manifest_has_header_and_no_entries(self, tmp_path: Path, runbook_sha: str) -> None:
        """A fresh manifest names the format, run and runbook; its head is the genesis value."""
        manifest = Manifest.create(tmp_path, "run-1", binding_of("migrate", runbook_sha))
        document = _document(tmp_path)
        assert document == {
            "format": FORMAT,
            "run_id": "run-1",
            "binding": {"runbook": {"name": "migrate", "sha256": runbook_sha}},
            "entries": [],
            "head": genesis_hash("run-1", binding_of("migrate", runbook_sha)),
        }
        assert manifest.head == document["head"]
        assert manifest.entries == ()

    def test_genesis_depends_on_run_and_runbook(self, runbook_sha: str) -> None:
        """Two runs, or two runbooks, never share a genesis value."""
        other_sha = hashlib.sha256(b"other").hexdigest()
        values = {
            genesis_hash("run-1", binding_of("migrate", runbook_sha)),
            genesis_hash("run-2", binding_of("migrate", runbook_sha)),
            genesis_hash("run-1", binding_of("migrate2", runbook_sha)),
            genesis_hash("run-1", binding_of("migrate", other_sha)),
        }
        assert len(values) == 4

    def test_never_replaces_an_existing_manifest(self, tmp_path: Path, runbook_sha: str) -> None:
        """A run directory holds one run: creating a second manifest in it is refused."""
        Manifest.create(tmp_path, "run-1", binding_of("migrate", runbook_sha))
        before = (tmp_path / "manifest.json").read_bytes()
        with pytest.raises(ManifestError, match=r"already exists.*Manifest\.open"):
            Manifest.create(tmp_path, "run-2", binding_of("migrate", runbook_sha))
        assert (tmp_path / "manifest.json").read_bytes() == before

    def test_runbook_hash_must_be_a_sha256(self, tmp_path: Path) -> None:
        """A binding whose runbook hash is not 64 lowercase hex digits is refused."""
        with pytest.raises(ManifestError, match=r"'sha256' \(64 lowercase hex digits"):
            Manifest.create(tmp_path, "run-1", binding_of("migrate", "abc"))

    def test_run_directory_must_exist(self, tmp_path: Path, runbook_sha: str) -> None:
        """The manifest does not create the run directory: create_run_dir does."""
        with pytest.raises(RunDirError, match="does not exist"):
            Manifest.create(tmp_path / "missing", "run-1", binding_of("migrate", runbook_sha))


class TestAdd:
    def test_entry_fields(self, tmp_path: Path, runbook_sha: str, clock: Any) -> None:
        """An entry records the file's name, size, SHA-256, step, UTC time and the chain link."""
        manifest = Manifest.create(
            tmp_path, "run-1", binding_of("migrate", runbook_sha), clock=clock
        )
        (tmp_path / "shot.png").write_bytes(b"pixels")
        entry = manifest.add(tmp_path / "shot.png", "add-dev")
        assert entry.seq == 1
        assert entry.file == "shot.png"
        assert entry.size == 6
        assert entry.sha256 == hashlib.sha256(b"pixels").hexdigest()
        assert entry.step_id == "add-dev"
        assert entry.time == "2026-11-29T21:24:06.000000Z"
        assert entry.prev == genesis_hash("run-1", binding_of("migrate", runbook_sha))
        assert entry.hash == _independent_hash(entry.to_json())

    def test_chain_links_each_entry_to_the_one_before(self, manifest: Manifest) -> None:
        """Every entry's prev is the previous entry's hash, and seq counts from 1 with no gap."""
        entries = manifest.entries
        assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
        for before, after in itertools.pairwise(entries):
            assert after.prev == before.hash
        assert manifest.head == entries[-1].hash

    def test_manifest_on_disk_matches_memory(self, manifest: Manifest) -> None:
        """After each add, manifest.json holds every entry and the head."""
        document = _document(manifest.run_dir)
        assert document["entries"] == [e.to_json() for e in manifest.entries]
        assert document["head"] == manifest.head
        for entry in document["entries"]:
            assert entry["hash"] == _independent_hash(entry)

    def test_names_are_relative_posix_paths(self, manifest: Manifest) -> None:
        """A file in a subfolder is named with a forward slash, relative to the run directory."""
        assert "traces/trace.zip" in [e.file for e in manifest.entries]

    def test_re_added_file_keeps_its_earlier_entry(self, manifest: Manifest) -> None:
        """state.json added twice: both entries stay in the chain; the latest matches the file."""
        state_entries = [e for e in manifest.entries if e.file == "state.json"]
        assert len(state_entries) == 2
        latest = manifest.latest("state.json")
        assert latest == state_entries[-1]
        current = (manifest.run_dir / "state.json").read_bytes()
        assert latest is not None
        assert latest.sha256 == hashlib.sha256(current).hexdigest()
        assert state_entries[0].sha256 != latest.sha256

    def test_relative_path_is_taken_from_the_run_directory(self, manifest: Manifest) -> None:
        """add() accepts a name relative to the run directory, whatever the working folder."""
        (manifest.run_dir / "notes.txt").write_text("x")
        assert manifest.add("notes.txt").file == "notes.txt"

    @pytest.mark.parametrize(
        ("make", "message"),
        [
            (lambda run, out: out, "outside the run directory"),
            (lambda run, out: run / "manifest.json", "cannot list itself"),
            (lambda run, out: run / "traces", "regular file"),
            (lambda run, out: run / "missing.png", "regular file"),
        ],
        ids=["outside", "manifest-itself", "directory", "missing"],
    )
    def test_refuses_what_is_not_an_evidence_file(
        self, manifest: Manifest, tmp_path: Path, make: Any, message: str
    ) -> None:
        """Only regular files inside the run directory (other than the manifest) can be added."""
        outside = tmp_path / "outside.txt"
        outside.write_text("x")
        before = manifest.entries
        with pytest.raises(ManifestError, match=message):
            manifest.add(make(manifest.run_dir, outside))
        assert manifest.entries == before

    def test_refuses_a_symbolic_link(self, manifest: Manifest) -> None:
        """A link inside the run directory is refused even when it points inside it."""
        (manifest.run_dir / "link.png").symlink_to(manifest.run_dir / "01-preflight-old.png")
        with pytest.raises(ManifestError, match="symbolic link"):
            manifest.add("link.png")

    @pytest.mark.parametrize("name", ["../escape.txt", "/abs.txt", "a\\b.txt", "manifest.json"])
    def test_write_file_refuses_unsafe_names(self, manifest: Manifest, name: str) -> None:
        """write_file never writes outside the run directory or over the manifest."""
        with pytest.raises(ManifestError, match="refused"):
            manifest.write_file(name, b"x")

    def test_failed_write_leaves_manifest_unchanged(
        self, manifest: Manifest, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If rewriting manifest.json fails, neither the file nor the object moves on."""
        before_bytes = manifest.path.read_bytes()
        before_entries = manifest.entries
        (manifest.run_dir / "late.png").write_bytes(b"x")

        def crash(*_args: Any) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(atomic.os, "replace", crash)
        with pytest.raises(EvidenceError, match=r"manifest\.json"):
            manifest.add("late.png")
        monkeypatch.undo()
        assert manifest.path.read_bytes() == before_bytes
        assert manifest.entries == before_entries
        assert manifest.add("late.png").seq == len(before_entries) + 1

    def test_naive_clock_is_refused(self, tmp_path: Path, runbook_sha: str) -> None:
        """Entry times must be UTC: a clock returning naive times is a programming error."""
        manifest = Manifest.create(
            tmp_path,
            "run-1",
            binding_of("m", runbook_sha),
            clock=lambda: datetime(2026, 1, 1),
        )
        (tmp_path / "a.txt").write_text("x")
        with pytest.raises(ManifestError, match="timezone-aware"):
            manifest.add("a.txt")

    def test_concurrent_adds_keep_one_chain(self, manifest: Manifest) -> None:
        """Adds from several threads are serialized into one unbroken chain."""
        for t in range(4):
            for i in range(10):
                (manifest.run_dir / f"t{t}-{i}.txt").write_text(f"{t}/{i}")

        def add_all(t: int) -> None:
            for i in range(10):
                manifest.add(f"t{t}-{i}.txt", f"thread-{t}")

        threads = [threading.Thread(target=add_all, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(manifest.entries) == 45
        assert verify_run_dir(manifest.run_dir).ok


class TestOpen:
    def test_reopened_manifest_continues_the_chain(self, manifest: Manifest) -> None:
        """Resuming: the reopened manifest has the same entries and head and links onto them."""
        reopened = Manifest.open(manifest.run_dir)
        assert reopened.entries == manifest.entries
        assert reopened.head == manifest.head
        assert (reopened.run_id, reopened.runbook_name, reopened.runbook_sha256) == (
            manifest.run_id,
            manifest.runbook_name,
            manifest.runbook_sha256,
        )
        (manifest.run_dir / "after-resume.png").write_bytes(b"x")
        entry = reopened.add("after-resume.png", "add-prod")
        assert entry.seq == 6
        assert entry.prev == manifest.head
        assert verify_run_dir(manifest.run_dir).ok

    def test_refuses_to_continue_a_broken_chain(
        self, manifest: Manifest, rewrite_manifest: Any
    ) -> None:
        """A tampered chain is never extended (that would launder it); verify is suggested."""

        def edit(document: dict[str, Any]) -> None:
            document["entries"][1]["size"] += 1

        rewrite_manifest(manifest.run_dir, edit)
        with pytest.raises(ManifestError, match=r"chain is broken.*dnn-runbook verify"):
            Manifest.open(manifest.run_dir)

    def test_files_newer_than_their_entry_do_not_block_resume(self, manifest: Manifest) -> None:
        """A crash after writing state.json but before adding it must not prevent resuming."""
        (manifest.run_dir / "state.json").write_text('{"done": ["add-dev", "cut-over"]}')
        reopened = Manifest.open(manifest.run_dir)
        reopened.add("state.json", "cut-over")
        assert verify_run_dir(manifest.run_dir).ok

    def test_no_manifest_is_not_a_run_directory(self, tmp_path: Path) -> None:
        """Opening a folder without manifest.json says it is not a run directory."""
        with pytest.raises(RunDirError, match="not a run directory"):
            Manifest.open(tmp_path)
