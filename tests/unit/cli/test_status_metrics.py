"""``taskaffinity status --json`` gives every run's metrics, ``{task: {metric: value}}``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.study import open_study
from taskaffinity.testing import write_toy_config

runner = CliRunner()


def test_status_json_lists_each_runs_metrics_by_task(tmp_path) -> None:
    backend = "{name: 'taskaffinity.testing:ToyBackend', fail_on: [first]}"
    cfg = write_toy_config(tmp_path / "toy.yaml", backend=backend, seeds="[0]")
    out = tmp_path / "out"
    runner.invoke(app, ["run", str(cfg), "--out", str(out), "--quiet"])
    res = runner.invoke(app, ["status", str(out), "--json"])
    assert res.exit_code == 0, res.output
    runs = json.loads(res.stdout)["runs"]
    stored = {r.key: r for r in open_study(out).complete}
    assert len(stored) == 3 and len(runs) == 7
    for run in runs:
        if run["status"] == "complete":
            metrics = stored[run["key"]].metrics
            assert run["metrics"] == {t: dict(m) for t, m in metrics.items()}
            assert set(run["metrics"]) == set(run["tasks"])
            assert all(isinstance(v, float) for m in run["metrics"].values() for v in m.values())
        else:
            assert run["status"] == "failed" and run["metrics"] == {}
