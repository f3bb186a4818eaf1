"""Tie-break of exact network selection: fewest task memberships, then lowest total cost
(see :mod:`taskaffinity.grouping._select_milp`). Holds the tie key and its linear form, the
smallest cover answering the easy case where every task's best network fits, and the HiGHS
call (``scipy.optimize.milp``) shared by the selection MILPs.
"""

from __future__ import annotations

import numpy as np

from taskaffinity.grouping._problem import EPS, Problem

__all__: list[str] = []


def _tie_key(prob: Problem, rows) -> tuple[int, float]:
    """Tie-break key of a selection: (task memberships, total cost)."""
    rows = list(rows)
    return int(prob.members[rows].sum()), float(prob.costs[rows].sum())


def _key_less(a: tuple[int, float], b: tuple[int, float]) -> bool:
    return a[0] < b[0] or (a[0] == b[0] and a[1] < b[1] - EPS)


def _tie_objective(prob: Problem, rows: np.ndarray, budget: float) -> np.ndarray:
    """``size + cost / (budget + 1)``: the cost term of a feasible selection is below 1."""
    return prob.members[rows].sum(axis=1) + prob.costs[rows] / (budget + 1.0)


def _milp(c, a, lb, ub, n_int: int, time_limit: float | None):
    from scipy.optimize import LinearConstraint, milp

    integrality = np.zeros(len(c))
    integrality[:n_int] = 1
    options: dict = {"mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = max(time_limit, 1e-3)
    return milp(
        c,
        constraints=LinearConstraint(a, np.array(lb), np.array(ub)),
        integrality=integrality,
        bounds=(np.zeros(len(c)), np.ones(len(c))),
        options=options,
    )


def _smallest_cover(prob: Problem, options: list[np.ndarray], budget: float) -> list[int] | None:
    """Fewest task memberships (then cheapest) set of rows meeting every row set in
    ``options`` within ``budget``; ``None`` if none fits."""
    if all(len(o) == 1 for o in options):
        chosen = sorted({int(o[0]) for o in options})
        return chosen if prob.costs[chosen].sum() <= budget + EPS else None
    from scipy.sparse import coo_matrix

    cand = np.unique(np.concatenate(options))
    rr = [np.zeros(len(cand), dtype=int)]  # row 0: the budget
    cc = [np.arange(len(cand))]
    dd = [prob.costs[cand]]
    for t, o in enumerate(options):  # row t + 1: some row reaching task t's best
        rr.append(np.full(len(o), t + 1))
        cc.append(np.searchsorted(cand, o))
        dd.append(np.ones(len(o)))
    a = coo_matrix(
        (np.concatenate(dd), (np.concatenate(rr), np.concatenate(cc))),
        shape=(len(options) + 1, len(cand)),
    ).tocsr()
    lb = [-np.inf] + [1.0] * len(options)
    ub = [budget + EPS] + [np.inf] * len(options)
    res = _milp(_tie_objective(prob, cand, budget), a, lb, ub, len(cand), None)
    if res.x is None:
        return None
    return sorted(int(r) for r in cand[res.x > 0.5])
