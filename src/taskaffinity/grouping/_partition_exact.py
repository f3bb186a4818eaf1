"""Exact partitions of the tasks into disjoint measured networks (see
:mod:`taskaffinity.grouping._partition`).

* ``dp``: dynamic programming over subsets of tasks (``O(3^n)``), each task set scored by
  its best network; :func:`_masks` gives every network's task bitmask and total score.
* ``milp``: set-partitioning MILP (``scipy.optimize.milp``, HiGHS) over the networks, with
  an optional cost budget.
"""

from __future__ import annotations

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._problem import EPS, Problem

__all__: list[str] = []


def _masks(prob: Problem) -> tuple[list[int], np.ndarray]:
    masks = [int(sum(1 << int(t) for t in np.flatnonzero(m))) for m in prob.members]
    gains = np.array([prob.values[r][prob.members[r]].sum() for r in range(len(masks))])
    return masks, gains


def _dp(prob: Problem, k_max: int, n_groups: int | None) -> list[int]:
    n = prob.n_tasks
    masks, gains = _masks(prob)
    best: dict[int, int] = {}
    for r, m in enumerate(masks):
        if m not in best or gains[r] > gains[best[m]] + EPS:
            best[m] = r
    full = (1 << n) - 1
    f = np.full((full + 1, k_max + 1), -np.inf)
    arg = np.full((full + 1, k_max + 1), -1, dtype=int)
    f[0, 0] = 0.0
    for mask in range(1, full + 1):
        low = mask & -mask
        rest = mask ^ low
        sub = rest
        while True:
            r = best.get(sub | low)
            if r is not None:
                cand = gains[r] + f[mask ^ (sub | low), :-1]
                better = cand > f[mask, 1:] + EPS
                f[mask, 1:][better] = cand[better]
                arg[mask, 1:][better] = r
            if sub == 0:
                break
            sub = (sub - 1) & rest
    ks = [n_groups] if n_groups is not None else list(range(1, k_max + 1))
    k = max(ks, key=lambda j: (f[full, j], -j))
    if not np.isfinite(f[full, k]):
        raise InputError("no partition of the tasks into measured networks fits the constraints")
    rows, mask = [], full
    while mask:
        r = int(arg[mask, k])
        rows.append(r)
        mask ^= masks[r]
        k -= 1
    return rows


def _milp(prob, budget, k_max, n_groups, time_limit) -> tuple[list[int], bool]:
    from scipy.optimize import LinearConstraint, milp

    m, _ = prob.members.shape
    gains = np.where(prob.members, prob.values, 0.0).sum(axis=1)
    rows_a = [prob.members.T.astype(float), np.ones((1, m))]
    lb = [np.ones(prob.n_tasks), [n_groups or 1]]
    ub = [np.ones(prob.n_tasks), [n_groups or k_max]]
    if budget is not None:
        rows_a.append(prob.costs[None, :])
        lb.append([-np.inf])
        ub.append([budget + EPS])
    options: dict = {"mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = time_limit
    res = milp(
        -gains,
        constraints=LinearConstraint(np.vstack(rows_a), np.concatenate(lb), np.concatenate(ub)),
        integrality=np.ones(m),
        bounds=(0, 1),
        options=options,
    )
    if res.x is None:
        raise InputError(f"no partition fits the constraints ({res.message})")
    return [int(r) for r in np.flatnonzero(res.x > 0.5)], res.status == 0
