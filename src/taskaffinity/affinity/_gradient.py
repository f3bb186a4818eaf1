"""Gradient similarity: mean cosine similarity of task gradients on the shared parameters
during one joint training run - the quantity whose sign gradient surgery (PCGrad) acts on:
Yu, Kumar, Gupta, Levine, Hausman and Finn, "Gradient Surgery for Multi-Task Learning",
NeurIPS 2020.

Every ``every`` steps each task's loss on its own batch is differentiated with respect to
the shared parameters, and ``cos(g_i, g_j)`` is recorded; the estimate is the mean over
probed steps. Symmetric: ``values[i, j] = values[j, i]`` (cosine does not say which task
helps which). Cost: the joint run plus ``n`` backward passes per probed step (``n`` step
equivalents).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.affinity._base import Estimator, register_estimator
from taskaffinity.affinity._budget import Budget
from taskaffinity.affinity._probe import run_probe
from taskaffinity.types import AffinityMatrix

if TYPE_CHECKING:
    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite

__all__ = ["GradientCosine", "gradient_cosines"]


def gradient_cosines(ctx: Any, tasks: tuple[str, ...]) -> np.ndarray:
    """``(n, n)`` cosine similarities of the tasks' shared-parameter gradients at ``ctx``
    (NaN for tasks without a batch or with a zero gradient)."""
    import torch

    n = len(tasks)
    flat: dict[int, Any] = {}
    for i, t in enumerate(tasks):
        if t not in ctx.batches:
            continue
        shared = ctx.shared_parameters()
        grads = torch.autograd.grad(ctx.loss(t, ctx.batches[t]), shared, allow_unused=True)
        vec = torch.cat(
            [
                (g if g is not None else torch.zeros_like(p)).reshape(-1).double()
                for p, g in zip(shared, grads, strict=True)
            ]
        )
        norm = vec.norm()
        if norm > 0:
            flat[i] = vec / norm
    out = np.full((n, n), np.nan)
    for i, gi in flat.items():
        for j, gj in flat.items():
            out[i, j] = float(gi @ gj)
    return out


@register_estimator("gradient_cosine")
class GradientCosine(Estimator):
    """Mean gradient cosine similarity (Yu et al. 2020).

    Parameters
    ----------
    every:
        probe period in optimizer steps.
    """

    def __init__(self, *, every: int = 10) -> None:
        self.every = every

    def estimate(
        self, suite: TaskSuite, backend: Backend, budget: Budget | None = None
    ) -> AffinityMatrix:
        """``values[i, j]`` = mean ``cos(grad L_i, grad L_j)`` over probed steps, symmetric,
        in ``suite.names`` order, diagonal NaN."""
        budget = budget or Budget()
        n = len(suite.names)
        values, cost, _ = run_probe(
            suite, backend, budget.seed, self.every, budget.max_steps, gradient_cosines, n
        )
        return self._matrix(suite.names, values, cost, budget)
