"""The scaling benchmark's planted many-task generator (``benchmarks/_synthetic.py``):
deterministic, shaped as documented, its planted structure visible."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

PATH = Path(__file__).resolve().parents[3] / "benchmarks" / "_synthetic.py"


@pytest.fixture(scope="module")
def synthetic():
    spec = importlib.util.spec_from_file_location("_benchmarks_synthetic", PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_deterministic_under_a_seed(synthetic) -> None:
    a, b = synthetic.planted_many(24, seed=3), synthetic.planted_many(24, seed=3)
    assert a.measured.groups == b.measured.groups and a.partition == b.partition
    np.testing.assert_array_equal(a.measured.seed_scores, b.measured.seed_scores)
    c = synthetic.planted_many(24, seed=4)
    assert c.partition != a.partition


def test_shapes_and_candidates(synthetic) -> None:
    n = 40
    p = synthetic.planted_many(n, seed=0, n_seeds=4)
    groups = p.measured.groups
    assert len(set(groups)) == len(groups) and groups == p.truth.groups
    sizes = [len(g) for g in groups]
    assert sizes.count(1) == n and sizes.count(2) == n * (n - 1) // 2
    assert tuple(p.tasks) in groups and all(g in groups for g in p.partition)
    assert sorted(t for g in p.partition for t in g) == list(p.tasks)
    assert len(p.partition) == 5 and min(len(g) for g in p.partition) >= 2
    assert p.measured.seed_scores.shape == (4, len(groups), n)
    np.testing.assert_allclose(p.measured.scores, p.measured.seed_scores.mean(axis=0))
    inside = np.zeros((len(groups), n), dtype=bool)
    for g, grp in enumerate(groups):
        inside[g, [p.tasks.index(t) for t in grp]] = True
    assert np.array_equal(~np.isnan(p.truth.scores), inside)
    singles = np.array(sizes) == 1
    assert np.all(p.measured.seed_scores[:, singles][:, inside[singles]] == 0.0)
    noise = (p.measured.seed_scores - p.truth.scores[None])[:, ~singles]
    assert 0.4 < np.nanstd(noise) < 0.6  # N(0, 0.5^2) per seed and cell


def test_planted_structure_is_visible(synthetic) -> None:
    p = synthetic.planted_many(64, seed=1)
    label = {t: k for k, g in enumerate(p.partition) for t in g}
    inside, across = [], []
    for g, grp in enumerate(p.measured.groups):
        if len(grp) == 2:
            row = np.nanmean(p.measured.scores[g])
            (inside if label[grp[0]] == label[grp[1]] else across).append(row)
    assert np.mean(inside) > np.mean(across) + 0.8
    # the gain in a planted group saturates: less than the sum of its pair effects
    group = p.partition[int(np.argmax([len(g) for g in p.partition]))]
    row = p.truth.groups.index(group)
    t = p.tasks.index(group[0])
    mates = [p.tasks.index(u) for u in group[1:]]
    assert p.truth.scores[row, t] < p.pairs[t, mates].sum()


def test_refuses_too_few_tasks(synthetic) -> None:
    with pytest.raises(ValueError, match="four tasks"):
        synthetic.planted_many(3)
