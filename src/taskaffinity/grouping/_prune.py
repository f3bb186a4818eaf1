"""Dominance pruning and easy cases of network selection.

A network ``g`` is *dominated* by ``h`` when ``h`` costs no more, solves every task of
``g``, and scores each of them at least as well: any selection using ``g`` stays feasible
and is no worse with ``h`` instead, so ``g`` can be dropped without losing optimality.
Among identical networks only the first is kept.
"""

from __future__ import annotations

import numpy as np

from taskaffinity.grouping._problem import EPS, Problem

__all__ = ["best_rows", "undominated"]


def undominated(prob: Problem, rows: np.ndarray) -> np.ndarray:
    """Subset of ``rows`` (sorted) that no other row of ``rows`` dominates."""
    rows = np.asarray(rows, dtype=int)
    members = prob.members[rows]
    values = prob.values[rows]
    costs = prob.costs[rows]
    keep = np.ones(len(rows), dtype=bool)
    for a in range(len(rows)):
        cols = np.flatnonzero(members[a])
        dom = (costs <= costs[a] + EPS) & np.all(values[:, cols] >= values[a, cols] - EPS, axis=1)
        dom[a] = False
        if not dom.any():
            continue
        # h strictly dominates a unless a also dominates h (identical): then keep the first.
        cand = np.flatnonzero(dom)
        mutual = (costs[cand] >= costs[a] - EPS) & (members[cand].sum(axis=1) == len(cols))
        mutual &= np.all(np.abs(values[np.ix_(cand, cols)] - values[a, cols]) <= EPS, axis=1)
        if np.any(~mutual) or np.any(cand[mutual] < a):
            keep[a] = False
    return rows[keep]


def best_rows(prob: Problem, rows: np.ndarray) -> list[int]:
    """For each task, one row of ``rows`` reaching its best value (the cheapest such row,
    preferring rows already chosen for another task). Their union is optimal whenever it
    fits the budget."""
    chosen: list[int] = []
    for t in range(prob.n_tasks):
        vals = prob.values[rows, t]
        best = np.flatnonzero(vals >= vals.max() - EPS)
        cand = rows[best]
        again = [r for r in cand if r in chosen]
        if again:
            continue
        chosen.append(int(cand[np.argmin(prob.costs[cand])]))
    return chosen
