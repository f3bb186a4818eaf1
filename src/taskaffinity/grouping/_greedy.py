"""Greedy network selection (heuristic, ``exact=False``): start from the cheapest cover
of all tasks (a small set-cover MILP), then repeatedly add the affordable network with the
largest objective gain per unit cost until none improves. Fast on any size; no guarantee.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._problem import EPS, problem

if TYPE_CHECKING:
    from taskaffinity.types import Grouping, ScoreTable

__all__ = ["greedy_select"]


def _cheapest_cover(members: np.ndarray, costs: np.ndarray) -> list[int]:
    from scipy.optimize import LinearConstraint, milp

    res = milp(
        costs + 1e-9,
        constraints=LinearConstraint(members.T.astype(float), 1, np.inf),
        integrality=np.ones(len(costs)),
        bounds=(0, 1),
    )
    if res.x is None:
        raise InputError("some task is solved by no network")
    return [int(r) for r in np.flatnonzero(res.x > 0.5)]


def greedy_select(table: ScoreTable, budget: float) -> Grouping:
    """Heuristic selection under ``budget`` (see the module docstring); table units. The
    search registered as ``greedy_select``."""
    prob = problem(table)
    chosen = _cheapest_cover(prob.members, prob.costs)
    spent = float(prob.costs[chosen].sum())
    if spent > budget + EPS:
        raise InputError(f"no selection within budget {budget} solves every task")
    cur = prob.values[chosen].max(axis=0)
    while True:
        gain = np.maximum(prob.values, cur).sum(axis=1) - cur.sum()
        ok = (prob.costs + spent <= budget + EPS) & (gain > EPS)
        ok[chosen] = False
        if not ok.any():
            break
        ratio = np.where(ok, gain / np.maximum(prob.costs, EPS), -np.inf)
        r = int(np.argmax(ratio))
        chosen.append(r)
        spent += float(prob.costs[r])
        cur = np.maximum(cur, prob.values[r])
    return prob.grouping(chosen, exact=False, method="greedy_select")
