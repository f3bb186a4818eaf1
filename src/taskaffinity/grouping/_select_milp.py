"""The selection MILP of :func:`~taskaffinity.grouping.select_networks` and its tie-break.

MILP ("ordered levels" / radius formulation, Elloumi 2004 for p-median): binary ``x_g``
per network; for task ``t`` with distinct score levels ``u_1 > ... > u_K`` among the
networks that contain it, continuous ``w_{t,k} in [0, 1]`` ("t reaches level k") with the
chain ``w_{t,k} <= w_{t,k-1} + sum_{g at level k} x_g`` (``w_{t,0} = 0``), coverage
``sum_{g ni t} x_g >= 1`` and the budget ``sum_g c_g x_g <= B``; the objective is
``sum_t u_K + sum_k (u_k - u_{k+1}) w_{t,k}``. The chain is a sparse rewriting of
``w_{t,k} <= sum_{g: v_gt >= u_k} x_g`` with the same LP bound.

Ties. Several selections can reach the optimum (exactly, e.g. HOA predictions that
coincide on the tasks that matter, or a network that adds nothing). Among selections whose
objective is within ``tol`` of the optimum (:func:`~taskaffinity.grouping._prune.tie_tolerance`:
1e-9 relative, far below the resolution of measured scores), the answer has the fewest task
memberships (sum of network sizes: smaller networks, and no network that adds nothing),
then the lowest total cost; only a tie on all three is left to the solver. This is
solved lexicographically: after the MILP above, a second MILP fixes the objective at
``>= optimum - tol`` and minimises ``size + cost / (budget + 1)`` (the cost term is below
1, so it only orders selections of equal size). Its answer is checked on the exact
objective and kept only if it is no worse there and no larger than the first. Pruning keeps
every network that could win this tie-break (see :mod:`taskaffinity.grouping._prune`).
Easy cases follow the same rule (see :mod:`taskaffinity.grouping._select`).
"""

from __future__ import annotations

import time

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._problem import EPS, Problem
from taskaffinity.grouping._prune import tie_tolerance
from taskaffinity.grouping._select_ties import _key_less, _milp, _tie_key, _tie_objective

__all__ = ["selection_milp"]


def _levels(vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct levels (descending) of ``vals`` and each entry's level index."""
    order = np.unique(-vals)  # ascending of -v = descending of v
    levels = -order
    idx = np.searchsorted(order, -vals)
    return levels, idx


def selection_milp(
    prob: Problem,
    rows: np.ndarray,
    budget: float,
    *,
    time_limit: float | None = None,
    tol: float | None = None,
) -> tuple[list[int], bool]:
    """Solve the selection MILP over ``rows``, then the tie-break MILP (module docstring);
    returns ``(chosen rows, proved_optimal)`` (``proved_optimal`` refers to the objective)."""
    from scipy.sparse import coo_matrix, vstack

    tol = tie_tolerance(prob) if tol is None else tol
    t_start = time.perf_counter()
    n_x = len(rows)
    obj = [np.zeros(n_x)]
    r_idx: list[np.ndarray] = []
    c_idx: list[np.ndarray] = []
    data: list[np.ndarray] = []
    lb: list[float] = []
    ub: list[float] = []
    n_con = 0
    n_var = n_x

    def add(rr, cc, dd):
        r_idx.append(np.asarray(rr, dtype=int))
        c_idx.append(np.asarray(cc, dtype=int))
        data.append(np.asarray(dd, dtype=float))

    add(np.zeros(n_x), np.arange(n_x), prob.costs[rows])  # budget row
    lb.append(-np.inf)
    ub.append(budget + EPS)
    n_con = 1
    const = 0.0
    for t in range(prob.n_tasks):
        inside = np.flatnonzero(prob.members[rows, t])
        add(np.full(len(inside), n_con), inside, np.ones(len(inside)))  # coverage
        lb.append(1.0)
        ub.append(np.inf)
        n_con += 1
        levels, idx = _levels(prob.values[rows[inside], t])
        const += levels[-1]
        k_n = len(levels) - 1  # w variables for levels 0 .. K-2
        if k_n == 0:
            continue
        w = n_var + np.arange(k_n)
        obj.append(levels[:-1] - levels[1:])
        n_var += k_n
        cons = n_con + np.arange(k_n)
        # w_k - w_{k-1} - sum_{g at level k} x_g <= 0
        add(cons, w, np.ones(k_n))
        add(cons[1:], w[:-1], -np.ones(k_n - 1))
        at = idx < k_n
        add(cons[idx[at]], inside[at], -np.ones(int(at.sum())))
        lb.extend([-np.inf] * k_n)
        ub.extend([0.0] * k_n)
        n_con += k_n
    a = coo_matrix(
        (np.concatenate(data), (np.concatenate(r_idx), np.concatenate(c_idx))),
        shape=(n_con, n_var),
    ).tocsr()
    gain = np.concatenate(obj)
    res = _milp(-gain, a, lb, ub, n_x, time_limit)
    if res.x is None:
        raise InputError(f"no selection within budget {budget} was found ({res.message})")
    chosen = [int(rows[i]) for i in np.flatnonzero(res.x[:n_x] > 0.5)]
    proved = res.status == 0
    if not proved:
        return chosen, False
    # Tie-break: objective >= optimum - tol, minimise size, then cost.
    best = prob.value(chosen)
    left = None if time_limit is None else time_limit - (time.perf_counter() - t_start)
    c2 = np.concatenate([_tie_objective(prob, rows, budget), np.zeros(n_var - n_x)])
    a2 = vstack([a, coo_matrix(gain.reshape(1, -1))]).tocsr()
    res2 = _milp(c2, a2, [*lb, best - const - tol], [*ub, np.inf], n_x, left)
    if res2.x is not None:
        other = [int(rows[i]) for i in np.flatnonzero(res2.x[:n_x] > 0.5)]
        fits = prob.costs[other].sum() <= budget + EPS
        tied = prob.value(other) >= best - tol  # the exact objective, not HiGHS's
        if fits and tied and _key_less(_tie_key(prob, other), _tie_key(prob, chosen)):
            chosen = other
    return chosen, True
