"""``dnn-runbook rollback`` refusals that start nothing (``dnn_runbook.app.rollback``)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from dnn_runbook.cli import app


class TestRefusals:
    def test_a_folder_that_is_no_run_directory(self, tmp_path: Path) -> None:
        """Exit 2, naming the folder; nothing is made beside it."""
        folder = tmp_path / "not-a-run"
        folder.mkdir()
        result = CliRunner().invoke(app, ["rollback", str(folder)], terminal_width=200)
        assert result.exit_code == 2
        assert str(folder) in result.output
        assert "Nothing was rolled back." in " ".join(result.output.split())
        assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-run"]

    def test_a_missing_folder(self, tmp_path: Path) -> None:
        """Exit 2 from the command line itself."""
        result = CliRunner().invoke(app, ["rollback", str(tmp_path / "gone")])
        assert result.exit_code == 2
