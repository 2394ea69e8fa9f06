"""`dnn-runbook verify RUN_DIR`: exit 0 with one line, 1 naming each problem, 2 for a non-run."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from dnn_runbook.cli import app
from dnn_runbook.evidence.manifest import Manifest


def _verify(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["verify", *args], terminal_width=200)
    return result.exit_code, result.stdout, result.stderr


class TestVerifyCommand:
    def test_intact_run_exits_0_with_one_line(self, manifest: Manifest) -> None:
        """An untouched run prints exactly one 'intact' line with files and the chain head."""
        code, out, err = _verify(str(manifest.run_dir))
        assert code == 0
        head = manifest.head
        assert out == f"{manifest.run_dir}: intact — 4 files, chain head {head[:4]}…{head[-4:]}\n"
        assert err == ""

    def test_tampered_run_exits_1_with_a_line_per_problem(self, run_dir: Path) -> None:
        """Each missing, altered or unexpected file gets its own line, naming it."""
        (run_dir / "01-preflight-old.png").unlink()
        (run_dir / "state.json").write_text("{}")
        (run_dir / "extra.txt").write_text("x")
        code, out, _ = _verify(str(run_dir))
        assert code == 1
        lines = out.splitlines()
        assert len(lines) == 3
        assert lines[0].startswith(f"{run_dir}: 01-preflight-old.png is missing")
        assert lines[1].startswith(f"{run_dir}: state.json was altered")
        assert lines[2].startswith(f"{run_dir}: extra.txt is unexpected")

    def test_folder_without_manifest_exits_2(self, tmp_path: Path) -> None:
        """A folder that is not a run directory is a usage error with a clear message."""
        code, out, err = _verify(str(tmp_path))
        assert code == 2
        assert out == ""
        assert "is not a run directory: it has no manifest.json" in err

    def test_unreadable_manifest_exits_2(self, run_dir: Path) -> None:
        """A manifest cut short cannot be checked at all: exit 2, saying why."""
        path = run_dir / "manifest.json"
        path.write_bytes(path.read_bytes()[:100])
        code, _, err = _verify(str(run_dir))
        assert code == 2
        assert re.search(r"manifest\.json is not valid JSON .*truncated", err)

    def test_missing_path_exits_2(self, tmp_path: Path) -> None:
        """A path that does not exist is refused the same way."""
        code, _, err = _verify(str(tmp_path / "nope"))
        assert code == 2
        assert "not a directory" in err

    def test_expected_head_matches(self, manifest: Manifest) -> None:
        """--expect-head with the recorded head (or its first 32 digits) passes."""
        assert _verify(str(manifest.run_dir), "--expect-head", manifest.head)[0] == 0
        assert _verify(str(manifest.run_dir), "--expect-head", manifest.head[:32])[0] == 0

    def test_a_short_prefix_is_refused(self, manifest: Manifest) -> None:
        """Eight digits (32 bits) can be forged by trying chains: exit 2, saying so."""
        code, _, err = _verify(str(manifest.run_dir), "--expect-head", manifest.head[:8])
        assert code == 2
        assert "all 64 hex digits, or at least the first 32" in err

    def test_expected_head_differs(self, manifest: Manifest) -> None:
        """--expect-head with another chain's head exits 1, naming manifest.json."""
        other = "0" * 64 if not manifest.head.startswith("0") else "1" * 64
        code, out, _ = _verify(str(manifest.run_dir), "--expect-head", other)
        assert code == 1
        assert "manifest.json: no entry of the chain has the hash" in out

    def test_malformed_expected_head_exits_2(self, manifest: Manifest) -> None:
        """--expect-head that is not 32+ hex digits is a usage error."""
        code, _, err = _verify(str(manifest.run_dir), "--expect-head", "ABC")
        assert code == 2
        assert "at least the first 32" in err

    def test_listed_in_help(self) -> None:
        """The root --help lists the verify command."""
        result = CliRunner().invoke(app, ["--help"], terminal_width=100)
        assert "verify" in result.stdout
