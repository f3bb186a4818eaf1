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
"""

from __future__ import annotations

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._problem import EPS, Problem, problem
from taskaffinity.grouping._prune import best_rows, undominated
from taskaffinity.types import Grouping, ScoreTable

__all__ = ["select_networks", "selection_milp"]


def _levels(vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct levels (descending) of ``vals`` and each entry's level index."""
    order = np.unique(-vals)  # ascending of -v = descending of v
    levels = -order
    idx = np.searchsorted(order, -vals)
    return levels, idx


def selection_milp(
    prob: Problem, rows: np.ndarray, budget: float, *, time_limit: float | None = None
) -> tuple[list[int], bool]:
    """Solve the selection MILP over ``rows``; returns ``(chosen rows, proved_optimal)``."""
    from scipy.optimize import LinearConstraint, milp
    from scipy.sparse import coo_matrix

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
    c = -np.concatenate(obj)
    integrality = np.zeros(n_var)
    integrality[:n_x] = 1
    options: dict = {"mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = time_limit
    res = milp(
        c,
        constraints=LinearConstraint(a, np.array(lb), np.array(ub)),
        integrality=integrality,
        bounds=(np.zeros(n_var), np.ones(n_var)),
        options=options,
    )
    if res.x is None:
        raise InputError(f"no selection within budget {budget} was found ({res.message})")
    chosen = [int(rows[i]) for i in np.flatnonzero(res.x[:n_x] > 0.5)]
    return chosen, res.status == 0


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
    ``test`` (networks matched by tasks and cost). ``exact`` is False only if HiGHS stopped
    at ``time_limit`` before proving optimality. Raises
    :class:`~taskaffinity.errors.InputError` when no selection covers every task.
    """
    from taskaffinity.grouping._problem import score_on

    prob = problem(table)
    rows = _feasible_rows(prob, budget)
    if prune:
        rows = undominated(prob, rows)
    chosen = best_rows(prob, rows)
    exact, method = True, "best-per-task"
    if prob.costs[chosen].sum() > budget + EPS:
        cheapest = np.sort(prob.costs[rows])
        if len(rows) < 2 or cheapest[0] + cheapest[1] > budget + EPS:
            covers = rows[prob.members[rows].all(axis=1)]
            if not len(covers):
                raise InputError(f"no selection within budget {budget} solves every task")
            vals = prob.values[covers].sum(axis=1)
            chosen, method = [int(covers[np.argmax(vals)])], "single-network"
        else:
            chosen, exact = selection_milp(prob, rows, budget, time_limit=time_limit)
            method = "milp"
    grouping = prob.grouping(chosen, exact=exact, method=method)
    return score_on(grouping, test) if test is not None else grouping
