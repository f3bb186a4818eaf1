"""HOA and the surrogate model; the sampling study on a synthetic complete table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from taskaffinity.errors import InputError
from taskaffinity.tables import (
    Surrogate,
    all_groups,
    hoa,
    pairwise_table,
    read_standley,
    sample_groups,
    summarize_study,
    surrogate_study,
    take_rows,
)
from taskaffinity.types import GainMatrix, ScoreTable


def _complete(n: int = 4, seed: int = 0, additive: bool = False) -> ScoreTable:
    rng = np.random.default_rng(seed)
    tasks = tuple(f"t{i}" for i in range(n))
    effect = rng.normal(0, 1, (n, n))
    groups = all_groups(tasks)
    scores = np.full((len(groups), n), np.nan)
    for g, grp in enumerate(groups):
        idx = [tasks.index(t) for t in grp]
        for i in idx:
            noise = 0 if additive else rng.normal(0, 0.3)
            scores[g, i] = effect[i, i] + sum(effect[i, j] for j in idx if j != i) + noise
    return ScoreTable(tasks, tuple(groups), scores, np.ones(len(groups)))


def test_hoa_is_mean_of_pairs() -> None:
    t = _complete()
    h = hoa(t)
    g = t.groups.index(("t0", "t1", "t2"))
    p01, p02 = t.score(("t0", "t1"), "t0"), t.score(("t0", "t2"), "t0")
    assert h.scores[g, 0] == pytest.approx((p01 + p02) / 2)
    small = [g for g, grp in enumerate(t.groups) if len(grp) <= 2]
    assert np.allclose(h.scores[small], t.scores[small], equal_nan=True)
    pred = hoa(take_rows(t, small), groups=[("t1", "t2", "t3")])
    assert pred.groups[-1] == ("t1", "t2", "t3") and len(pred.groups) == len(small) + 1
    with pytest.raises(InputError, match="pair"):
        hoa(take_rows(t, [0, 1, 2, 3, len(t.groups) - 1]))


def test_hoa_keeps_standley_half_singles(published: Path) -> None:
    t = read_standley(published / "standley2020" / "results.txt")
    h = hoa(t)
    assert np.allclose(h.scores[:5], t.scores[:5], equal_nan=True)
    assert list(h.costs) == list(t.costs)


def test_surrogate_recovers_additive_table() -> None:
    t = _complete(5, additive=True)
    rows = sample_groups(t, 20, seed=1)
    assert all((t.groups[g],) != () for g in rows) and len(rows) == 20
    assert {t.groups[g] for g in rows} >= {(x,) for x in t.tasks}
    pred = Surrogate(alpha=1e-6, keep_measured=False).predict(take_rows(t, rows), t.groups)
    assert np.allclose(pred.scores, t.scores, atol=1e-3, equal_nan=True)
    inter = Surrogate(alpha=1e-3, interactions=True).predict(take_rows(t, rows))
    assert inter.groups == tuple(all_groups(t.tasks))
    with pytest.raises(InputError, match="no measured group"):
        Surrogate().predict(take_rows(t, [0]))


def test_surrogate_study_records() -> None:
    t = _complete(4)
    records = surrogate_study(t, [6, 10], repeats=2, budgets=(2,))
    assert {r["method"] for r in records} == {"surrogate", "hoa"}
    assert len(records) == 5
    assert all(r["regret_partition"] >= -1e-9 and r["regret_select_2"] >= -1e-9 for r in records)
    assert surrogate_study(t, [6], repeats=1, seed=3) == surrogate_study(t, [6], repeats=1, seed=3)
    summary = summarize_study(records)
    assert (summary[0]["method"], summary[0]["measured"]) == ("surrogate", 6)


def test_pairwise_table_from_gain_matrix() -> None:
    gm = GainMatrix(("a", "b"), np.array([[1.0, 2.0], [3.0, 4.0]]))
    t = pairwise_table(gm)
    assert t.groups == (("a",), ("a", "b"), ("b",))
    assert t.score(("a", "b"), "b") == 3.0
