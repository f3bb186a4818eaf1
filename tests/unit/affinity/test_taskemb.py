"""TaskEmb (Vu et al. 2020) on a tiny model."""

from __future__ import annotations

import numpy as np
import pytest

from taskaffinity.affinity import Budget, BudgetExceeded, fisher_embedding, get_estimator
from taskaffinity.backends import get_backend
from taskaffinity.testing import TINY_SCRATCH, synthetic_suite


class _LinearContext:
    """A probe context over a linear model ``w . x`` with squared loss (the Fisher
    diagonal is then known in closed form)."""

    def __init__(self) -> None:
        import torch

        self.w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
        self.x = torch.tensor([[1.0, 0.0, 2.0], [0.0, 3.0, 1.0], [2.0, 1.0, 0.0]])
        self.y = torch.tensor([1.0, -2.0, 0.5])

    def split_size(self, task: str, split: str) -> int:
        return 3

    def shared_parameters(self) -> list:
        return [self.w]

    def examples(self, task: str, split: str, idx: list[int]) -> dict:
        return {"x": self.x[idx], "y": self.y[idx]}

    def loss(self, task: str, batch: dict):  # type: ignore[no-untyped-def]
        return ((batch["x"] @ self.w - batch["y"]) ** 2).mean()


def test_fisher_embedding_is_the_mean_squared_per_example_gradient() -> None:
    ctx = _LinearContext()
    emb, used = fisher_embedding(ctx, "t", 10, seed=0)
    x, y, w = ctx.x.numpy(), ctx.y.numpy(), ctx.w.detach().numpy()
    grads = 2 * (x @ w - y)[:, None] * x  # one row per example
    assert used == 3
    assert np.allclose(emb, (grads**2).mean(axis=0))


def test_taskemb_on_a_tiny_model_gives_symmetric_cosines() -> None:
    suite = synthetic_suite()
    backend = get_backend("scratch", dict(TINY_SCRATCH))
    aff = get_estimator("taskemb", n_examples=16).estimate(suite, backend, Budget(seed=0))
    off = aff.values[~np.eye(len(suite.names), dtype=bool)]
    assert np.allclose(aff.values, aff.values.T, equal_nan=True)
    assert ((off > 0) & (off < 1)).all()
    assert aff.cost.examples > 0 and aff.params == {"n_examples": 16}


def test_a_budget_too_small_for_the_fisher_passes_is_refused() -> None:
    suite = synthetic_suite()
    backend = get_backend("scratch", dict(TINY_SCRATCH))
    with pytest.raises(BudgetExceeded, match="Fisher"):
        get_estimator("taskemb", n_examples=64).estimate(
            suite, backend, Budget(seed=0, max_steps=3)
        )
