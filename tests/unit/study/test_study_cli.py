"""CLI: ``run`` exit codes, ``status --json`` schema, config errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.testing import write_toy_config

runner = CliRunner()


def test_run_then_status_json(tmp_path):
    cfg = write_toy_config(tmp_path / "toy.yaml", seeds="[0]")
    res = runner.invoke(app, ["run", str(cfg), "--out", str(tmp_path / "out"), "--quiet"])
    assert res.exit_code == 0, res.output
    assert "7/7 runs complete" in res.output
    res = runner.invoke(app, ["status", str(tmp_path / "out"), "--json"])
    assert res.exit_code == 0
    status = json.loads(res.stdout)
    assert list(status) == ["total", "complete", "failed", "runs", "claimed", "outside"]
    assert (status["total"], status["complete"], status["failed"]) == (7, 7, 0)
    assert status["claimed"] == 0
    for run in status["runs"]:
        assert list(run) == ["key", "tasks", "seed", "status", "holder", "lease_left", "metrics"]
        assert isinstance(run["key"], str) and isinstance(run["tasks"], list)
        assert run["seed"] == 0 and run["status"] == "complete"
        assert run["holder"] is None and run["lease_left"] is None
    assert status["runs"][0]["tasks"] == ["more_a"]
    res = runner.invoke(app, ["status", str(tmp_path / "out")])
    assert res.exit_code == 0 and "7/7 complete" in res.output


def test_failed_run_exits_nonzero(tmp_path):
    backend = "{name: 'taskaffinity.testing:ToyBackend', fail_on: [first]}"
    cfg = write_toy_config(tmp_path / "toy.yaml", backend=backend, seeds="[0]")
    res = runner.invoke(app, ["run", str(cfg), "--out", str(tmp_path / "out"), "--quiet"])
    assert res.exit_code == 1
    assert "4 run(s) failed" in res.output and "RuntimeError: toy failure" in res.output
    status = json.loads(runner.invoke(app, ["status", str(tmp_path / "out"), "--json"]).stdout)
    assert (status["complete"], status["failed"]) == (3, 4)
    res = runner.invoke(app, ["status", str(tmp_path / "out"), "--errors"])
    assert "Traceback" in res.output


def test_config_error_exit_2(tmp_path):
    cfg = write_toy_config(tmp_path / "toy.yaml", seeds="[0, zero]")
    res = runner.invoke(app, ["run", str(cfg), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert f"{cfg}:4: field 'seeds[1]'" in res.output
    res = runner.invoke(app, ["status", str(tmp_path / "nothing"), "--json"])
    assert res.exit_code == 2 and "no study here" in res.output
