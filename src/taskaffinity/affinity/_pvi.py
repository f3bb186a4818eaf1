"""Pointwise V-usable information (PVI): Ethayarajh, Choi and Swayamdipta, "Understanding
Dataset Difficulty with V-Usable Information", ICML 2022; used for task grouping by Li,
Miller, Bethard and Savova ("Identifying Task Groupings for Multi-Task Learning Using
Pointwise V-Usable Information").

For every task the same backend is trained twice with the same hyperparameters: ``g'`` on
``(x, y)`` and ``g`` on ``(empty input, y)``. For each held-out instance::

    PVI(x -> y) = -log2 g[empty](y) + log2 g'[x](y)

(the backend returns natural logs; we divide by ln 2, so PVI is in bits). A task's
V-information is the mean PVI. ``g'`` is the task's single-task run, scored from its best
dev checkpoint (reused from a study's store when it keeps it, see :func:`compute_pvi`);
``g[empty]`` is scored from its final weights, as the authors use the final model (its dev
metric is flat: it cannot see the input). Tagging tasks: ``g(y)`` is the mean over the
instance's tokens of the gold tag's log-probability, over the tokens the real input keeps
under the backend's length limit, the same tokens for both models; so a tagging PVI is a
per-token average in bits.

PVI does **not** define directed transfer. The AffinityMatrix of this estimator is a
documented similarity of the tasks' PVI distributions, symmetric:

* ``similarity="p_value"`` (default): ``values[i, j] = p - alpha``, with ``p`` the
  independent two-sample t-test p-value of PVI_i vs PVI_j (the quantity the paper's
  grouping thresholds): positive exactly when the pair is a candidate group (``p > alpha``,
  distributions not distinguishable at ``alpha``), so a grouping chosen from the matrix
  follows the paper's pairwise rule;
* ``similarity="mean_diff"``: ``values[i, j] = -|mean PVI_i - mean PVI_j|`` (bits; 0 =
  identical V-information; never positive, so a grouping chosen from it keeps tasks
  alone).

:class:`PVIResult` and :func:`compute_pvi` live in :mod:`taskaffinity.affinity._pvi_compute`
(re-exported here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from taskaffinity.affinity._base import Estimator, register_estimator
from taskaffinity.affinity._budget import Budget
from taskaffinity.affinity._pvi_compute import PVIResult, compute_pvi
from taskaffinity.affinity._pvi_significance import group_by_pvi, two_sample
from taskaffinity.errors import InputError
from taskaffinity.types import AffinityMatrix

if TYPE_CHECKING:
    from collections.abc import Sequence

    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite
    from taskaffinity.types import RunResult

__all__ = ["PVIEstimator", "PVIResult", "compute_pvi"]


@register_estimator("pvi")
class PVIEstimator(Estimator):
    """PVI-distribution similarity (Ethayarajh et al. 2022; Li et al.), see module doc.

    Parameters
    ----------
    split: held-out split whose instances get a PVI ("test" as in the papers, or "dev").
    similarity: "p_value" (p - alpha) or "mean_diff" (the AffinityMatrix's definition).
    test: "welch" (default) or "student": the independent two-sample t-test of a pair
        (the instances of two datasets are not paired).
    alpha: significance level of the grouping (``result_.grouping()``).
    rule: which candidate group a task similar to several joins in ``grouping_``:
        "largest" (default: the largest group, then the higher p-value) or "paper" (the
        larger test statistic, Li et al.); see :func:`group_by_pvi`.

    After ``estimate``: ``result_`` (:class:`PVIResult`) and ``grouping_`` (PVIGrouping).
    """

    def __init__(
        self,
        *,
        split: str = "test",
        similarity: str = "p_value",
        test: str = "welch",
        alpha: float = 0.01,
        rule: str = "largest",
    ) -> None:
        self.split = split
        self.similarity = similarity
        self.test = test
        self.alpha = alpha
        self.rule = rule

    def estimate(
        self,
        suite: TaskSuite,
        backend: Backend,
        budget: Budget | None = None,
        *,
        runs: Sequence[RunResult] | None = None,
    ) -> AffinityMatrix:
        """Symmetric ``(n, n)`` similarity of PVI distributions (suite order, NaN diagonal).

        Not a directed transfer estimate: PVI measures how usable each task's input is.
        ``runs``: a study's stored runs; the single-task runs among them are reused as the
        models on the real inputs (:func:`compute_pvi`), and the matrix's cost is then the
        new training only (``result_.reused`` and ``result_.reused_cost`` say what was
        reused)."""
        if self.similarity not in ("mean_diff", "p_value"):
            raise InputError(f"unknown similarity {self.similarity!r}", field="similarity")
        group_by_pvi({}, test=self.test, rule=self.rule)  # bad choices fail before training
        budget = budget or Budget()
        result = compute_pvi(
            suite, backend, budget.seed, split=self.split, budget=budget, runs=runs
        )
        self.result_ = result
        self.grouping_ = result.grouping(alpha=self.alpha, test=self.test, rule=self.rule)
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
                    p = two_sample(a, b, test=self.test)[1]
                    values[i, j] = p - self.alpha
        return self._matrix(names, values, result.cost, budget)
