"""PVI on a stored study: the models on the real inputs are the study's single-task runs,
reused from the store (with the gold log-probabilities they keep) instead of retrained."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from taskaffinity.affinity import Budget, compute_pvi, get_estimator, open_target
from taskaffinity.cli import app
from taskaffinity.study import open_study
from taskaffinity.testing import write_synthetic_study

NAMES = ("first", "count")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    from taskaffinity.study import run_study

    root = tmp_path_factory.mktemp("pvi_study")
    write_synthetic_study(root, NAMES, seeds=(0,))
    run_study(root / "config.yaml", root / "out", progress=False)
    return root


def test_single_task_runs_keep_the_gold_log_probs_of_their_test_split(study):
    """The store keeps, for each single-task run, the natural-log probability of every test
    example's gold label under the checkpoint it was scored with: the same numbers as the
    backend's ``gold_log_probs`` capability. Joint runs keep none."""
    data = open_study(study / "out")
    tgt = open_target(study / "out")
    singles = [r for r in data.complete if len(r.tasks) == 1]
    assert len(singles) == 2
    for r in singles:
        (name,) = r.tasks
        stored = np.asarray(r.gold_log_probs[name])
        fresh, _ = tgt.backend.gold_log_probs(name, tgt.suite, 0, null_input=False)
        assert stored.shape == (24,)
        np.testing.assert_allclose(stored, fresh, rtol=0, atol=1e-6)
    pair = next(r for r in data.complete if len(r.tasks) == 2)
    assert dict(pair.gold_log_probs) == {}


def test_pvi_reuses_the_studys_single_task_runs(study):
    tgt = open_target(study / "out")
    runs = tgt.study.complete
    fresh = compute_pvi(tgt.suite, tgt.backend, 0)
    reused = compute_pvi(tgt.suite, tgt.backend, 0, runs=runs)
    singles = {r.tasks[0]: r for r in runs if len(r.tasks) == 1}
    assert reused.reused == {t: singles[t].key for t in NAMES}
    for t in NAMES:
        np.testing.assert_allclose(reused.values[t], fresh.values[t], rtol=0, atol=1e-5)
    # only the null models are new work; the reused runs' cost is the study's, kept apart
    assert reused.cost.steps == fresh.cost.steps - sum(singles[t].cost.steps for t in NAMES)
    assert reused.reused_cost.steps == sum(singles[t].cost.steps for t in NAMES)
    assert fresh.reused == {} and fresh.reused_cost.steps == 0


def test_pvi_retrains_what_the_store_cannot_give(study):
    """Runs stored without gold log-probabilities (older stores), another split, or a step
    cap that changes the run: the real-input model is trained again."""
    tgt = open_target(study / "out")
    bare = [dataclasses.replace(r, gold_log_probs={}) for r in tgt.study.complete]
    assert compute_pvi(tgt.suite, tgt.backend, 0, runs=bare).reused == {}
    runs = tgt.study.complete
    assert compute_pvi(tgt.suite, tgt.backend, 0, split="dev", runs=runs).reused == {}
    capped = compute_pvi(tgt.suite, tgt.backend, 0, runs=runs, budget=Budget(max_steps=8))
    assert capped.reused == {}


def test_estimator_and_command_reuse_the_study(study):
    tgt = open_target(study / "out")
    est = get_estimator("pvi")
    aff = est.estimate(tgt.suite, tgt.backend, Budget(seed=0), runs=tgt.study.complete)
    assert set(est.result_.reused) == set(NAMES)
    assert aff.cost.steps == est.result_.cost.steps
    js = study / "pvi.json"
    res = CliRunner().invoke(app, ["pvi", str(study / "out"), "--json", str(js),
                                   "--rule", "paper"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(js.read_text())
    assert set(data["reused"]) == set(NAMES) and data["rule"] == "paper"
    assert data["cost"]["steps"] == est.result_.cost.steps
    bad = CliRunner().invoke(app, ["pvi", str(study / "out"), "--test", "paired"])
    assert bad.exit_code != 0 and "paired" in bad.output


def test_run_estimator_hands_the_studys_runs_to_pvi_and_caches_apart(study, tmp_path):
    """``run_estimator(..., runs=)`` (what ``estimate DIR`` and ``compare`` use) lets PVI
    reuse the single-task runs: the estimate costs only the null models' training, and it
    is cached under a different key from the estimate computed without the runs."""
    from taskaffinity.affinity import run_estimator

    data = open_study(study / "out")
    tgt = open_target(study / "out")
    budget = Budget(seed=0, reference=tgt.grid)
    alone, _ = run_estimator("pvi", tgt.suite, tgt.backend, budget, cache_dir=tmp_path)
    reused, est = run_estimator(
        "pvi", tgt.suite, tgt.backend, budget, cache_dir=tmp_path, runs=data.complete
    )
    assert est is not None  # not taken from the cache of the estimate without runs
    assert set(est.result_.reused) == set(NAMES)
    assert 0 < reused.cost.steps < alone.cost.steps
    np.testing.assert_allclose(reused.values, alone.values, atol=1e-4, equal_nan=True)
    again, cached = run_estimator(
        "pvi", tgt.suite, tgt.backend, budget, cache_dir=tmp_path, runs=data.complete
    )
    assert cached is None and again.cost.steps == reused.cost.steps
