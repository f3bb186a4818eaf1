"""Dominance pruning and the best-per-task easy case of network selection.

The selection's answer is lexicographic (see :mod:`taskaffinity.grouping._select`): the
best objective, then, among selections within ``tol`` of it, the fewest task memberships
(sum of network sizes), then the lowest total cost. A network ``g`` is *dominated* by
``h`` (``g`` can be dropped: some lexicographically best selection avoids it) when ``h``
costs no more, solves every task of ``g`` and either

* solves exactly the tasks of ``g``, each at least as well (swapping ``g`` for ``h`` keeps
  the objective, the size and at most the cost), or
* scores every task of ``g`` better by more than ``tol``: in a best selection every
  network is needed (strictly best among the chosen ones on some task, else dropping it
  keeps the objective and lowers the size), so swapping ``g`` for ``h`` would raise the
  objective by more than ``tol``; ``g`` is in no best selection.

A larger ``h`` that only ties ``g`` on some task does not dominate it: ``g`` could win the
size tie-break. Both rules are transitive, so every dropped network has a kept dominator.
Identical networks (same tasks, cost within ``EPS``, scores within ``tol``) keep the first.
"""

from __future__ import annotations

import numpy as np

from taskaffinity.grouping._problem import EPS, Problem

__all__ = ["best_candidates", "tie_tolerance", "undominated"]


def tie_tolerance(prob: Problem) -> float:
    """Objectives within this of each other tie: ``EPS`` (1e-9) relative to the largest
    possible objective magnitude (the sum over tasks of the largest ``|score|``)."""
    mags = np.where(np.isfinite(prob.values), np.abs(prob.values), 0.0)
    return EPS * max(1.0, float(mags.max(axis=0).sum()))


def undominated(prob: Problem, rows: np.ndarray, tol: float | None = None) -> np.ndarray:
    """Subset of ``rows`` (sorted) that no other row of ``rows`` dominates (module doc)."""
    tol = tie_tolerance(prob) if tol is None else tol
    rows = np.asarray(rows, dtype=int)
    members = prob.members[rows]
    values = prob.values[rows]
    costs = prob.costs[rows]
    sizes = members.sum(axis=1)
    keep = np.ones(len(rows), dtype=bool)
    for a in range(len(rows)):
        cols = np.flatnonzero(members[a])
        cheap = costs <= costs[a] + EPS
        cheap[a] = False
        if not cheap.any():
            continue
        v, va = values[:, cols], values[a, cols]
        same = (sizes == len(cols)) & np.all(v >= va - tol, axis=1)  # same tasks, as good
        better = np.all(v > va + tol, axis=1)  # superset, strictly better on every task
        dom = cheap & (same | better)
        if not dom.any():
            continue
        # h strictly dominates a unless a also dominates h (identical): then keep the first.
        cand = np.flatnonzero(dom)
        mutual = same[cand] & (costs[cand] >= costs[a] - EPS)
        mutual &= np.all(np.abs(v[cand] - va) <= tol, axis=1)
        if np.any(~mutual) or np.any(cand[mutual] < a):
            keep[a] = False
    return rows[keep]


def best_candidates(prob: Problem, rows: np.ndarray, tol: float) -> list[np.ndarray]:
    """For each task, the rows of ``rows`` reaching its best value (within ``tol``).
    A selection reaches the best possible objective iff it meets every one of them."""
    out = []
    for t in range(prob.n_tasks):
        vals = prob.values[rows, t]
        out.append(rows[vals >= vals.max() - tol])
    return out
