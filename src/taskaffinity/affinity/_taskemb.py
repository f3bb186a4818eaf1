"""TaskEmb: task embeddings from the Fisher information of a model fine-tuned on each task,
and their cosine similarity as task affinity.

Vu, Wang, Munkhdalai, Sordoni, Trischler, Mattarella-Micke, Maji and Iyyer, "Exploring and
Predicting Transferability across NLP Tasks", EMNLP 2020 (Section 5, TaskEmb). For each
task ``t``: train the backend's model on ``t`` alone (one single-task run), then at the end
of training average the squared gradients of the loss of ``n_examples`` training examples,
one example at a time, with respect to the shared body's parameters: the diagonal of the
empirical Fisher information, ``e_t``. The affinity ``values[i, j] = cos(e_i, e_j)`` is
symmetric (similarity, not a direction of transfer). Cost: ``n`` single-task runs plus
``n_examples`` one-example backward passes per task (counted as ``n_examples /
batch_size`` step equivalents).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.affinity._base import Estimator, register_estimator
from taskaffinity.affinity._budget import Budget, BudgetExceeded
from taskaffinity.affinity._probe import with_max_steps
from taskaffinity.types import AffinityMatrix, Cost

if TYPE_CHECKING:
    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite

__all__ = ["TaskEmb", "fisher_embedding"]


class _FisherProbe:
    """Computes the task's Fisher embedding once, after the last optimizer step."""

    every = 1 << 30  # never probed during training; only on_end

    def __init__(self, task: str, n_examples: int, seed: int) -> None:
        self.task = task
        self.n_examples = n_examples
        self.seed = seed
        self.embedding: np.ndarray | None = None
        self.used = 0

    def on_step(self, ctx: Any) -> None:
        return None

    def on_end(self, ctx: Any) -> None:
        self.embedding, self.used = fisher_embedding(ctx, self.task, self.n_examples, self.seed)


def fisher_embedding(ctx: Any, task: str, n_examples: int, seed: int) -> tuple[np.ndarray, int]:
    """The diagonal empirical Fisher information of ``task`` on the shared parameters at
    ``ctx`` (a probe context): the mean over ``n_examples`` training examples (drawn with
    ``seed``) of the squared gradient of each example's loss. Returns ``(embedding
    (n_shared_parameters,), examples used)``."""
    import torch

    size = ctx.split_size(task, "train")
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(size, size=min(n_examples, size), replace=False))
    shared = ctx.shared_parameters()
    total = [torch.zeros_like(p, dtype=torch.float64) for p in shared]
    for i in idx:
        loss = ctx.loss(task, ctx.examples(task, "train", [int(i)]))
        grads = torch.autograd.grad(loss, shared, allow_unused=True)
        for acc, g in zip(total, grads, strict=True):
            if g is not None:
                acc += g.detach().double() ** 2
    flat = torch.cat([a.reshape(-1) for a in total]) / max(len(idx), 1)
    return flat.cpu().numpy(), len(idx)


@register_estimator("taskemb")
class TaskEmb(Estimator):
    """TaskEmb (Vu et al. 2020): cosine similarity of Fisher task embeddings.

    Parameters
    ----------
    n_examples:
        training examples whose squared gradients form each task's Fisher embedding.
    """

    def __init__(self, *, n_examples: int = 32) -> None:
        self.n_examples = n_examples

    def estimate(
        self, suite: TaskSuite, backend: Backend, budget: Budget | None = None
    ) -> AffinityMatrix:
        """``values[i, j]`` = ``cos(e_i, e_j)`` of the tasks' Fisher embeddings, symmetric,
        in ``suite.names`` order, diagonal NaN. A step budget is shared equally by the ``n``
        single-task runs after the Fisher passes' step equivalents."""
        import time

        budget = budget or Budget()
        tasks = tuple(suite.names)
        n = len(tasks)
        batch = int(getattr(backend.config, "batch_size", 1) or 1)
        fisher_steps = math.ceil(self.n_examples / batch)
        cap = None
        if budget.max_steps is not None:
            cap = (budget.max_steps - n * fisher_steps) // n
            if cap < 1:
                raise BudgetExceeded(
                    f"{budget.max_steps} steps do not cover {n} single-task runs and their "
                    f"Fisher passes ({fisher_steps} step equivalents each)"
                )
        runner = with_max_steps(backend, cap)
        start = time.perf_counter()
        emb, steps, examples = [], 0, 0
        for t in tasks:
            probe = _FisherProbe(t, self.n_examples, budget.seed)
            cost = runner.train_with_probe([t], suite, budget.seed, probe)
            if probe.embedding is None:
                raise RuntimeError(f"the backend did not call on_end for task {t!r}")
            emb.append(probe.embedding)
            steps += cost.steps + math.ceil(probe.used / batch)
            examples += cost.examples + probe.used
        mat = np.stack(emb)
        norms = np.linalg.norm(mat, axis=1, keepdims=True)
        unit = np.where(norms > 0, mat / np.where(norms > 0, norms, 1.0), 0.0)
        values = unit @ unit.T
        cost = Cost(time.perf_counter() - start, steps, examples)
        return self._matrix(tasks, values, cost, budget)
