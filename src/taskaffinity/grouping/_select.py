"""Exact network selection under a budget (Standley et al., ICML 2020, Section 5).

Choose networks with total cost ``<= budget`` so that every task is solved by at least one
of them, maximising (or, for losses, minimising) the sum over tasks of each task's best
score among the chosen networks. Solved exactly with ``scipy.optimize.milp`` (HiGHS) after
dominance pruning (:mod:`taskaffinity.grouping._prune`); two easy cases are answered
directly (each task's best network fits the budget; only one network fits).

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
1, so it only orders selections of equal size). The second MILP runs over the networks that
can be in a tied selection at all: reduced-cost fixing with a certified LP bound
(:func:`tie_possible`) drops every network whose inclusion provably costs more than
``tol``; on MIMIC-III this leaves 9-17 of 2,181 networks. Its answer is checked on the
exact objective and kept only if it is no worse there and no larger than the first.
Pruning keeps every network that could win this tie-break (see
:mod:`taskaffinity.grouping._prune`). The easy cases follow the same rule: when every
task's best network fits together, the answer is the smallest (then cheapest) set of
networks reaching every task's best score; when no two networks fit, the best single
network covering every task (ties: the cheapest).

Reduced-cost fixing. For the LP relaxation ``max gain @ z  s.t.  lb <= a @ z <= ub,
0 <= z <= 1`` any multipliers ``y <= 0`` of the rows written as ``A z <= b`` give, for
every feasible ``z``, ``-gain @ z = y @ (A z) + d @ z >= y @ b + d @ z`` with
``d = -gain - A^T y``. Minimising ``d @ z`` over the box with ``z_g = 1`` bounds the gain
of every selection containing network ``g``. The multipliers come from HiGHS
(``scipy.optimize.linprog``), but the bound is recomputed here from them, so it holds
whatever their accuracy (only the rounding of this computation remains, covered by a
margin): a network is dropped only when it provably cannot be in a selection whose gain is
at least ``floor``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._problem import EPS, Problem, problem, score_on, solve_milp
from taskaffinity.grouping._prune import best_candidates, tie_tolerance, undominated

if TYPE_CHECKING:
    from taskaffinity.types import Grouping, ScoreTable

__all__ = [
    "SelectionModel",
    "select_networks",
    "selection_milp",
    "selection_model",
    "tie_possible",
]


def _seconds(limit: float | None) -> float | None:
    """HiGHS time limit of one solve: at least 1 ms (the tie-break gets what the first
    MILP left, which may be nothing)."""
    return None if limit is None else max(limit, 1e-3)


# --- the tie-break key -----------------------------------------------------------------


def _tie_key(prob: Problem, rows: Iterable[int]) -> tuple[int, float]:
    """Tie-break key of a selection: (task memberships, total cost)."""
    rows = list(rows)
    return int(prob.members[rows].sum()), float(prob.costs[rows].sum())


def _key_less(a: tuple[int, float], b: tuple[int, float]) -> bool:
    return a[0] < b[0] or (a[0] == b[0] and a[1] < b[1] - EPS)


def _tie_objective(prob: Problem, rows: np.ndarray, budget: float) -> np.ndarray:
    """``size + cost / (budget + 1)`` per row of ``rows`` (shape ``(len(rows),)``): the cost
    term of a feasible selection is below 1."""
    return prob.members[rows].sum(axis=1) + prob.costs[rows] / (budget + 1.0)


# --- the easy cases --------------------------------------------------------------------


def _smallest_cover(prob: Problem, options: list[np.ndarray], budget: float) -> list[int] | None:
    """Fewest task memberships (then cheapest) set of rows meeting every row set in
    ``options`` (one per task) within ``budget``; ``None`` if none fits."""
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
    res = solve_milp(_tie_objective(prob, cand, budget), a, lb, ub, len(cand), None)
    if res.x is None:
        return None
    return sorted(int(r) for r in cand[res.x > 0.5])


# --- the MILP --------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionModel:
    """The selection MILP over ``rows``: maximise ``gain @ z + const`` subject to
    ``lb <= a @ z <= ub``, ``z in [0, 1]``, the first ``n_x`` entries of ``z`` (one per
    row) binary. ``a``: (constraints, variables) CSR matrix; ``lb``/``ub``: (constraints,);
    ``gain``: (variables,)."""

    rows: np.ndarray
    a: Any
    lb: np.ndarray
    ub: np.ndarray
    gain: np.ndarray
    const: float

    @property
    def n_x(self) -> int:
        return len(self.rows)


def _levels(vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct levels (descending) of ``vals`` and each entry's level index."""
    order = np.unique(-vals)  # ascending of -v = descending of v
    levels = -order
    idx = np.searchsorted(order, -vals)
    return levels, idx


def selection_model(prob: Problem, rows: np.ndarray, budget: float) -> SelectionModel:
    """The ordered-levels MILP (module docstring) over the networks ``rows`` of ``prob``."""
    from scipy.sparse import coo_matrix

    n_x = len(rows)
    obj = [np.zeros(n_x)]
    r_idx: list[np.ndarray] = []
    c_idx: list[np.ndarray] = []
    data: list[np.ndarray] = []
    lb: list[float] = [-np.inf]
    ub: list[float] = [budget + EPS]

    def add(rr: Any, cc: Any, dd: Any) -> None:
        r_idx.append(np.asarray(rr, dtype=int))
        c_idx.append(np.asarray(cc, dtype=int))
        data.append(np.asarray(dd, dtype=float))

    add(np.zeros(n_x), np.arange(n_x), prob.costs[rows])  # budget row
    n_con, n_var, const = 1, n_x, 0.0
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
    return SelectionModel(
        np.asarray(rows), a, np.array(lb), np.array(ub), np.concatenate(obj), const
    )


def tie_possible(
    a: Any, lb: np.ndarray, ub: np.ndarray, gain: np.ndarray, n_x: int, floor: float
) -> np.ndarray | None:
    """Reduced-cost fixing (module docstring): a bool mask of shape ``(n_x,)`` over the first
    ``n_x`` variables (networks), ``False`` where no LP-feasible ``z`` with ``z_g = 1``
    reaches ``gain @ z >= floor``. ``a``: (constraints, variables) sparse matrix,
    ``lb``/``ub``: (constraints,), ``gain``: (variables,). Returns ``None`` when the LP
    solve fails (then nothing can be dropped)."""
    from scipy.optimize import linprog
    from scipy.sparse import vstack

    fu, fl = np.isfinite(ub), np.isfinite(lb)
    big_a = vstack([a[fu], -a[fl]]).tocsr()
    b = np.concatenate([ub[fu], -lb[fl]])
    res = linprog(-gain, A_ub=big_a, b_ub=b, bounds=(0, 1), method="highs")
    if res.status != 0 or res.ineqlin is None:
        return None
    y = np.minimum(np.asarray(res.ineqlin.marginals, dtype=float), 0.0)
    d = -gain - big_a.T @ y
    base = float(y @ b) + float(np.minimum(d, 0.0).sum())
    margin = 1e-9 * (1.0 + float(np.abs(y * b).sum()) + float(np.abs(d).sum()))
    lowest = base + np.maximum(d[:n_x], 0.0)  # lower bound of -gain @ z given z_g = 1
    return -lowest >= floor - margin


def _tie_break(
    prob: Problem, m: SelectionModel, budget: float, best: float, tol: float, limit: float | None
) -> list[int] | None:
    """Fewest memberships, then cheapest, selection of ``m.rows`` with objective
    ``>= best - tol`` (the second MILP); ``None`` if HiGHS returns none."""
    from scipy.sparse import coo_matrix, vstack

    c2 = np.concatenate([_tie_objective(prob, m.rows, budget), np.zeros(len(m.gain) - m.n_x)])
    a2 = vstack([m.a, coo_matrix(m.gain.reshape(1, -1))]).tocsr()
    lb2 = np.append(m.lb, best - m.const - tol)
    ub2 = np.append(m.ub, np.inf)
    res = solve_milp(c2, a2, lb2, ub2, m.n_x, _seconds(limit))
    if res.x is None:
        return None
    return [int(m.rows[i]) for i in np.flatnonzero(res.x[: m.n_x] > 0.5)]


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
    tol = tie_tolerance(prob) if tol is None else tol
    t_start = time.perf_counter()
    m = selection_model(prob, np.asarray(rows), budget)
    res = solve_milp(-m.gain, m.a, m.lb, m.ub, m.n_x, _seconds(time_limit))
    if res.x is None:
        raise InputError(f"no selection within budget {budget} was found ({res.message})")
    chosen = [int(m.rows[i]) for i in np.flatnonzero(res.x[: m.n_x] > 0.5)]
    if res.status != 0:
        return chosen, False
    best = prob.value(chosen)
    keep = tie_possible(m.a, m.lb, m.ub, m.gain, m.n_x, best - m.const - tol)
    if keep is not None and keep.sum() < m.n_x:
        m = selection_model(prob, m.rows[keep], budget)
    left = None if time_limit is None else time_limit - (time.perf_counter() - t_start)
    other = _tie_break(prob, m, budget, best, tol, left)
    if other is not None:
        fits = prob.costs[other].sum() <= budget + EPS
        tied = prob.value(other) >= best - tol  # the exact objective, not HiGHS's
        if fits and tied and _key_less(_tie_key(prob, other), _tie_key(prob, chosen)):
            chosen = other
    return chosen, True


# --- the search ------------------------------------------------------------------------


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
    """Exact network selection under ``budget`` (see the module docstring); the search
    registered as ``milp_select``.

    Returns a :class:`Grouping` of the chosen networks (sorted by table row) with
    ``predicted`` = the objective on ``table`` (sum over tasks of the best score, in table
    units), ``method`` = ``"milp_select"`` and, when ``test`` is given, ``measured`` = the
    same networks' objective on ``test`` (networks matched by tasks and cost). Ties
    (objective within 1e-9 relative): fewest task memberships, then lowest cost. ``exact``
    is False only if HiGHS stopped at ``time_limit`` before proving optimality. Raises
    :class:`~taskaffinity.errors.InputError` when no selection covers every task.
    """
    prob = problem(table)
    tol = tie_tolerance(prob)
    rows = _feasible_rows(prob, budget)
    if prune:
        rows = undominated(prob, rows, tol)
    exact = True
    chosen = _smallest_cover(prob, best_candidates(prob, rows, tol), budget)  # best per task
    if chosen is None:
        cheapest = np.sort(prob.costs[rows])
        if len(rows) < 2 or cheapest[0] + cheapest[1] > budget + EPS:  # a single network
            covers = rows[prob.members[rows].all(axis=1)]
            if not len(covers):
                raise InputError(f"no selection within budget {budget} solves every task")
            vals = prob.values[covers].sum(axis=1)
            tied = covers[vals >= vals.max() - tol]  # all of size n_tasks: cheapest wins
            chosen = [int(tied[np.argmin(prob.costs[tied])])]
        else:
            chosen, exact = selection_milp(prob, rows, budget, time_limit=time_limit, tol=tol)
    grouping = prob.grouping(chosen, exact=exact, method="milp_select")
    return score_on(grouping, test) if test is not None else grouping
