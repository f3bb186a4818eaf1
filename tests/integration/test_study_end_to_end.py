"""End to end: a tiny real study (scratch backend), and the Ray executor."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from taskaffinity.config import load_config
from taskaffinity.study import open_study, run_study, study_status
from taskaffinity.testing import write_toy_config


@pytest.mark.slow
def test_ray_executor_two_cpus(tmp_path, monkeypatch):
    pytest.importorskip("ray")
    # a private local Ray without token auth; otherwise ray.init sets RAY_AUTH_MODE=token
    # in this process for good, and a later test's loopback cluster refuses its driver
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    executor = "{kind: ray, workers: 2, cpus_per_run: 1}"
    backend = "{name: 'taskaffinity.testing:ToyBackend', fail_on: [first]}"
    cfg = write_toy_config(tmp_path / "toy.yaml", executor=executor, backend=backend, seeds="[0]")
    summary = run_study(load_config(cfg), tmp_path / "ray", progress=False)
    assert (summary.total, summary.complete, summary.failed) == (7, 3, 4)
    assert all("toy failure" in r.error for r in summary.failures)

    local = write_toy_config(tmp_path / "local.yaml", backend=backend, seeds="[0]")
    run_study(load_config(local), tmp_path / "local", progress=False)
    a, b = open_study(tmp_path / "ray").score_table(), open_study(tmp_path / "local").score_table()
    assert a.groups == b.groups and np.array_equal(a.scores, b.scores, equal_nan=True)
    assert study_status(tmp_path / "ray").complete == 3


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TINY = {"epochs": 1, "d_model": 32, "layers": 1, "heads": 2, "ff_dim": 64, "max_len": 48}


def tiny_custom_config():
    """examples/custom_tasks.yaml with a tiny scratch model and one seed."""
    cfg = load_config(EXAMPLES / "custom_tasks.yaml")
    cfg.backend.params = dict(TINY)
    cfg.seeds = [0]
    return cfg


@pytest.mark.slow
def test_tiny_scratch_study_and_demo_cli(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from taskaffinity import demo as _demo
    from taskaffinity.cli import app

    monkeypatch.setattr(_demo, "demo_config", tiny_custom_config)
    out = tmp_path / "demo"
    res = CliRunner().invoke(app, ["demo", "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    assert "3/3 runs complete" in res.output and "report:" in res.output
    for name in ("report.html", "analysis.json", "study.sqlite", "config.yaml"):
        assert (out / name).is_file(), name
    assert list(out.glob("*.png"))

    study = open_study(out)
    table = study.score_table()
    assert table.tasks == ("punctuation", "dynasty") and len(table.groups) == 3
    assert np.all(np.isfinite(table.scores[[0, 1, 2], [0, 1, 0]]))
    assert set(study.baselines()) == {"punctuation", "dynasty"}

    res = CliRunner().invoke(app, ["demo", "--out", str(out), "--quiet"])
    assert res.exit_code == 0 and "0 trained now" in res.output
