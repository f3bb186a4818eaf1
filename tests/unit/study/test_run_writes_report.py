"""``taskaffinity run`` ends with the report: written after a call that trained something,
left as it is by a call that trained nothing, so a folder never holds a report older than
its runs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.testing import write_toy_config


def test_run_writes_and_refreshes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "study"
    runner = CliRunner()
    config = write_toy_config(tmp_path / "a.yaml", seeds="[0]")
    first = runner.invoke(app, ["run", str(config), "--out", str(out), "--quiet"])
    assert first.exit_code == 0, first.output
    report = out / "report.html"
    assert report.is_file() and (out / "analysis.json").is_file()
    assert "report:" in first.output
    stamp = report.stat().st_mtime_ns

    again = runner.invoke(app, ["run", str(config), "--out", str(out), "--quiet"])
    assert again.exit_code == 0, again.output
    assert report.stat().st_mtime_ns == stamp  # nothing trained: the report stands

    more = write_toy_config(tmp_path / "b.yaml", seeds="[0, 1]")
    third = runner.invoke(app, ["run", str(more), "--out", str(out), "--quiet"])
    assert third.exit_code == 0, third.output
    assert report.stat().st_mtime_ns > stamp  # seed 1 trained: the report was rebuilt
    assert json.loads((out / "analysis.json").read_text())["seeds"] == [0, 1]
