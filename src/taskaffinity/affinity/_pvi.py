"""Pointwise V-usable information (PVI): Ethayarajh, Choi and Swayamdipta, "Understanding
Dataset Difficulty with V-Usable Information", ICML 2022; used for task grouping by Li,
Miller, Bethard and Savova ("Identifying Task Groupings for Multi-Task Learning Using
Pointwise V-Usable Information").

For every task the same backend is trained twice with the same hyperparameters: ``g'`` on
``(x, y)`` and ``g`` on ``(empty input, y)``. For each held-out instance::

    PVI(x -> y) = -log2 g[empty](y) + log2 g'[x](y)

(the backend returns natural logs; we divide by ln 2, so PVI is in bits). A task's
V-information is the mean PVI. Tagging tasks: ``g(y)`` is the mean over the instance's
tokens of the gold tag's log-probability (the backend's documented choice), so a
tagging PVI is a per-token average in bits.

PVI does **not** define directed transfer. The AffinityMatrix of this estimator is a
documented similarity of the tasks' PVI distributions, symmetric:

* ``similarity="p_value"`` (default): ``values[i, j] = p - alpha``, with ``p`` the
  two-sample t-test p-value of PVI_i vs PVI_j (the quantity the paper's grouping
  thresholds): positive exactly when the pair is a candidate group (distributions not
  distinguishable at ``alpha``), so a grouping chosen from the matrix follows the paper's
  pairwise rule;
* ``similarity="mean_diff"``: ``values[i, j] = -|mean PVI_i - mean PVI_j|`` (bits; 0 =
  identical V-information; never positive, so a grouping chosen from it keeps tasks
  alone).
"""

from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from taskaffinity.affinity._base import Budget, Estimator, register_estimator
from taskaffinity.affinity._probe import with_max_steps
from taskaffinity.affinity._pvi_grouping import PVIGrouping, group_by_pvi, two_sample
from taskaffinity.errors import InputError
from taskaffinity.types import AffinityMatrix, Cost

__all__ = ["PVIEstimator", "PVIResult", "compute_pvi"]


@dataclass(frozen=True, eq=False)
class PVIResult:
    """Per-instance PVI of every task: ``values[task]`` has shape ``(len(split),)``, in
    bits, index ``k`` = the ``k``-th instance of the task's ``split``."""

    split: str
    values: dict[str, np.ndarray]
    cost: Cost

    @property
    def v_information(self) -> dict[str, float]:
        """Mean PVI per task (bits): the task's V-usable information estimate."""
        return {t: float(np.mean(v)) for t, v in self.values.items()}

    def records(self) -> list[tuple[str, str, int, float]]:
        """``(task, split, index, value)`` rows, tasks in order, then index."""
        return [
            (t, self.split, k, float(x)) for t, v in self.values.items() for k, x in enumerate(v)
        ]

    def to_csv(self, path: str | Path) -> Path:
        """Write the per-instance PVI as CSV with header ``task,split,index,pvi``."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["task", "split", "index", "pvi"])
            w.writerows((t, s, k, repr(x)) for t, s, k, x in self.records())
        return path

    def grouping(self, **kwargs: Any) -> PVIGrouping:
        """Statistical grouping of the tasks (see :func:`group_by_pvi`)."""
        return group_by_pvi(self.values, **kwargs)


def compute_pvi(
    suite: Any, backend: Any, seed: int = 0, *, split: str = "test", budget: Budget | None = None
) -> PVIResult:
    """Train ``g'`` and ``g[empty]`` for every task of ``suite`` and return their PVI.

    ``budget.max_steps`` is shared equally by the ``2 * n_tasks`` runs; ``max_seconds``
    is checked before each run (raises :class:`BudgetExceeded` once spent).
    """
    if split not in ("train", "dev", "test"):
        raise InputError(f"unknown split {split!r}", field="split")
    budget = budget or Budget(seed=seed)
    n_runs = 2 * len(suite.names)
    per_run = None if budget.max_steps is None else max(1, budget.max_steps // n_runs)
    runner = with_max_steps(backend, per_run)
    total, values = Cost(), {}
    for name in suite.names:
        logp = {}
        for null in (False, True):
            budget.check_time(total)
            start = time.perf_counter()
            lp, cost = runner.gold_log_probs(name, suite, seed, null_input=null, split=split)
            wall = time.perf_counter() - start
            total = total + Cost(max(wall, cost.seconds), cost.steps, cost.examples)
            logp[null] = np.asarray(lp, dtype=float)
        values[name] = (logp[False] - logp[True]) / math.log(2)
    return PVIResult(split, values, total)


@register_estimator("pvi")
class PVIEstimator(Estimator):
    """PVI-distribution similarity (Ethayarajh et al. 2022; Li et al.), see module doc.

    Parameters
    ----------
    split: held-out split whose instances get a PVI ("test" as in the papers, or "dev").
    similarity: "p_value" (p - alpha) or "mean_diff" (the AffinityMatrix's definition).
    test: "welch" (default) or "paired" (paired t-test on equal-size seeded samples).
    alpha: significance level of the grouping (``result_.grouping()``).

    After ``estimate``: ``result_`` (:class:`PVIResult`) and ``grouping_`` (PVIGrouping).
    """

    def __init__(
        self,
        *,
        split: str = "test",
        similarity: str = "p_value",
        test: str = "welch",
        alpha: float = 0.01,
    ) -> None:
        self.split = split
        self.similarity = similarity
        self.test = test
        self.alpha = alpha

    def estimate(self, suite: Any, backend: Any, budget: Budget | None = None) -> AffinityMatrix:
        """Symmetric ``(n, n)`` similarity of PVI distributions (suite order, NaN diagonal).

        Not a directed transfer estimate: PVI measures how usable each task's input is."""
        if self.similarity not in ("mean_diff", "p_value"):
            raise InputError(f"unknown similarity {self.similarity!r}", field="similarity")
        budget = budget or Budget()
        result = compute_pvi(suite, backend, budget.seed, split=self.split, budget=budget)
        self.result_ = result
        self.grouping_ = result.grouping(alpha=self.alpha, test=self.test, seed=budget.seed)
        names = tuple(suite.names)
        n = len(names)
        values = np.full((n, n), np.nan)
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                a, b = result.values[names[i]], result.values[names[j]]
                if self.similarity == "mean_diff":
                    values[i, j] = -abs(float(np.mean(a) - np.mean(b)))
                else:
                    p = two_sample(a, b, test=self.test, seed=budget.seed)[1]
                    values[i, j] = p - self.alpha
        return self._matrix(names, values, result.cost, budget)
