"""``verify_run_dir`` sentence by sentence: every problem, note and summary it writes, word
for word, and the signature and timestamp checks with the checking tools stubbed (what
those tools themselves say is tested in ``test_signing.py`` and ``test_timestamps.py``), so
that no mutant of ``evidence/verify.py`` survives (``make mutation``)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from dnn_runbook.evidence import verify as verify_module
from dnn_runbook.evidence._chain import ManifestEntry
from dnn_runbook.evidence.manifest import Manifest
from dnn_runbook.evidence.signing import SignatureCheck
from dnn_runbook.evidence.sums import write_sums
from dnn_runbook.evidence.timestamps import TimestampCheck
from dnn_runbook.evidence.verify import (
    VerifyResult,
    _expected_problems,
    check_expected_head,
    verify_run_dir,
)
from dnn_runbook.exceptions import EvidenceError

HEAD = "3fa1" + "0" * 56 + "c9d2"
SIGNERS = Path("/keys/allowed_signers")
CA = Path("/keys/tsa-ca.pem")


def short(digest: str) -> str:
    return f"{digest[:4]}…{digest[-4:]}"


def entries_of(run_dir: Path) -> dict[str, dict[str, Any]]:
    """The latest entry of each file, as manifest.json holds it."""
    document = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    return {entry["file"]: entry for entry in document["entries"]}


def recorded(run_dir: Path, name: str) -> str:
    entry = entries_of(run_dir)[name]
    size = entry["size"]
    unit = "byte" if size == 1 else "bytes"
    return f"entry {entry['seq']} recorded {size} {unit} with SHA-256 {short(entry['sha256'])}"


def entry(seq: int, digest: str) -> ManifestEntry:
    return ManifestEntry(seq, f"f{seq}", 1, "0" * 64, None, "t", "0" * 64, digest)


class TestSummary:
    def result(self, *problems: str, count: int = 4, ticket: str | None = None) -> VerifyResult:
        return VerifyResult(Path("/runs/r1"), problems, HEAD, count, count + 1, ticket)

    def test_intact_names_the_directory_files_and_head(self) -> None:
        assert self.result().summary() == "/runs/r1: intact — 4 files, chain head 3fa1…c9d2"

    def test_shown_as_replaces_the_directory(self) -> None:
        assert self.result().summary("RUN") == "RUN: intact — 4 files, chain head 3fa1…c9d2"

    def test_one_file_is_singular(self) -> None:
        assert self.result(count=1).summary("RUN") == ("RUN: intact — 1 file, chain head 3fa1…c9d2")

    def test_no_file_is_plural(self) -> None:
        assert self.result(count=0).summary("RUN") == (
            "RUN: intact — 0 files, chain head 3fa1…c9d2"
        )

    def test_the_ticket_hash_is_shown_whole(self) -> None:
        assert self.result(ticket=HEAD).summary("RUN") == (
            f"RUN: intact — 4 files, chain head 3fa1…c9d2, ticket hash {HEAD}"
        )

    def test_one_problem(self) -> None:
        result = self.result("a.png is missing.")
        assert not result.ok
        assert result.summary() == "/runs/r1: NOT intact — 1 problem found"

    def test_several_problems(self) -> None:
        result = self.result("a.png is missing.", "b.png is missing.")
        assert result.summary("RUN") == "RUN: NOT intact — 2 problems found"

    def test_no_problem_is_ok(self) -> None:
        assert self.result().ok


class TestExpectedHead:
    def test_lower_case_and_stripped(self) -> None:
        assert check_expected_head(f"  {HEAD.upper()}\n") == HEAD

    @pytest.mark.parametrize("digits", [32, 64])
    def test_from_32_to_64_digits(self, digits: int) -> None:
        assert check_expected_head(HEAD[:digits]) == HEAD[:digits]

    @pytest.mark.parametrize("value", [HEAD[:31], HEAD + "0", "g" * 32, HEAD[:31] + "-"])
    def test_anything_else_is_refused_saying_what_was_given(self, value: str) -> None:
        with pytest.raises(EvidenceError) as info:
            check_expected_head(value)
        assert str(info.value) == (
            "The expected head must be the ticket hash: 32 to 64 hex digits (the full 64 that "
            "head.txt, the report and the run's last line show; got "
            f"{len(value)} characters). A shorter prefix could be forged by trying chains."
        )

    def test_an_entry_the_prefix_names_once_is_no_problem(self) -> None:
        assert _expected_problems(HEAD[:32], (entry(1, "f" * 64), entry(2, HEAD))) == []

    def test_a_prefix_of_several_entries_asks_for_all_digits(self) -> None:
        twins = (entry(1, HEAD), entry(2, HEAD[:40] + "f" * 24))
        assert _expected_problems(HEAD[:32], twins) == [
            "The expected head 3fa1…0000 matches several entries; give all 64 digits."
        ]

    def test_no_entry_with_the_hash(self, manifest: Manifest) -> None:
        problems = verify_run_dir(manifest.run_dir, expect_head="e" * 64).problems
        assert problems == (
            "manifest.json: no entry of the chain has the hash eeee…eeee: the manifest was "
            "rewritten, or the hash is another run's. The ticket hash to record is the one "
            "head.txt holds (the report and the run's last line show the same).",
        )

    def test_the_head_given_is_found(self, manifest: Manifest) -> None:
        assert verify_run_dir(manifest.run_dir, expect_head=manifest.head).problems == ()


class TestResult:
    def test_counts_head_and_no_ticket(self, manifest: Manifest) -> None:
        result = verify_run_dir(manifest.run_dir)
        assert result == VerifyResult(manifest.run_dir, (), manifest.head, 4, 5, None, ())

    def test_the_last_ticket_is_the_one_reported(self, manifest: Manifest) -> None:
        first = manifest.head
        manifest.write_file("head.txt", f"{first}\n")
        second = manifest.head
        manifest.write_file("head-2.txt", f"{second}\n")
        result = verify_run_dir(manifest.run_dir)
        assert (result.problems, result.ticket, result.count, result.entries) == ((), second, 6, 7)

    def test_a_ticket_file_without_a_hash_reports_no_ticket(self, manifest: Manifest) -> None:
        """A ticket file that holds no hash names no ticket (None, not an empty hash)."""
        manifest.write_file("head.txt", "not a hash\n")
        result = verify_run_dir(manifest.run_dir)
        assert (result.ticket, result.entries) == (None, 6)
        assert result.summary("RUN").endswith("chain head " + short(manifest.head))

    def test_a_head_that_is_not_a_string_is_reported_as_empty(
        self, run_dir: Path, rewrite_manifest: Any
    ) -> None:
        def number(document: dict[str, Any]) -> None:
            document["head"] = 5

        rewrite_manifest(run_dir, number)
        result = verify_run_dir(run_dir)
        assert result.head == ""
        assert result.problems == ("manifest.json: 'head' must be a string (got int).",)

    def test_an_edited_layout_is_one_exact_sentence(self, run_dir: Path) -> None:
        path = run_dir / "manifest.json"
        path.write_text(json.dumps(json.loads(path.read_text()), indent=4) + "\n")
        assert verify_run_dir(run_dir).problems == (
            "manifest.json was edited: its bytes differ from the form dnn-runbook writes "
            "(whitespace, key order or escaping changed) although its content parses.",
        )

    def test_checksums_that_match_are_no_problem(self, run_dir: Path) -> None:
        write_sums(run_dir)
        assert verify_run_dir(run_dir).problems == ()

    def test_checksums_that_differ_are_reported(self, run_dir: Path) -> None:
        write_sums(run_dir)
        (run_dir / "SHA256SUMS").write_text("0" * 64 + "  state.json\n")
        assert verify_run_dir(run_dir).problems == (
            "SHA256SUMS does not list the files as the manifest does: it was edited, or the "
            "manifest changed after it was written.",
        )


class TestFiles:
    def test_missing_and_altered_files_are_all_reported(self, run_dir: Path) -> None:
        """The first file missing does not stop the others from being checked."""
        first, last = "01-preflight-old.png", "traces/trace.zip"
        said_first, said_last = recorded(run_dir, first), recorded(run_dir, last)
        (run_dir / first).unlink()
        (run_dir / last).write_bytes(b"x")
        assert verify_run_dir(run_dir).problems == (
            f"{first} is missing: manifest {said_first}, but it is not on disk.",
            f"{last} was altered: manifest {said_last}, but the file now has 1 byte with SHA-256 "
            f"{short(hashlib.sha256(b'x').hexdigest())}.",
        )

    def test_an_alteration_of_the_same_size_is_caught(self, run_dir: Path) -> None:
        said = recorded(run_dir, "state.json")
        path = run_dir / "state.json"
        content = path.read_bytes()
        path.write_bytes(content.upper())
        digest = hashlib.sha256(content.upper()).hexdigest()
        assert verify_run_dir(run_dir).problems == (
            f"state.json was altered: manifest {said}, but the file now has {len(content)} bytes "
            f"with SHA-256 {short(digest)}.",
        )

    def test_a_one_byte_entry_is_singular(self, manifest: Manifest) -> None:
        manifest.write_file("one.txt", "a")
        said = recorded(manifest.run_dir, "one.txt")
        assert said.endswith("recorded 1 byte with SHA-256 ca97…48bb")
        (manifest.run_dir / "one.txt").write_text("bc")
        assert verify_run_dir(manifest.run_dir).problems == (
            f"one.txt was altered: manifest {said}, but the file now has 2 bytes with SHA-256 "
            f"{short(hashlib.sha256(b'bc').hexdigest())}.",
        )

    def test_a_directory_and_a_link_in_place_of_files(self, run_dir: Path) -> None:
        """Each is reported, and the check goes on to the next file."""
        said_png, said_state = (
            recorded(run_dir, "01-preflight-old.png"),
            recorded(run_dir, "state.json"),
        )
        (run_dir / "01-preflight-old.png").unlink()
        (run_dir / "01-preflight-old.png").mkdir()
        target = run_dir.parent / "state-copy.json"
        target.write_bytes((run_dir / "state.json").read_bytes())
        (run_dir / "state.json").unlink()
        (run_dir / "state.json").symlink_to(target)
        tail = "; it was replaced by a directory, a link or a device."
        assert verify_run_dir(run_dir).problems == (
            "01-preflight-old.png is not a regular file inside the run directory any more "
            f"(manifest {said_png}){tail}",
            f"state.json is not a regular file inside the run directory any more (manifest "
            f"{said_state}){tail}",
        )

    @pytest.mark.parametrize(
        ("error", "said"),
        [
            (PermissionError(13, "Permission denied"), "Permission denied"),
            (OSError("gone"), "gone"),
        ],
    )
    def test_a_file_that_cannot_be_read(
        self, run_dir: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, said: str
    ) -> None:
        """Every file that cannot be read is named with the reason."""
        real = verify_module.file_digest

        def digest(path: Path) -> tuple[int, str]:
            if path.name in ("01-preflight-old.png", "state.json"):
                raise error
            return real(path)

        monkeypatch.setattr(verify_module, "file_digest", digest)
        assert verify_run_dir(run_dir).problems == (
            f"01-preflight-old.png could not be read ({said}).",
            f"state.json could not be read ({said}).",
        )


class TestUnexpectedFiles:
    def test_each_is_named_in_order_leftovers_apart(self, run_dir: Path, tmp_path: Path) -> None:
        (run_dir / "b.txt").write_text("x")
        (run_dir / "a.txt").write_text("x")
        (run_dir / ".a.txt.k2j4h1.tmp").write_text("x")
        (run_dir / "traces" / ".z.zip.abc.tmp").write_text("x")
        (run_dir / "traces" / "manifest.json").write_text("x")
        (run_dir / "linked").symlink_to(tmp_path)
        leftover = (
            " is a leftover of an interrupted write (a crash between writing a temporary file "
            "and renaming it); it is not in the manifest."
        )
        unexpected = " is unexpected: it is on disk but not in the manifest."
        assert verify_run_dir(run_dir).problems == (
            ".a.txt.k2j4h1.tmp" + leftover,
            "a.txt" + unexpected,
            "b.txt" + unexpected,
            "linked" + unexpected,
            "traces/.z.zip.abc.tmp" + leftover,
            "traces/manifest.json" + unexpected,
        )

    def test_folders_are_walked_in_order(self, run_dir: Path) -> None:
        for folder in ("zz", "aa", "mm"):
            (run_dir / folder).mkdir()
            (run_dir / folder / "x").write_text("x")
        assert [p.split(" ")[0] for p in verify_run_dir(run_dir).problems] == [
            "aa/x",
            "mm/x",
            "zz/x",
        ]


class TestSeals:
    """head.txt with a signature and a timestamp beside it, the tools stubbed."""

    @pytest.fixture
    def sealed(self, manifest: Manifest) -> Manifest:
        manifest.write_file("head.txt", f"{manifest.head}\n")
        manifest.write_file("head.txt.sig", "signature")
        manifest.write_file("head.txt.tsr", b"reply")
        return manifest

    @pytest.fixture
    def calls(self, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
        made: list[tuple[Any, ...]] = []

        def sign(data: bytes, signature: Path, allowed: Path) -> SignatureCheck:
            made.append(("sign", data, signature, allowed))
            return SignatureCheck(True, "ops@example.com", "SHA256:abc")

        def stamp(head: str, reply: Path, ca: Path) -> TimestampCheck:
            made.append(("stamp", head, reply, ca))
            return TimestampCheck(True, "Nov 29 21:24:06 2026 GMT")

        monkeypatch.setattr(verify_module.signing, "verify", sign)
        monkeypatch.setattr(verify_module.timestamps, "verify", stamp)
        return made

    def ticket(self, manifest: Manifest) -> str:
        return (manifest.run_dir / "head.txt").read_text().strip()

    def test_unchecked_seals_are_noted(self, sealed: Manifest, calls: list[Any]) -> None:
        result = verify_run_dir(sealed.run_dir)
        assert result.problems == ()
        assert result.notes == (
            "head.txt.sig: signed; pass --allowed-signers FILE to check by whom.",
            "head.txt.tsr: timestamped; pass --tsa-ca FILE to check it.",
        )
        assert calls == []

    def test_checked_seals_say_who_and_when(self, sealed: Manifest, calls: list[Any]) -> None:
        ticket = self.ticket(sealed)
        run_dir = sealed.run_dir
        result = verify_run_dir(run_dir, allowed_signers=SIGNERS, tsa_ca=CA)
        assert result.problems == ()
        assert result.notes == (
            "head.txt.sig: signed by ops@example.com (SHA256:abc).",
            "head.txt.tsr: the ticket hash existed at Nov 29 21:24:06 2026 GMT.",
        )
        assert calls == [
            ("sign", f"{ticket}\n".encode(), run_dir / "head.txt.sig", SIGNERS),
            ("stamp", ticket, run_dir / "head.txt.tsr", CA),
        ]
        assert result.ticket == ticket

    def test_refused_seals_are_problems(
        self, sealed: Manifest, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(
            verify_module.signing,
            "verify",
            lambda *_: SignatureCheck(False, None, None, "its key is not one of the signers"),
        )
        monkeypatch.setattr(
            verify_module.timestamps,
            "verify",
            lambda *_: TimestampCheck(False, None, "openssl ts -verify refused it (bad)"),
        )
        result = verify_run_dir(sealed.run_dir, allowed_signers=SIGNERS, tsa_ca=CA)
        assert result.problems == (
            "head.txt.sig: the signature is refused: its key is not one of the signers.",
            "head.txt.tsr: the timestamp is refused: openssl ts -verify refused it (bad).",
        )
        assert result.notes == ()

    def test_seals_asked_for_but_absent(self, manifest: Manifest, calls: list[Any]) -> None:
        manifest.write_file("head.txt", f"{manifest.head}\n")
        result = verify_run_dir(manifest.run_dir, allowed_signers=SIGNERS, tsa_ca=CA)
        assert result.problems == (
            "head.txt is not signed (no head.txt.sig in the chain).",
            "head.txt is not timestamped (no head.txt.tsr).",
        )
        assert (result.notes, calls) == ((), [])

    def test_absent_seals_not_asked_for_are_nothing(self, manifest: Manifest) -> None:
        manifest.write_file("head.txt", f"{manifest.head}\n")
        result = verify_run_dir(manifest.run_dir)
        assert (result.problems, result.notes) == ((), ())

    def test_only_a_signature_asked_for(self, sealed: Manifest, calls: list[Any]) -> None:
        result = verify_run_dir(sealed.run_dir, allowed_signers=SIGNERS)
        assert result.notes == (
            "head.txt.sig: signed by ops@example.com (SHA256:abc).",
            "head.txt.tsr: timestamped; pass --tsa-ca FILE to check it.",
        )
        assert [call[0] for call in calls] == ["sign"]

    @pytest.mark.parametrize(
        "options", [{"allowed_signers": SIGNERS}, {"tsa_ca": CA}], ids=["signers", "tsa-ca"]
    )
    def test_no_ticket_to_check(self, manifest: Manifest, options: dict[str, Path]) -> None:
        assert verify_run_dir(manifest.run_dir, **options).problems == (  # type: ignore[arg-type]
            "manifest.json lists no ticket file (head.txt), so there is nothing signed or "
            "timestamped: the run did not reach its end.",
        )


def test_the_walk_does_not_follow_a_linked_folder(run_dir: Path, tmp_path: Path) -> None:
    """A file behind a linked folder is not listed: only the link is."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "inner.txt").write_text("x")
    (run_dir / "link").symlink_to(outside)
    assert verify_run_dir(run_dir).problems == (
        "link is unexpected: it is on disk but not in the manifest.",
    )
    assert os.path.islink(run_dir / "link")
