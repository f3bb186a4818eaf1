"""Contract every registered estimator must meet (run on each name in ``available()``):
shape and task order, permutation equivariance, determinism under a seed, budget
respected, cost recorded, sklearn-style parameters."""

from __future__ import annotations

import numpy as np
import pytest

from taskaffinity.affinity import Budget, available, get_estimator
from taskaffinity.types import AffinityMatrix, Cost

REFERENCE = Cost(seconds=1000.0, steps=10_000, examples=100_000)
_CACHE: dict[str, AffinityMatrix] = {}


def _estimate(name, suite, backend):
    if name not in _CACHE:
        est = get_estimator(name)
        _CACHE[name] = est.estimate(suite, backend, Budget(seed=0, reference=REFERENCE))
    return _CACHE[name]


def test_registry_lists_the_three_methods():
    assert {"pvi", "tag", "gradient_cosine"} <= set(available())


@pytest.mark.parametrize("name", available())
def test_params_stored_unchanged_and_no_work_in_init(name):
    est = get_estimator(name)
    params = est.get_params()
    assert all(getattr(est, k) is v for k, v in params.items())
    again = get_estimator(name, **params)
    assert again.get_params() == params
    assert type(est).__name__ in repr(est)


@pytest.mark.parametrize("name", available())
def test_shape_order_diagonal_and_cost(name, suite, backend):
    aff = _estimate(name, suite, backend)
    n = len(suite.names)
    assert aff.tasks == suite.names
    assert aff.method == name
    assert aff.values.shape == (n, n)
    assert np.isnan(np.diag(aff.values)).all()
    off = aff.values[~np.eye(n, dtype=bool)]
    assert np.isfinite(off).all()
    assert aff.cost.seconds > 0 and aff.cost.steps > 0 and aff.cost.examples > 0
    assert aff.cost_fraction == pytest.approx(aff.cost.steps / REFERENCE.steps)
    d = aff.to_dict()
    assert d["tasks"] == list(suite.names) and d["cost"]["fraction"] == aff.cost_fraction


@pytest.mark.parametrize("name", available())
def test_deterministic_under_a_seed(name, suite, backend):
    first = _estimate(name, suite, backend)
    again = get_estimator(name).estimate(suite, backend, Budget(seed=0))
    np.testing.assert_array_equal(first.values, again.values)


@pytest.mark.parametrize("name", available())
def test_permutation_equivariant(name, suite, backend):
    base = _estimate(name, suite, backend)
    order = list(reversed(suite.names))
    perm = get_estimator(name).estimate(suite.subset(order), backend, Budget(seed=0))
    idx = [suite.names.index(t) for t in order]
    assert perm.tasks == tuple(order)
    np.testing.assert_allclose(perm.values, base.values[np.ix_(idx, idx)], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", available())
def test_step_budget_respected(name, suite, backend):
    aff = get_estimator(name).estimate(suite, backend, Budget(seed=0, max_steps=40))
    assert 0 < aff.cost.steps <= 40
    full = _estimate(name, suite, backend)
    assert aff.cost.steps < full.cost.steps
