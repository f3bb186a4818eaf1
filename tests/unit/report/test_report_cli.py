"""``taskaffinity report DIR`` rebuilds a stored study's report without training."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from taskaffinity.cli import app


def test_report_from_store(tmp_path, monkeypatch):
    from taskaffinity.testing import write_toy_config

    cfg = write_toy_config(tmp_path / "toy.yaml", seeds="[0, 1]")
    runner = CliRunner()
    res = runner.invoke(app, ["run", str(cfg), "--out", str(tmp_path / "out"), "--quiet"])
    assert res.exit_code == 0, res.output
    (tmp_path / "out" / "report.html").unlink(missing_ok=True)
    res = runner.invoke(app, ["report", str(tmp_path / "out"), "--out", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "rep" / "report.html").read_text()
    assert ">Run costs</h2>" in page and ">Seeds</h2>" in page
    j = json.loads((tmp_path / "rep" / "analysis.json").read_text())
    assert {"tasks", "gain_rate", "stability", "categories", "baselines"} <= set(j)
    assert j["ci"]["n_seeds"] == 2
    res = runner.invoke(app, ["report", str(tmp_path / "missing")])
    assert res.exit_code != 0
