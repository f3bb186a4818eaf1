"""Estimator evaluation: rank correlations, top-k partners and regret."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from taskaffinity.analysis import gain_matrix, gain_rate
from taskaffinity.evaluation import evaluate_affinity, evaluate_table, top_partners
from taskaffinity.tables import hoa, read_standley
from taskaffinity.types import AffinityMatrix, GainMatrix, ScoreTable


def _table(higher: bool = True) -> ScoreTable:
    tasks = ("a", "b", "c")
    groups = [("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c"), ("a", "b", "c")]
    rng = np.random.default_rng(0)
    scores = np.full((7, 3), np.nan)
    for g, grp in enumerate(groups):
        scores[g, [tasks.index(t) for t in grp]] = rng.normal(1, 0.2, len(grp))
    return ScoreTable(tasks, tuple(groups), scores, np.ones(7), higher)


@pytest.mark.parametrize("higher", [True, False])
def test_perfect_prediction(higher: bool) -> None:
    t = _table(higher)
    out = evaluate_table(t, t)
    assert out["spearman"] == pytest.approx(1) and out["kendall"] == pytest.approx(1)
    assert out["regret"] == 0 and out["top1"] == 1 and out["n"] == 12
    assert set(out["per_target"]) == {"a", "b", "c"}


def test_reversed_prediction_has_regret() -> None:
    t = _table()
    rev = ScoreTable(t.tasks, t.groups, -t.scores, t.costs, True)
    out = evaluate_table(rev, t)
    assert out["spearman"] == pytest.approx(-1)
    assert out["regret"] >= 0 and out["chosen_value"] <= out["best_value"]
    assert evaluate_table(rev, t, exclude=[("a", "b", "c")], min_size=2)["n"] == 6


def test_top_partners() -> None:
    truth = np.array([[np.nan, 3, 2, 1], [1, np.nan, 2, 3], [1, 2, np.nan, 3], [3, 2, 1, np.nan]])
    assert top_partners(truth, truth, 2) == {"top1": 1.0, "topk": 1.0}
    assert top_partners(-truth, truth, 1)["top1"] == 0.0


def test_evaluate_affinity_oracle_and_noise() -> None:
    t = _table(False)
    gm = gain_matrix(t)
    oracle = AffinityMatrix(t.tasks, gain_rate(gm.values, False), "oracle")
    out = evaluate_affinity(oracle, gm, k=1)
    assert out["spearman"] == pytest.approx(1) and out["regret"] == pytest.approx(0)
    assert out["n"] == 6 and out["regret_max_group_size"] == 3
    flipped = AffinityMatrix(t.tasks, -oracle.values, "flip")
    bad = evaluate_affinity(flipped, gm, k=1)
    assert bad["spearman"] == pytest.approx(-1) and bad["regret"] >= 0 and bad["top1"] == 0
    with pytest.raises(ValueError):
        evaluate_affinity(AffinityMatrix(("x", "y", "z"), oracle.values, "o"), gm)


def test_affinity_regret_direction() -> None:
    # a and b help each other a lot, c hurts everybody: best partition is {a,b},{c}
    values = np.array([[1.0, 2.0, 0.5], [2.0, 1.0, 0.5], [0.5, 0.5, 1.0]])
    gm = GainMatrix(("a", "b", "c"), values, True)
    good = AffinityMatrix(gm.tasks, np.array([[0, 1, -1], [1, 0, -1], [-1, -1, 0.0]]), "g")
    out = evaluate_affinity(good, gm)
    assert out["regret"] == 0 and out["best_groups"] == ["a+b", "c"]
    worst = AffinityMatrix(gm.tasks, -good.values, "w")
    assert evaluate_affinity(worst, gm)["regret"] > 0


def test_hoa_on_standley(published: Path) -> None:
    t = read_standley(published / "standley2020" / "results.txt")
    out = evaluate_table(hoa(t), t, min_size=3)
    assert out["n"] == 55 and 0.5 < out["spearman"] <= 1 and out["regret"] >= 0


def test_exact_estimate_has_zero_regret_when_gain_rates_and_scores_disagree() -> None:
    """a is weak alone (0.10) and gains 20% with b; b is strong alone (0.90) and loses 5.6%
    with a. In gain rates the pair is worth +14.4 points, in raw scores it is worth -0.03:
    regret measured in one unit on both sides is zero for the exact estimate."""
    values = np.array([[0.10, 0.12], [0.85, 0.90]])
    gm = GainMatrix(("a", "b"), values, True)
    exact = AffinityMatrix(gm.tasks, gain_rate(gm.values, True) / 100, "exact")
    out = evaluate_affinity(exact, gm)
    assert out["regret"] == pytest.approx(0.0, abs=1e-12)
    assert out["chosen_groups"] == out["best_groups"] == ["a+b"]
    assert out["best_value"] == pytest.approx(20.0 + (0.85 - 0.90) / 0.90 * 100)


@pytest.mark.parametrize("higher", [True, False])
def test_the_truth_itself_has_zero_regret(higher: bool) -> None:
    gm = gain_matrix(_table(higher))
    for scale in (1.0, 1 / 100):  # gain rates in percent or as fractions: same ranking
        truth = AffinityMatrix(gm.tasks, gain_rate(gm.values, higher) * scale, "truth")
        assert evaluate_affinity(truth, gm)["regret"] == pytest.approx(0.0, abs=1e-12)
