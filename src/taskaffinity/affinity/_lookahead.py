"""Lookahead task affinity (TAG): Fifty, Amid, Zhao, Yu, Anil and Finn, "Efficiently
Identifying Task Groupings for Multi-Task Learning", NeurIPS 2021.

During one joint training run of all tasks, every ``every`` steps and for every source
task ``i``: take one step of the shared parameters on task ``i``'s loss alone,
measure every task ``j``'s loss on its own batch before and after, and restore the
parameters::

    Z[i -> j] = 1 - L_j(theta - lr * grad_theta L_i) / L_j(theta)

``Z[i -> j] > 0``: a step on ``i`` lowers ``j``'s loss (``i`` helps ``j``). Averaged over
the probed steps.

The lookahead step: Fifty et al. take the optimizer's own update. Our trainers use AdamW,
whose update moves every coordinate by about ``lr`` whatever the gradient's scale, while
``lr * grad`` with small gradients changes the loss by less than float32 resolution
(relative changes near 1e-7 were measured on a frozen-encoder run). So by default
(``step="adam"``) each shared tensor's gradient is scaled to unit RMS before the step (the
magnitude of an Adam step, without its per-coordinate second-moment state, which a probe
cannot see); ``step="sgd"`` is the plain ``lr * grad`` step.

Returned as ``values[j, i] = Z[i -> j]`` (row = target ``j``, column = source ``i``).
Cost: the joint run plus ``n`` lookahead steps and ``n * (n + 1)`` loss evaluations per
probed step (counted in ``Cost.steps`` as ``n + n (n + 1) / 3``
training-step equivalents).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.affinity._base import Estimator, register_estimator
from taskaffinity.affinity._budget import Budget
from taskaffinity.affinity._probe import run_probe
from taskaffinity.errors import InputError
from taskaffinity.types import AffinityMatrix

if TYPE_CHECKING:
    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite

__all__ = ["LookaheadAffinity", "lookahead_step"]


def lookahead_step(
    ctx: Any, tasks: tuple[str, ...], lr: float | None = None, step: str = "adam"
) -> np.ndarray:
    """One probed step: ``(n, n)`` array ``out[j, i] = Z[i -> j]`` (row = target).

    ``step``: "adam" (gradient scaled to unit RMS per tensor) or "sgd" (see module doc).
    Tasks absent from ``ctx.batches`` give NaN rows and columns."""
    if step not in ("adam", "sgd"):
        raise InputError(f"unknown lookahead step {step!r}; use 'adam' or 'sgd'", field="step")
    import torch

    n = len(tasks)
    out = np.full((n, n), np.nan)
    present = [t for t in tasks if t in ctx.batches]
    size = ctx.lr if lr is None else lr
    with torch.no_grad():
        before = {j: float(ctx.loss(j, ctx.batches[j])) for j in present}
    for src in present:
        i = tasks.index(src)
        with ctx.preserved():
            shared = ctx.shared_parameters()
            loss = ctx.loss(src, ctx.batches[src])
            grads = torch.autograd.grad(loss, shared, allow_unused=True)
            with torch.no_grad():
                for p, g in zip(shared, grads, strict=True):
                    if g is None:
                        continue
                    if step == "adam":
                        g = g / g.pow(2).mean().sqrt().clamp(min=1e-12)
                    p -= size * g
                for tgt in present:
                    after = float(ctx.loss(tgt, ctx.batches[tgt]))
                    if before[tgt] > 0:
                        out[tasks.index(tgt), i] = 1.0 - after / before[tgt]
    return out


@register_estimator("tag")
class LookaheadAffinity(Estimator):
    """Lookahead task affinity (Fifty et al. 2021).

    Parameters
    ----------
    every:
        probe period ``k`` in optimizer steps.
    lookahead_lr:
        step size of the lookahead step; None uses the run's current learning rate.
    step:
        "adam" (default: gradient scaled to unit RMS per tensor, the size of an Adam
        update) or "sgd" (``lr * grad``); see the module docstring.
    """

    def __init__(
        self, *, every: int = 10, lookahead_lr: float | None = None, step: str = "adam"
    ) -> None:
        self.every = every
        self.lookahead_lr = lookahead_lr
        self.step = step

    def estimate(
        self, suite: TaskSuite, backend: Backend, budget: Budget | None = None
    ) -> AffinityMatrix:
        """``values[j, i]`` = mean ``Z[i -> j]`` (row = target ``j``, column = source ``i``),
        in ``suite.names`` order, diagonal NaN (self-affinity is measured but not kept)."""
        budget = budget or Budget()
        lr, step = self.lookahead_lr, self.step
        if step not in ("adam", "sgd"):
            raise InputError(f"unknown lookahead step {step!r}; use 'adam' or 'sgd'", field="step")

        def measure(ctx: Any, tasks: tuple[str, ...]) -> np.ndarray:
            return lookahead_step(ctx, tasks, lr, step)

        n = len(suite.names)
        work = n + n * (n + 1) / 3.0  # n lookahead backward passes, n(n+1) forward losses
        values, cost, _ = run_probe(
            suite, backend, budget.seed, self.every, budget.max_steps, measure, work
        )
        return self._matrix(suite.names, values, cost, budget)
