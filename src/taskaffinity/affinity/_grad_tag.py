"""Grad-TAG: task affinity from a linearised multitask model. Li, Zhang, Zhang and
Nguyen, "Scalable Multitask Learning Using Gradient-based Estimation of Task Affinity",
KDD 2024 (their code calls it Grad-TAE).

1. **Base model.** One joint training run of all tasks gives ``theta*`` (cost: the run).
2. **Projected gradients.** For ``examples`` training and ``examples`` dev examples of
   every task (a fixed random subset per task), the gradient at ``theta*`` of the
   example's *margin* with respect to every trainable parameter (shared body and all
   heads; an example of task ``t`` has no gradient on another task's head), projected
   to ``dim`` dimensions: ``phi(x) = P grad m(x)``, ``P`` a ``(dim, D)`` random
   projection (``gaussian``: entries ``N(0, 1/dim)``; ``count_sketch``: each
   coordinate added with a random sign to one random row, for models whose ``D x dim``
   matrix would not fit in memory). The margin is defined by the example's loss
   ``l(x) = softplus(-m(x))`` (``m = -log(expm1(l))``): for a two-class head it is the
   gold logit minus the other; for ``C`` classes it is the gold logit minus the
   log-sum-exp of the others; for tagging, ``l`` is the mean loss over the example's
   tokens. Only per-example losses are needed, so any backend whose trainer builds
   batches of held-out splits works.
3. **Fine-tuning on a subset, linearised.** Training on a subset ``S`` of tasks from
   ``theta*`` is approximated by ``theta* + P^T w`` with ``w`` the ridge-regularised
   logistic fit in the projected space (``scipy.optimize.minimize``, L-BFGS)::

       w_S = argmin_w  sum_{x in train(S)} softplus(-(m0(x) + phi(x) . w)) + l2/2 |w|^2

   and task ``i``'s loss after training on ``S`` is predicted on its dev examples:
   ``L_i(S) = mean_{x in dev(i)} softplus(-(m0(x) + phi(x) . w_S))``. No subset is
   trained.
4. **Affinity.** ``subsets=0`` (default): from the exact pairs,
   ``values[i, j] = 1 - L_i({i, j}) / L_i({i})`` (row = target ``i``, column = source
   ``j``; > 0: adding ``j`` lowers ``i``'s predicted loss). ``subsets=m``: ``m`` random
   subsets of ``subset_size`` tasks (the paper's higher-order sampling), and
   ``values[i, j] = 1 - mean_{S sampled, i, j in S} L_i(S) / L_i({i})`` (NaN where no
   sampled subset holds both). :func:`linearised_losses` predicts every task's loss for
   any list of subsets.

On a model whose margin is linear in its parameters (binary logistic regression) with
``dim >= D`` the linearisation is exact: the predicted losses are those of the model
trained on each subset with the same ridge term (tested).

Cost, in training-step equivalents: the base run's optimizer steps plus the per-example
gradients, ``n_examples / batch_size`` steps (one batch backward pass = one step); the
logistic fits are counted in seconds only.
"""

from __future__ import annotations

import itertools
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.affinity._base import Estimator, register_estimator
from taskaffinity.affinity._budget import Budget, BudgetExceeded
from taskaffinity.affinity._probe import with_max_steps
from taskaffinity.errors import InputError
from taskaffinity.types import AffinityMatrix, Cost

if TYPE_CHECKING:
    from taskaffinity.backends import Backend, ProbeContext
    from taskaffinity.tasks import TaskSuite

__all__ = ["GradTAG", "GradientSketch", "fit_linearised", "linearised_losses"]

PROJECTIONS = ("gaussian", "count_sketch")
GAUSSIAN_MAX_FLOATS = 2.5e8  # a 1 GB float32 projection matrix
CHUNK = 32  # per-example gradients projected together


@dataclass
class GradientSketch:
    """Projected per-example margin gradients at the base model, per task.

    ``train[t]`` and ``dev[t]``: ``(k, dim)`` arrays ``phi(x)`` of task ``t``'s sampled
    examples; ``train_margin[t]`` and ``dev_margin[t]``: ``(k,)`` margins ``m0(x)``.
    ``examples``: how many per-example gradients were taken.
    """

    tasks: tuple[str, ...]
    train: dict[str, np.ndarray]
    dev: dict[str, np.ndarray]
    train_margin: dict[str, np.ndarray]
    dev_margin: dict[str, np.ndarray]
    examples: int = 0


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def fit_linearised(features: np.ndarray, margins: np.ndarray, l2: float) -> np.ndarray:
    """``(dim,)`` weights ``w`` minimising ``sum softplus(-(margins + features @ w)) +
    l2 / 2 * |w|^2`` (a sum over examples, as training on more data weighs the data
    more against the ridge term); ``features`` ``(N, dim)``, ``margins`` ``(N,)``."""
    from scipy.optimize import minimize

    x = np.asarray(features, dtype=np.float64)
    m0 = np.asarray(margins, dtype=np.float64)

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = m0 + x @ w
        value = float(_softplus(-z).sum() + 0.5 * l2 * (w @ w))
        grad = -(x.T @ _sigmoid(-z)) + l2 * w
        return value, grad

    start = np.zeros(x.shape[1])
    res = minimize(objective, start, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return np.asarray(res.x, dtype=np.float64)


def linearised_losses(
    sketch: GradientSketch, subsets: Sequence[Sequence[str]], l2: float
) -> list[dict[str, float]]:
    """For each subset ``S`` of ``subsets``: ``{task: L_task(S)}`` for every task of ``S``,
    the predicted mean dev loss after training on ``S`` from the base model (module
    docstring, step 3)."""
    out = []
    for subset in subsets:
        names = sorted(set(subset))
        unknown = [t for t in names if t not in sketch.train]
        if unknown:
            raise InputError(f"unknown task {unknown[0]!r} in a subset", field="subsets")
        x = np.concatenate([sketch.train[t] for t in names])
        m = np.concatenate([sketch.train_margin[t] for t in names])
        w = fit_linearised(x, m, l2)
        out.append(
            {t: float(_softplus(-(sketch.dev_margin[t] + sketch.dev[t] @ w)).mean()) for t in names}
        )
    return out


class _Projection:
    """``project(grads) -> (dim,)`` for the list of per-parameter gradients."""

    def __init__(self, shapes: list[int], dim: int, kind: str, seed: int) -> None:
        import torch

        self.dim, self.kind = dim, kind
        total = int(sum(shapes))
        gen = torch.Generator().manual_seed(int(seed))
        if kind == "gaussian":
            if total * dim > GAUSSIAN_MAX_FLOATS:
                raise InputError(
                    f"a gaussian projection of {total:,} parameters to {dim} dimensions "
                    "needs more than 1 GB; use projection='count_sketch' or a smaller dim",
                    field="projection",
                )
            self.matrix = torch.randn(total, dim, generator=gen, dtype=torch.float32)
            self.matrix /= dim**0.5
        else:
            self.rows = torch.randint(0, dim, (total,), generator=gen)
            self.signs = torch.randint(0, 2, (total,), generator=gen).float() * 2 - 1

    def __call__(self, flat: Any) -> np.ndarray:
        """``(k, dim)`` projections of the ``(k, D)`` gradients ``flat`` (one matrix
        product for the chunk: far faster than ``k`` vector products)."""
        import torch

        flat = flat.detach().float().cpu()
        if self.kind == "gaussian":
            return (flat @ self.matrix).double().numpy()
        out = torch.zeros(flat.shape[0], self.dim, dtype=torch.float32)
        out.index_add_(1, self.rows, flat * self.signs)
        return out.double().numpy()


class _SketchProbe:
    """The probe: does nothing during training; at the end takes the sketch."""

    every = 1 << 30  # never called during training

    def __init__(self, owner: GradTAG, seed: int) -> None:
        self.owner, self.seed = owner, seed
        self.sketch: GradientSketch | None = None
        self.seconds = 0.0

    def on_step(self, ctx: ProbeContext) -> None:  # pragma: no cover - every is huge
        return None

    def on_end(self, ctx: ProbeContext) -> None:
        start = time.perf_counter()
        self.sketch = self.owner.sketch(ctx, self.seed)
        self.seconds = time.perf_counter() - start


def _task_rng(seed: int, task: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(task.encode("utf-8"))])


@register_estimator("grad_tag")
class GradTAG(Estimator):
    """Grad-TAG, task affinity from a linearised multitask model (Li et al. 2024).

    Parameters
    ----------
    dim:
        projection dimension of the per-example gradients.
    subsets:
        0: affinities from every single task and pair (exact pairs); m > 0: from m random
        subsets of ``subset_size`` tasks (higher-order sampling).
    subset_size:
        tasks per sampled subset (None: half the tasks, at least 2).
    examples:
        training and dev examples per task whose gradients are taken (all when fewer).
    l2:
        ridge strength of the linearised fit.
    projection:
        "gaussian" or "count_sketch" (see the module docstring).
    """

    def __init__(
        self,
        *,
        dim: int = 64,
        subsets: int = 0,
        subset_size: int | None = None,
        examples: int = 100,
        l2: float = 1e-3,
        projection: str = "gaussian",
    ) -> None:
        self.dim = dim
        self.subsets = subsets
        self.subset_size = subset_size
        self.examples = examples
        self.l2 = l2
        self.projection = projection

    def _check(self, n_tasks: int) -> None:
        if not isinstance(self.dim, int) or self.dim < 1:
            raise InputError(f"must be an integer >= 1, got {self.dim!r}", field="dim")
        if not isinstance(self.subsets, int) or self.subsets < 0:
            raise InputError(f"must be an integer >= 0, got {self.subsets!r}", field="subsets")
        if not isinstance(self.examples, int) or self.examples < 1:
            raise InputError(f"must be an integer >= 1, got {self.examples!r}", field="examples")
        if not (isinstance(self.l2, int | float) and self.l2 > 0 and np.isfinite(self.l2)):
            raise InputError(f"must be a positive number, got {self.l2!r}", field="l2")
        if self.projection not in PROJECTIONS:
            raise InputError(
                f"unknown projection {self.projection!r}; use {', '.join(PROJECTIONS)}",
                field="projection",
            )
        size = self.subset_size
        if size is not None and (not isinstance(size, int) or not 2 <= size <= n_tasks):
            raise InputError(
                f"must be an integer in [2, {n_tasks}], got {size!r}", field="subset_size"
            )

    def sketch(self, ctx: ProbeContext, seed: int) -> GradientSketch:
        """The :class:`GradientSketch` of the model ``ctx`` holds (its current weights)."""
        import torch

        tasks = tuple(sorted(ctx.tasks))
        params = list(ctx.shared_parameters())
        for t in tasks:
            params += [p for p in ctx.head_parameters(t) if p.requires_grad]
        project = _Projection([p.numel() for p in params], self.dim, self.projection, seed)
        feats: dict[str, dict[str, np.ndarray]] = {"train": {}, "dev": {}}
        margins: dict[str, dict[str, np.ndarray]] = {"train": {}, "dev": {}}
        count = 0
        for t in tasks:
            rng = _task_rng(seed, t)
            for split in ("train", "dev"):
                size = ctx.split_size(t, split)
                k = min(self.examples, size)
                idx = np.sort(rng.choice(size, size=k, replace=False))
                rows: list[np.ndarray] = []
                ells: list[float] = []
                for chunk in np.array_split(idx, max(1, int(np.ceil(len(idx) / CHUNK)))):
                    flats = []
                    for i in chunk:
                        loss = ctx.loss(t, ctx.examples(t, split, [int(i)]))
                        grads = torch.autograd.grad(loss, params, allow_unused=True)
                        flats.append(
                            torch.cat(
                                [
                                    (g if g is not None else torch.zeros_like(p)).reshape(-1)
                                    for p, g in zip(params, grads, strict=True)
                                ]
                            )
                        )
                        ells.append(max(float(loss.detach()), 1e-12))
                    if flats:
                        rows.append(project(torch.stack(flats)))
                ell = np.array(ells, dtype=np.float64)
                # m = -log(expm1(l)); dm/dl = -exp(l) / expm1(l)
                scale = -(np.exp(ell) / np.expm1(ell))
                proj = np.concatenate(rows) if rows else np.zeros((0, self.dim))
                feats[split][t] = proj * scale[:, None]
                margins[split][t] = -np.log(np.expm1(ell))
                count += len(ell)
        return GradientSketch(
            tasks, feats["train"], feats["dev"], margins["train"], margins["dev"], count
        )

    def _subsets(self, tasks: tuple[str, ...], seed: int) -> list[tuple[str, ...]]:
        singles = [(t,) for t in tasks]
        if self.subsets == 0:
            return singles + list(itertools.combinations(tasks, 2))
        size = self.subset_size or max(2, len(tasks) // 2)
        rng = np.random.default_rng([seed, 104729])
        drawn = [
            tuple(sorted(tasks[k] for k in rng.choice(len(tasks), size=size, replace=False)))
            for _ in range(self.subsets)
        ]
        return singles + drawn

    def estimate(
        self, suite: TaskSuite, backend: Backend, budget: Budget | None = None
    ) -> AffinityMatrix:
        """``values[i, j]`` = predicted relative loss reduction of target ``i`` from adding
        source ``j`` (row = target, column = source), in ``suite.names`` order, diagonal
        NaN; see the module docstring."""
        budget = budget or Budget()
        names = tuple(suite.names)
        self._check(len(names))
        tasks = tuple(sorted(names))
        probe = _SketchProbe(self, budget.seed)
        batch = int(getattr(getattr(backend, "config", None), "batch_size", 1)) or 1
        n_grads = sum(
            min(self.examples, len(suite.task(t).train))
            + min(self.examples, len(suite.task(t).dev))
            for t in tasks
        )
        grad_steps = int(np.ceil(n_grads / batch))
        cap = None
        if budget.max_steps is not None:
            cap = budget.max_steps - grad_steps
            if cap < 1:
                raise BudgetExceeded(
                    f"the {n_grads} per-example gradients alone cost {grad_steps} steps, "
                    f"more than the budget's {budget.max_steps}; lower 'examples'"
                )
        start = time.perf_counter()
        run_cost = with_max_steps(backend, cap).train_with_probe(
            list(tasks), suite, budget.seed, probe
        )
        if probe.sketch is None:
            raise InputError(
                "the backend's training loop never called the probe's on_end", field="backend"
            )
        subsets = self._subsets(tasks, budget.seed)
        losses = linearised_losses(probe.sketch, subsets, float(self.l2))
        alone = {s[0]: losses[k][s[0]] for k, s in enumerate(subsets) if len(s) == 1}
        total = np.zeros((len(names), len(names)))
        count = np.zeros((len(names), len(names)))
        pos = {t: k for k, t in enumerate(names)}
        for subset, loss in zip(subsets, losses, strict=True):
            for i in subset:
                for j in subset:
                    if i != j:
                        total[pos[i], pos[j]] += loss[i]
                        count[pos[i], pos[j]] += 1
        base = np.array([alone[t] for t in names])[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(count > 0, 1.0 - (total / np.maximum(count, 1)) / base, np.nan)
        seconds = max(time.perf_counter() - start, run_cost.seconds)
        cost = Cost(seconds, run_cost.steps + grad_steps, run_cost.examples + probe.sketch.examples)
        return self._matrix(names, values, cost, budget)
