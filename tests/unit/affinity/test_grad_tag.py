"""Grad-TAG: the linearised fit against a library-trained model where the linearisation
is exact, the margin it linearises, its parameter checks and its step budget."""

from __future__ import annotations

import numpy as np
import pytest

from taskaffinity.affinity import (
    Budget,
    BudgetExceeded,
    GradientSketch,
    get_estimator,
    linearised_losses,
)
from taskaffinity.backends import get_backend
from taskaffinity.errors import InputError
from taskaffinity.testing import TINY_SCRATCH, synthetic_suite


def _logistic_task(rng: np.random.Generator, w_true: np.ndarray, n: int):
    x = rng.normal(size=(n, w_true.size))
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ w_true)))).astype(int)
    return x, y


def test_linearised_losses_equal_logistic_regression_trained_on_each_subset() -> None:
    """A binary logistic regression is linear in its parameters, so with the base model
    at 0 and the raw gradients as features (no projection) the predicted dev loss of
    every task is the dev log-loss of the model trained on the subset (scikit-learn, same
    ridge term)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(0)
    dim, l2 = 5, 0.5
    truths = {"a": rng.normal(size=dim), "b": rng.normal(size=dim), "c": rng.normal(size=dim)}
    data = {t: (_logistic_task(rng, w, 80), _logistic_task(rng, w, 60)) for t, w in truths.items()}
    # margin m = (2y - 1) w.x: its gradient is (2y - 1) x, its value at w = 0 is 0
    sketch = GradientSketch(
        tasks=("a", "b", "c"),
        train={t: data[t][0][0] * (2 * data[t][0][1] - 1)[:, None] for t in data},
        dev={t: data[t][1][0] * (2 * data[t][1][1] - 1)[:, None] for t in data},
        train_margin={t: np.zeros(80) for t in data},
        dev_margin={t: np.zeros(60) for t in data},
    )
    subsets = [("a",), ("a", "b"), ("a", "b", "c"), ("b", "c")]
    predicted = linearised_losses(sketch, subsets, l2)
    for subset, losses in zip(subsets, predicted, strict=True):
        x = np.concatenate([data[t][0][0] for t in subset])
        y = np.concatenate([data[t][0][1] for t in subset])
        model = LogisticRegression(C=1 / l2, fit_intercept=False, tol=1e-10, max_iter=10_000)
        model.fit(x, y)
        for t in subset:
            dev_x, dev_y = data[t][1]
            expected = log_loss(dev_y, model.predict_proba(dev_x)[:, 1], labels=[0, 1])
            assert losses[t] == pytest.approx(expected, rel=1e-4)


def test_the_margin_is_the_gold_logit_minus_the_log_sum_exp_of_the_others() -> None:
    """The link the estimator inverts: cross-entropy = softplus(-m)."""
    import torch

    z = torch.tensor([[1.5, -0.3, 0.7]])
    loss = torch.nn.functional.cross_entropy(z, torch.tensor([2])).item()
    m = -np.log(np.expm1(loss))
    assert m == pytest.approx(0.7 - np.logaddexp(1.5, -0.3), rel=1e-5)


def test_grad_tag_higher_order_subsets_give_a_finite_estimate() -> None:
    suite = synthetic_suite()
    backend = get_backend("scratch", dict(TINY_SCRATCH))
    est = get_estimator("grad_tag", subsets=6, subset_size=2, examples=20)
    aff = est.estimate(suite, backend, Budget(seed=0))
    off = aff.values[~np.eye(3, dtype=bool)]
    assert np.isfinite(off).any()
    pairs = get_estimator("grad_tag", examples=20).estimate(suite, backend, Budget(seed=0))
    # size-2 subsets hold one pair each: every sampled pair's value equals the exact one
    ok = np.isfinite(aff.values)
    assert np.allclose(aff.values[ok], pairs.values[ok])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"dim": 0}, "dim"),
        ({"subsets": -1}, "subsets"),
        ({"examples": 0}, "examples"),
        ({"l2": 0.0}, "l2"),
        ({"l2": float("nan")}, "l2"),
        ({"projection": "fourier"}, "projection"),
        ({"subset_size": 7}, "subset_size"),
    ],
)
def test_bad_hyperparameters_are_named(params: dict, field: str) -> None:
    backend = get_backend("scratch", dict(TINY_SCRATCH))
    with pytest.raises(InputError) as err:
        get_estimator("grad_tag", **params).estimate(synthetic_suite(), backend)
    assert err.value.field == field


def test_a_budget_smaller_than_the_gradients_is_refused() -> None:
    backend = get_backend("scratch", dict(TINY_SCRATCH))
    with pytest.raises(BudgetExceeded, match="per-example gradients"):
        get_estimator("grad_tag").estimate(synthetic_suite(), backend, Budget(max_steps=3))
