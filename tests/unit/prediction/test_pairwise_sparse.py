"""The Gaussian-process path's sparse pair features give the dense posterior: the same means,
sds and (same random numbers) draws as with the dense features."""

from __future__ import annotations

import numpy as np
import pytest

from taskaffinity.prediction import _gp, get_predictor
from taskaffinity.prediction._base import observations
from taskaffinity.prediction._gp import _pairs, pair_features, predict_blocks
from taskaffinity.prediction._prediction import group_members
from taskaffinity.testing import planted_table


def test_pair_features_equal_the_dense_ones() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((40, 9)) < 0.4
    x[0] = True  # every pair
    x[1] = False  # none
    dense = _pairs(x.astype(float))
    assert pair_features(x).shape == dense.shape
    np.testing.assert_array_equal(pair_features(x).toarray(), dense)
    assert pair_features(np.zeros((0, 5), dtype=bool)).shape == (0, 10)


@pytest.mark.parametrize(
    ("blocks", "noise", "n_seeds", "n_extra"),
    [
        (("linear", "pairs"), None, 3, 8),
        (("linear", "pairs"), None, 1, 0),
        (("linear", "pairs"), 1e-6, 2, 20),
        (("linear",), None, 3, 8),
    ],
)
def test_sparse_posterior_equals_the_dense_one(
    blocks, noise, n_seeds, n_extra, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = planted_table(6, seed=3, third=0.2, noise=0.3, n_seeds=n_seeds, n_extra=n_extra)
    obs = observations(planted.measured)
    members = group_members(planted.tasks, planted.groups)
    sparse = predict_blocks(obs, members, blocks, 5, np.random.default_rng(7), noise=noise)
    with monkeypatch.context() as m:  # the dense definition of the same features
        m.setattr(_gp, "pair_features", lambda x: _pairs(np.asarray(x, float)))
        dense = predict_blocks(obs, members, blocks, 5, np.random.default_rng(7), noise=noise)
    for a, b in zip(dense, sparse, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-9)


def test_predictor_uses_the_sparse_path_deterministically() -> None:
    planted = planted_table(5, seed=1, third=0.1, noise=0.2, n_seeds=3, n_extra=6)
    pred = get_predictor("pairwise")
    a = pred.predict(planted.measured, planted.groups, n_draws=4, seed=2)
    b = pred.predict(planted.measured, planted.groups, n_draws=4, seed=2)
    np.testing.assert_array_equal(a.draws, b.draws)
    assert a.draws.shape == (4, len(planted.groups), 5)
