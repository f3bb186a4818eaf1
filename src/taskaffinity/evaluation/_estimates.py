"""Scoring an estimate against the measured truth: the yardstick of every estimator.

* :func:`evaluate_table`: a predicted :class:`ScoreTable` (HOA, surrogate, ...) against a
  measured one, cell by cell (group, task).
* :func:`evaluate_affinity`: a pairwise :class:`AffinityMatrix` against a measured
  :class:`GainMatrix`, on the off-diagonal cells (row = target task, column = source task).

Both report Spearman and Kendall rank correlations (``scipy.stats``) overall and per target
task, the top-k precision of each target's best partners, and the regret of the grouping
chosen from the prediction: ``true value of the best partition - true value of the
partition chosen on the prediction``, always ``>= 0`` (a loss table is negated first),
summed over tasks: in the truth's score units for :func:`evaluate_table`, in gain-rate
percentage points for :func:`evaluate_affinity` (both sides of it in that one unit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from taskaffinity.analysis import gain_matrix, gain_rate
from taskaffinity.evaluation._agreement import partition_regret, rank_agreement, top_partners
from taskaffinity.tables import all_groups, hoa, take_rows
from taskaffinity.types import AffinityMatrix, GainMatrix, ScoreTable

__all__ = ["evaluate_affinity", "evaluate_table"]


def evaluate_table(
    pred: ScoreTable,
    truth: ScoreTable,
    *,
    k: int = 1,
    exclude: Iterable[Sequence[str]] = (),
    min_size: int = 1,
    regret: bool = True,
) -> dict[str, Any]:
    """Score a predicted table against the measured ``truth`` (same tasks and direction).

    Cells are ``(group, task)`` present in both (groups matched by task set, first row),
    restricted to groups of at least ``min_size`` tasks and not in ``exclude`` (e.g. the
    groups the estimator measured). ``top1``/``topk`` compare each target's pair partners.
    ``regret``: best partition of ``truth`` minus the truth value of the best partition of
    ``pred`` restricted to groups ``truth`` measured (exact searches; >= 0).
    Returns ``{"spearman", "kendall", "n", "per_target", "top1", "topk", "k", "regret",
    "best_value", "chosen_value", "best_groups", "chosen_groups", "regret_exact"}``.
    """
    if pred.tasks != truth.tasks or pred.higher_is_better != truth.higher_is_better:
        raise ValueError("pred and truth need the same tasks (order) and direction")
    skip = {tuple(sorted(g)) for g in exclude}
    where = {}
    for g, grp in enumerate(pred.groups):
        where.setdefault(grp, g)
    xs, ys, ts = [], [], []
    for g, grp in enumerate(truth.groups):
        if grp not in where or grp in skip or len(grp) < min_size:
            continue
        for t in grp:
            i = truth.index(t)
            a, b = pred.scores[where[grp], i], truth.scores[g, i]
            if not (np.isnan(a) or np.isnan(b)):
                xs.append(a)
                ys.append(b)
                ts.append(i)
    out = rank_agreement(np.array(xs), np.array(ys), np.array(ts, dtype=int), truth.tasks)
    sign = 1.0 if truth.higher_is_better else -1.0
    out.update(top_partners(sign * gain_matrix(pred).values, sign * gain_matrix(truth).values, k))
    out["k"] = k
    if regret:
        shared = [g for g, grp in enumerate(pred.groups) if grp in set(truth.groups)]
        out.update(partition_regret(take_rows(pred, shared), truth))
    return out


def _hoa_table(
    tasks: tuple[str, ...], values: np.ndarray, higher: bool, max_size: int | None
) -> ScoreTable:
    """HOA table over every group of at most ``max_size`` tasks (all when None) built from
    the singles and pairs of the ``(n, n)`` matrix ``values`` (row = target)."""
    base = ScoreTable.from_matrix(tasks, values, higher_is_better=higher)
    return hoa(base, groups=all_groups(tasks, max_size=max_size))


def evaluate_affinity(
    affinity: AffinityMatrix,
    truth: GainMatrix,
    *,
    k: int = 3,
    regret: bool = True,
    max_exact_tasks: int = 12,
) -> dict[str, Any]:
    """Score a pairwise ``affinity`` (``values[i, j]``: how much source ``j`` helps target
    ``i``) against the measured ``truth`` gain matrix, on the off-diagonal cells.

    The true transfer is the direction-aware gain rate ``sign * (pair - single) / |single|
    * 100`` (:func:`~taskaffinity.analysis.gain_rate`; sign = -1 for losses; positive = the
    source helped). ``regret`` is measured in that one unit on both sides: a group's value
    is computed HOA-style (Standley et al. 2020), each task scoring 0 if alone, else the
    mean over the other members of its pairwise transfer (prediction: the affinity; truth:
    the gain rate in percent). The best partition of the prediction is valued on the truth
    and compared with the truth's best partition: ``regret``, ``best_value`` and
    ``chosen_value`` are sums over tasks of gain rates in percentage points (``regret >=
    0``; 0 for an estimate equal to the true gain rates, in percent or as fractions, since
    only the prediction's ranking of partitions matters). Up to ``max_exact_tasks`` tasks
    every group is considered; beyond, only groups of at most 3 tasks
    (``regret_max_group_size`` says which).
    Returns ``{"spearman", "kendall", "n", "per_target", "top1", "topk", "k", "regret",
    ...}``.
    """
    if tuple(affinity.tasks) != tuple(truth.tasks):
        raise ValueError("affinity and truth need the same tasks in the same order")
    n = len(truth.tasks)
    gains = gain_rate(truth.values, truth.higher_is_better) / 100.0
    pred = np.array(affinity.values, dtype=float)
    off = ~np.eye(n, dtype=bool) & ~np.isnan(pred) & ~np.isnan(gains)
    rows = np.nonzero(off)[0]
    out = rank_agreement(pred[off], gains[off], rows, truth.tasks)
    out.update(top_partners(np.where(off, pred, np.nan), np.where(off, gains, np.nan), k))
    out["k"] = k
    if regret:
        size = None if n <= max_exact_tasks else 3
        p = pred.copy()
        np.fill_diagonal(p, 0.0)
        rates = gains * 100.0
        np.fill_diagonal(rates, 0.0)
        tasks = tuple(truth.tasks)
        out.update(
            partition_regret(_hoa_table(tasks, p, True, size), _hoa_table(tasks, rates, True, size))
        )
        out["regret_max_group_size"] = size or n
    return out
