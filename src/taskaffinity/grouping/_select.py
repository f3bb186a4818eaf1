"""Exact network selection under a budget (Standley et al., ICML 2020, Section 5).

Choose networks with total cost ``<= budget`` so that every task is solved by at least one
of them, maximising (or, for losses, minimising) the sum over tasks of each task's best
score among the chosen networks. Solved exactly with ``scipy.optimize.milp`` (HiGHS) after
dominance pruning; two easy cases are answered directly (each task's best network fits the
budget; only one network fits).

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
Easy cases follow the same rule: when every task's best network fits together, the answer is
the smallest (then cheapest) set of networks reaching every task's best score; when no two
networks fit, the best single network covering every task (ties: the cheapest).
"""

from __future__ import annotations

import time

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._problem import EPS, Problem, problem
from taskaffinity.grouping._prune import best_candidates, tie_tolerance, undominated
from taskaffinity.types import Grouping, ScoreTable

__all__ = ["select_networks", "selection_milp"]


def _levels(vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct levels (descending) of ``vals`` and each entry's level index."""
    order = np.unique(-vals)  # ascending of -v = descending of v
    levels = -order
    idx = np.searchsorted(order, -vals)
    return levels, idx


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


def _feasible_rows(prob: Problem, budget: float) -> np.ndarray:
    rows = np.flatnonzero(prob.costs <= budget + EPS)
    uncovered = [t for t in range(prob.n_tasks) if not prob.members[rows, t].any()]
    if uncovered:
        names = [prob.table.tasks[t] for t in uncovered]
        raise InputError(f"no network within budget {budget} solves tasks {names}")
    return rows


def select_networks(
    table: ScoreTable,
    budget: float,
    *,
    test: ScoreTable | None = None,
    prune: bool = True,
    time_limit: float | None = None,
) -> Grouping:
    """Exact network selection under ``budget`` (see the module docstring).

    Returns a :class:`Grouping` of the chosen networks (sorted by table row) with
    ``predicted`` = the objective on ``table`` (sum over tasks of the best score, in table
    units) and, when ``test`` is given, ``measured`` = the same networks' objective on
    ``test`` (networks matched by tasks and cost). Ties (objective within 1e-9 relative):
    fewest task memberships, then lowest cost. ``exact`` is False only if HiGHS stopped
    at ``time_limit`` before proving optimality. Raises
    :class:`~taskaffinity.errors.InputError` when no selection covers every task.
    """
    from taskaffinity.grouping._problem import score_on

    prob = problem(table)
    tol = tie_tolerance(prob)
    rows = _feasible_rows(prob, budget)
    if prune:
        rows = undominated(prob, rows, tol)
    exact, method = True, "best-per-task"
    chosen = _smallest_cover(prob, best_candidates(prob, rows, tol), budget)
    if chosen is None:
        cheapest = np.sort(prob.costs[rows])
        if len(rows) < 2 or cheapest[0] + cheapest[1] > budget + EPS:
            covers = rows[prob.members[rows].all(axis=1)]
            if not len(covers):
                raise InputError(f"no selection within budget {budget} solves every task")
            vals = prob.values[covers].sum(axis=1)
            tied = covers[vals >= vals.max() - tol]  # all of size n_tasks: cheapest wins
            chosen, method = [int(tied[np.argmin(prob.costs[tied])])], "single-network"
        else:
            chosen, exact = selection_milp(prob, rows, budget, time_limit=time_limit, tol=tol)
            method = "milp"
    grouping = prob.grouping(chosen, exact=exact, method=method)
    return score_on(grouping, test) if test is not None else grouping
