"""verify_run_dir: an intact run directory passes; any tampering is reported, naming the file."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.verify import verify_run_dir
from dnn_runbook.exceptions import EvidenceError, ManifestError, RunDirError
from tests.evidence.conftest import binding_of


def _files(run_dir: Path) -> list[Path]:
    return sorted(p for p in run_dir.rglob("*") if p.is_file())


def _rejected(run_dir: Path) -> bool:
    """Whether verify refuses the directory, by reporting problems or by not accepting it."""
    try:
        return not verify_run_dir(run_dir).ok
    except EvidenceError:
        return True


def _one_problem(run_dir: Path) -> str:
    problems = verify_run_dir(run_dir).problems
    assert len(problems) == 1, problems
    return problems[0]


class TestIntact:
    def test_untouched_run_directory_is_ok(self, manifest: Manifest) -> None:
        """A directory written only through the API verifies with no problem."""
        result = verify_run_dir(manifest.run_dir)
        assert result.ok
        assert result.problems == ()
        assert result.head == manifest.head
        assert (result.count, result.entries) == (4, 5)

    def test_summary_is_one_line(self, manifest: Manifest) -> None:
        """The summary names the folder, the file count and the abbreviated head."""
        head = manifest.head
        assert verify_run_dir(manifest.run_dir).summary("RUN") == (
            f"RUN: intact — 4 files, chain head {head[:4]}…{head[-4:]}"
        )

    def test_empty_run_is_ok(self, tmp_path: Path, runbook_sha: str) -> None:
        """A run that stopped before its first file is intact, with the genesis value as head."""
        manifest = Manifest.create(tmp_path, "run-1", binding_of("m", runbook_sha))
        result = verify_run_dir(tmp_path)
        assert result.ok
        assert result.head == manifest.head
        assert result.count == 0


class TestSingleByteChanges:
    def test_every_byte_of_every_file_is_covered(self, run_dir: Path) -> None:
        """Flipping any one bit of any byte of any file, manifest included, is caught."""
        missed = []
        checked = 0
        for path in _files(run_dir):
            original = path.read_bytes()
            for position in range(len(original)):
                changed = bytearray(original)
                changed[position] ^= 0x01
                path.write_bytes(bytes(changed))
                if not _rejected(run_dir):
                    missed.append(f"{path.name}@{position}")
                checked += 1
            path.write_bytes(original)
        assert checked > 2000
        assert missed == []
        assert verify_run_dir(run_dir).ok

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def test_any_replacement_byte_is_caught(self, run_dir: Path, data: st.DataObject) -> None:
        """Any byte value written over any position of any file is caught (the file is restored)."""
        files = _files(run_dir)
        path = data.draw(st.sampled_from(files), label="file")
        original = path.read_bytes()
        position = data.draw(st.integers(0, len(original) - 1), label="position")
        value = data.draw(
            st.integers(0, 255).filter(lambda v: v != original[position]), label="value"
        )
        changed = bytearray(original)
        changed[position] = value
        path.write_bytes(bytes(changed))
        try:
            assert _rejected(run_dir)
        finally:
            path.write_bytes(original)

    def test_whitespace_only_edit_of_the_manifest_is_caught(self, run_dir: Path) -> None:
        """Re-indenting manifest.json changes no value, but it is still reported as an edit."""
        path = run_dir / "manifest.json"
        path.write_text(json.dumps(json.loads(path.read_text()), indent=4) + "\n")
        assert "manifest.json was edited" in _one_problem(run_dir)


class TestFiles:
    def test_deleted_file_is_missing(self, run_dir: Path) -> None:
        """A file in the manifest but not on disk is reported missing, by name."""
        (run_dir / "01-preflight-old.png").unlink()
        problem = _one_problem(run_dir)
        assert problem.startswith("01-preflight-old.png is missing")

    def test_changed_file_is_altered(self, run_dir: Path) -> None:
        """A file whose content no longer matches its latest entry is reported altered."""
        (run_dir / "traces" / "trace.zip").write_bytes(b"replaced")
        problem = _one_problem(run_dir)
        assert problem.startswith("traces/trace.zip was altered")
        assert "now has 8 bytes" in problem

    def test_re_added_file_must_match_its_latest_entry(self, run_dir: Path) -> None:
        """Putting back the first version of state.json is an alteration."""
        (run_dir / "state.json").write_text('{"done": []}')
        assert _one_problem(run_dir).startswith("state.json was altered")

    @pytest.mark.parametrize("name", ["extra.png", ".hidden", "traces/extra.txt"])
    def test_extra_file_is_unexpected(self, run_dir: Path, name: str) -> None:
        """A file on disk that no entry lists is unexpected, hidden and nested ones too."""
        (run_dir / name).write_text("x")
        assert _one_problem(run_dir) == (
            f"{name} is unexpected: it is on disk but not in the manifest."
        )

    def test_temp_file_of_an_interrupted_write_is_a_leftover(self, run_dir: Path) -> None:
        """A .<name>.<random>.tmp file is reported as the leftover of an interrupted write."""
        (run_dir / ".state.json.k2j4h1.tmp").write_text("{")
        problem = _one_problem(run_dir)
        assert problem.startswith(".state.json.k2j4h1.tmp is a leftover of an interrupted write")

    def test_process_killed_mid_write_leaves_a_reported_leftover(self, run_dir: Path) -> None:
        """A runner killed (SIGKILL) between writing and renaming leaves the old files intact;
        verify reports only the temporary files (the new journal's and the new manifest's)."""
        child = (
            "import os, signal, sys\n"
            "from pathlib import Path\n"
            "from dnn_runbook.evidence import atomic\n"
            "from dnn_runbook.evidence.manifest import Manifest\n"
            "manifest = Manifest.open(Path(sys.argv[1]))\n"
            "atomic.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
            "manifest.write_file('state.json', '{\"done\": [\"half\"]}', 'cut-over')\n"
        )
        process = subprocess.run([sys.executable, "-c", child, str(run_dir)], check=False)
        assert process.returncode == -signal.SIGKILL
        problems = verify_run_dir(run_dir).problems
        assert sorted(p.split(".", 2)[1] for p in problems) == ["manifest", "state"]
        assert all("leftover of an interrupted write" in p for p in problems)

    def test_file_replaced_by_a_directory(self, run_dir: Path) -> None:
        """A listed file that became a folder is reported as no longer a regular file."""
        (run_dir / "01-preflight-old.png").unlink()
        (run_dir / "01-preflight-old.png").mkdir()
        assert "01-preflight-old.png is not a regular file" in _one_problem(run_dir)

    def test_link_to_a_directory_is_unexpected(self, run_dir: Path, tmp_path: Path) -> None:
        """A symbolic link to a folder is reported, not followed."""
        (run_dir / "elsewhere").symlink_to(tmp_path)
        assert _one_problem(run_dir).startswith("elsewhere is unexpected")

    def test_every_problem_is_reported_at_once(self, run_dir: Path) -> None:
        """A missing, an altered and an extra file give three problems in one pass."""
        (run_dir / "01-preflight-old.png").unlink()
        (run_dir / "state.json").write_text("{}")
        (run_dir / "extra.png").write_text("x")
        problems = verify_run_dir(run_dir).problems
        assert [p.split(" ")[0] for p in problems] == [
            "01-preflight-old.png",
            "state.json",
            "extra.png",
        ]


class TestChain:
    def test_reordered_entries(self, run_dir: Path, rewrite_manifest: Any) -> None:
        """Swapping two entries breaks their sequence numbers and links."""

        def swap(document: dict[str, Any]) -> None:
            entries = document["entries"]
            entries[1], entries[2] = entries[2], entries[1]

        rewrite_manifest(run_dir, swap)
        problems = "\n".join(verify_run_dir(run_dir).problems)
        assert "entry 2 (file 'events.jsonl') has seq 3 where 2 was expected" in problems
        assert "entry 3 (file 'state.json') does not link to the entry before it" in problems

    def test_edited_entry(self, run_dir: Path, rewrite_manifest: Any) -> None:
        """Changing a field of an entry without its hash is reported as an edit of that entry."""

        def edit(document: dict[str, Any]) -> None:
            document["entries"][0]["step_id"] = "something-else"

        rewrite_manifest(run_dir, edit)
        problem = _one_problem(run_dir)
        assert problem.startswith("manifest.json: entry 1 (file '01-preflight-old.png') was edited")

    def test_edited_entry_with_recomputed_hash(self, run_dir: Path, rewrite_manifest: Any) -> None:
        """Recomputing the edited entry's hash breaks the next link instead."""

        def edit(document: dict[str, Any]) -> None:
            entry = document["entries"][0]
            entry["step_id"] = "something-else"
            entry["hash"] = _rehash(entry)

        rewrite_manifest(run_dir, edit)
        assert "entry 2 (file 'state.json') does not link" in _one_problem(run_dir)

    def test_removed_entry(self, run_dir: Path, rewrite_manifest: Any) -> None:
        """Removing an entry leaves a seq gap and a broken link, and its file unlisted."""

        def remove(document: dict[str, Any]) -> None:
            del document["entries"][3]  # traces/trace.zip, added once

        rewrite_manifest(run_dir, remove)
        problems = "\n".join(verify_run_dir(run_dir).problems)
        assert "has seq 5 where 4 was expected" in problems
        assert "does not link to the entry before it" in problems
        assert "traces/trace.zip is unexpected" in problems

    def test_removed_last_entry_with_head_kept(self, run_dir: Path, rewrite_manifest: Any) -> None:
        """Dropping the last entry but not the head is a head mismatch (and state.json differs)."""

        def truncate(document: dict[str, Any]) -> None:
            document["entries"].pop()

        rewrite_manifest(run_dir, truncate)
        problems = "\n".join(verify_run_dir(run_dir).problems)
        assert "is not the last entry's hash" in problems
        assert "state.json was altered" in problems

    def test_chain_rewritten_as_a_whole_needs_the_recorded_head(
        self, manifest: Manifest, rewrite_manifest: Any
    ) -> None:
        """A consistent rewrite (last entry and its file removed, head moved back) passes the
        chain; the head recorded elsewhere catches it."""
        recorded_head = manifest.head
        (manifest.run_dir / "late.png").write_bytes(b"x")
        manifest.add("late.png", "verify")
        (manifest.run_dir / "late.png").unlink()

        def truncate(document: dict[str, Any]) -> None:
            document["entries"].pop()
            document["head"] = document["entries"][-1]["hash"]

        rewrite_manifest(manifest.run_dir, truncate)
        assert verify_run_dir(manifest.run_dir).ok
        result = verify_run_dir(manifest.run_dir, expect_head=manifest.head)
        assert "no entry of the chain has the hash" in "\n".join(result.problems)
        # The head recorded before the rewritten part is still a point of the chain.
        assert verify_run_dir(manifest.run_dir, expect_head=recorded_head).ok

    def test_malformed_entry(self, run_dir: Path, rewrite_manifest: Any) -> None:
        """An entry with a wrongly typed field is reported with the field and what was found."""

        def edit(document: dict[str, Any]) -> None:
            document["entries"][2]["size"] = "47"

        rewrite_manifest(run_dir, edit)
        problems = "\n".join(verify_run_dir(run_dir).problems)
        assert "entry 3 is malformed: 'size' must be an integer >= 0 (got '47')" in problems
        assert "events.jsonl is unexpected" in problems

    def test_entry_pointing_outside_the_run_directory(
        self, run_dir: Path, rewrite_manifest: Any
    ) -> None:
        """An entry naming ../something is malformed: verify never reads outside the run."""

        def edit(document: dict[str, Any]) -> None:
            document["entries"][0]["file"] = "../outside.png"

        rewrite_manifest(run_dir, edit)
        assert "'file' must be a relative POSIX path" in "\n".join(verify_run_dir(run_dir).problems)

    def test_edited_header(self, run_dir: Path, rewrite_manifest: Any) -> None:
        """The runbook hash is bound into the chain through the genesis value."""

        def edit(document: dict[str, Any]) -> None:
            document["binding"]["runbook"]["sha256"] = "0" * 64

        rewrite_manifest(run_dir, edit)
        assert "entry 1 (file '01-preflight-old.png') does not link" in _one_problem(run_dir)

    def test_unknown_top_level_field(self, run_dir: Path, rewrite_manifest: Any) -> None:
        """Fields the format does not have are reported."""

        def edit(document: dict[str, Any]) -> None:
            document["signature"] = "trust me"

        rewrite_manifest(run_dir, edit)
        assert "unexpected top-level fields: signature" in _one_problem(run_dir)


class TestNotARunDirectory:
    def test_truncated_manifest(self, run_dir: Path) -> None:
        """A manifest cut short is not valid JSON: verify refuses it and says so."""
        path = run_dir / "manifest.json"
        path.write_bytes(path.read_bytes()[:-40])
        with pytest.raises(ManifestError, match=r"not valid JSON.*truncated"):
            verify_run_dir(run_dir)

    def test_no_manifest(self, tmp_path: Path) -> None:
        """A folder without manifest.json is not a run directory."""
        with pytest.raises(RunDirError, match=r"has no manifest\.json"):
            verify_run_dir(tmp_path)

    def test_not_a_directory(self, tmp_path: Path) -> None:
        """A path that is not a folder is refused."""
        with pytest.raises(RunDirError, match="not a directory"):
            verify_run_dir(tmp_path / "nothing-here")

    def test_other_json_document(self, tmp_path: Path) -> None:
        """A manifest.json of another format is not ours."""
        (tmp_path / "manifest.json").write_text('{"format": "other/1"}')
        with pytest.raises(ManifestError, match="not a dnn-runbook manifest"):
            verify_run_dir(tmp_path)

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A manifest that is not UTF-8 text is refused with the bad byte's position."""
        (tmp_path / "manifest.json").write_bytes(b'{"format": "\xff"}')
        with pytest.raises(ManifestError, match="not UTF-8 text"):
            verify_run_dir(tmp_path)

    def test_bad_expected_head(self, run_dir: Path) -> None:
        """An expected head that is not hex is a usage error, not a verification result."""
        with pytest.raises(EvidenceError, match="32 to 64 hex digits"):
            verify_run_dir(run_dir, expect_head="xyz")


def _rehash(entry: dict[str, Any]) -> str:
    fields = {k: v for k, v in entry.items() if k != "hash"}
    data = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


class TestHostileManifests:
    """verify and report never show a traceback for a crafted manifest: exit 2."""

    @pytest.mark.parametrize(
        ("content", "said"),
        [
            ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
            (
                '{"format": "dnn-runbook-manifest/2", "run_id": ' + "9" * 5000 + "}",
                "cannot be read",
            ),
            ('{"format": ' + "[" * 900 + "]" * 900 + "}", "not a dnn-runbook manifest"),
        ],
    )
    def test_refused_as_not_a_run_directory(self, tmp_path: Path, content: str, said: str) -> None:
        """Deep nesting and huge numbers are manifest errors (exit 2), not RecursionError or
        ValueError."""
        (tmp_path / "manifest.json").write_text(content)
        with pytest.raises(ManifestError, match=said):
            verify_run_dir(tmp_path)

    @pytest.mark.skipif(os.name != "posix", reason="FIFOs")
    def test_a_fifo_manifest_does_not_hang(self, tmp_path: Path) -> None:
        """A named pipe as manifest.json is refused at once."""
        os.mkfifo(tmp_path / "manifest.json")
        with pytest.raises(ManifestError, match="a named pipe"):
            verify_run_dir(tmp_path)

    def test_deeply_nested_values_inside_a_valid_manifest(
        self, run_dir: Path, rewrite_manifest: Any
    ) -> None:
        """A binding nested hundreds deep is a chain problem, not a crash."""

        def edit(document: dict[str, Any]) -> None:
            value: Any = 1
            for _ in range(500):
                value = [value]
            document["binding"]["deep"] = value

        rewrite_manifest(run_dir, edit)
        assert "does not link" in "\n".join(verify_run_dir(run_dir).problems)


class TestTicketHash:
    def test_an_eight_digit_prefix_is_refused(self, manifest: Manifest) -> None:
        """32 bits can be found by trying chains: too short to stand for a ticket hash."""
        with pytest.raises(EvidenceError, match="32 to 64 hex digits"):
            verify_run_dir(manifest.run_dir, expect_head=manifest.head[:8])

    def test_any_entry_of_the_chain_is_a_point_the_ticket_may_name(
        self, manifest: Manifest
    ) -> None:
        """A head recorded earlier stays true once the chain grows (a rebuilt report)."""
        recorded = manifest.head
        manifest.write_file("report-2.html", "<html></html>")
        assert verify_run_dir(manifest.run_dir, expect_head=recorded).ok
        assert verify_run_dir(manifest.run_dir, expect_head=recorded[:32]).ok
        assert verify_run_dir(manifest.run_dir, expect_head=recorded.upper()).ok

    def test_a_ticket_file_must_hold_the_head_before_it(self, manifest: Manifest) -> None:
        """head.txt holding any other hash is reported."""
        manifest.write_file("head.txt", "0" * 64 + "\n")
        problems = verify_run_dir(manifest.run_dir).problems
        assert problems == (
            "head.txt (entry 6) does not hold the hash of the entry before it: the ticket file "
            "was not written by the run at that point.",
        )

    def test_the_ticket_is_reported(self, manifest: Manifest) -> None:
        """The summary line shows the whole ticket hash."""
        ticket = manifest.head
        manifest.write_file("head.txt", f"{ticket}\n")
        result = verify_run_dir(manifest.run_dir)
        assert result.ticket == ticket
        assert result.summary().endswith(f", ticket hash {ticket}")
