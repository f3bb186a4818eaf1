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
1, so it only orders selections of equal size). The second MILP runs over the networks that
can be in a tied selection at all: reduced-cost fixing with a certified LP bound
(:mod:`taskaffinity.grouping._select_bound`) drops every network whose inclusion provably
costs more than ``tol``; on MIMIC-III this leaves 9-17 of 2,181 networks. Its answer is
checked on the exact objective and kept only if it is no worse there and no larger than the
first. Pruning keeps every network that could win this tie-break (see
:mod:`taskaffinity.grouping._prune`). Easy cases follow the same rule (see
:mod:`taskaffinity.grouping._select`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._problem import EPS, Problem
from taskaffinity.grouping._prune import tie_tolerance
from taskaffinity.grouping._select_bound import tie_possible
from taskaffinity.grouping._select_ties import _key_less, _milp, _tie_key, _tie_objective

__all__ = ["selection_milp"]


@dataclass(frozen=True)
class _Model:
    """The MILP over ``rows``: maximise ``gain @ z + const`` subject to ``lb <= a @ z <= ub``,
    ``z in [0, 1]``, the first ``n_x`` entries of ``z`` (one per row) binary.
    ``a``: (constraints, variables) CSR matrix."""

    rows: np.ndarray
    a: object
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


def _model(prob: Problem, rows: np.ndarray, budget: float) -> _Model:
    """Build the ordered-levels MILP (module docstring) over ``rows``."""
    from scipy.sparse import coo_matrix

    n_x = len(rows)
    obj = [np.zeros(n_x)]
    r_idx: list[np.ndarray] = []
    c_idx: list[np.ndarray] = []
    data: list[np.ndarray] = []
    lb: list[float] = [-np.inf]
    ub: list[float] = [budget + EPS]

    def add(rr, cc, dd):
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
    return _Model(np.asarray(rows), a, np.array(lb), np.array(ub), np.concatenate(obj), const)


def _tie_break(
    prob: Problem, m: _Model, budget: float, best: float, tol: float, limit: float | None
) -> list[int] | None:
    """Fewest memberships, then cheapest, selection of ``m.rows`` with objective
    ``>= best - tol`` (the second MILP); ``None`` if HiGHS returns none."""
    from scipy.sparse import coo_matrix, vstack

    c2 = np.concatenate([_tie_objective(prob, m.rows, budget), np.zeros(len(m.gain) - m.n_x)])
    a2 = vstack([m.a, coo_matrix(m.gain.reshape(1, -1))]).tocsr()
    lb2 = np.append(m.lb, best - m.const - tol)
    ub2 = np.append(m.ub, np.inf)
    res = _milp(c2, a2, lb2, ub2, m.n_x, limit)
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
    m = _model(prob, np.asarray(rows), budget)
    res = _milp(-m.gain, m.a, m.lb, m.ub, m.n_x, time_limit)
    if res.x is None:
        raise InputError(f"no selection within budget {budget} was found ({res.message})")
    chosen = [int(m.rows[i]) for i in np.flatnonzero(res.x[: m.n_x] > 0.5)]
    if res.status != 0:
        return chosen, False
    best = prob.value(chosen)
    keep = tie_possible(m.a, m.lb, m.ub, m.gain, m.n_x, best - m.const - tol)
    if keep is not None and keep.sum() < m.n_x:
        m = _model(prob, m.rows[keep], budget)
    left = None if time_limit is None else time_limit - (time.perf_counter() - t_start)
    other = _tie_break(prob, m, budget, best, tol, left)
    if other is not None:
        fits = prob.costs[other].sum() <= budget + EPS
        tied = prob.value(other) >= best - tol  # the exact objective, not HiGHS's
        if fits and tied and _key_less(_tie_key(prob, other), _tie_key(prob, chosen)):
            chosen = other
    return chosen, True
