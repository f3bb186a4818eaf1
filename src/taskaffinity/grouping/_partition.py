"""Partitions of the tasks into disjoint measured networks, maximising the total score
(minimising the total loss), optionally with a cost budget and a number of groups
(exactly ``n_groups`` or at most ``max_groups``). Three algorithms, each behind a
registered search (:mod:`taskaffinity.grouping._searches`; ``partition(method=...)`` picks
one by name):

* ``dp`` (``dp_partition``): exact dynamic programming over subsets of tasks (``O(3^n)``;
  ``partition``'s ``auto`` uses it up to :data:`DP_MAX_TASKS` tasks), each task set scored
  by its best network. Without a budget each task set uses its best network; with a budget
  the DP answer is kept when it fits (it is then optimal), else the MILP decides.
* ``milp`` (``milp_partition``): exact set-partitioning MILP (``scipy.optimize.milp``,
  HiGHS) over the networks, with an optional cost budget.
* ``beam`` (``beam_partition``): heuristic beam search (``exact=False``) for tables out of
  exact reach: partial partitions grow by one network containing the first uncovered task;
  the ``width`` best by ``value + optimistic rest`` (each uncovered task's best score
  anywhere) survive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._problem import EPS, Problem, problem, solve_milp

if TYPE_CHECKING:
    from taskaffinity.types import Grouping, ScoreTable

__all__ = ["DP_MAX_TASKS", "Algorithm", "solve_partition"]

DP_MAX_TASKS = 12

Algorithm = Literal["dp", "milp", "beam"]


def _masks(prob: Problem) -> tuple[list[int], np.ndarray]:
    """Every network's task bitmask (bit ``t`` = task ``t``) and total score, shape
    ``(n_groups,)``."""
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


def _milp(
    prob: Problem,
    budget: float | None,
    k_max: int,
    n_groups: int | None,
    time_limit: float | None,
) -> tuple[list[int], bool]:
    m, _ = prob.members.shape
    gains = np.where(prob.members, prob.values, 0.0).sum(axis=1)
    rows_a = [prob.members.T.astype(float), np.ones((1, m))]
    lb = [np.ones(prob.n_tasks), [n_groups or 1]]
    ub = [np.ones(prob.n_tasks), [n_groups or k_max]]
    if budget is not None:
        rows_a.append(prob.costs[None, :])
        lb.append([-np.inf])
        ub.append([budget + EPS])
    res = solve_milp(
        -gains, np.vstack(rows_a), np.concatenate(lb), np.concatenate(ub), m, time_limit
    )
    if res.x is None:
        raise InputError(f"no partition fits the constraints ({res.message})")
    return [int(r) for r in np.flatnonzero(res.x > 0.5)], res.status == 0


def _beam(
    prob: Problem, budget: float | None, k_max: int, n_groups: int | None, width: int
) -> list[int]:
    n = prob.n_tasks
    masks, gains = _masks(prob)
    full = (1 << n) - 1
    best_task = prob.values.max(axis=0)
    by_low: dict[int, list[int]] = {}
    for r, m in enumerate(masks):
        by_low.setdefault(m & -m, []).append(r)
    # a row is usable for the lowest uncovered task t if it contains t and no lower task
    usable = {
        1 << t: [
            r for r in range(len(masks)) if masks[r] >> t & 1 and masks[r] & ((1 << t) - 1) == 0
        ]
        for t in range(n)
    }
    beam = [(0.0, 0, 0.0, ())]
    done: list[tuple[float, tuple[int, ...]]] = []
    while beam:
        nxt = []
        for value, covered, spent, rows in beam:
            free = full & ~covered
            low = free & -free
            for r in usable[low]:
                m = masks[r]
                cost = spent + prob.costs[r]
                if m & covered or (budget is not None and cost > budget + EPS):
                    continue
                if len(rows) + 1 > k_max:
                    continue
                state = (value + gains[r], covered | m, cost, (*rows, r))
                if state[1] == full:
                    if n_groups is None or len(state[3]) == n_groups:
                        done.append((state[0], state[3]))
                else:
                    nxt.append(state)
        rest = [sum(best_task[t] for t in range(n) if not s[1] >> t & 1) for s in nxt]
        order = np.argsort([-(s[0] + b) for s, b in zip(nxt, rest, strict=True)], kind="stable")
        beam = [nxt[i] for i in order[:width]]
    if not done:
        raise InputError("beam search found no partition that fits the constraints")
    return list(max(done, key=lambda d: d[0])[1])


def solve_partition(
    table: ScoreTable,
    algorithm: Algorithm,
    *,
    method: str,
    budget: float | None = None,
    n_groups: int | None = None,
    max_groups: int | None = None,
    time_limit: float | None = None,
    width: int = 64,
) -> Grouping:
    """Best partition of ``table``'s tasks into disjoint measured networks by ``algorithm``
    (module docstring), recorded as ``method`` (the registered search's name).

    Returns a :class:`Grouping` whose ``predicted`` is the total on ``table`` (table units).
    ``exact`` is False for ``beam`` and when the MILP hit ``time_limit`` (seconds; ``dp``
    and ``milp``). Raises :class:`~taskaffinity.errors.InputError` when both ``n_groups``
    and ``max_groups`` are given or no partition satisfies the constraints.
    """
    prob = problem(table)
    n = prob.n_tasks
    if n_groups is not None and max_groups is not None:
        raise InputError("give n_groups or max_groups, not both", field="n_groups")
    k_max = min(n, n_groups or max_groups or n)
    exact = True
    if algorithm == "dp":
        rows = _dp(prob, k_max, n_groups)
        if budget is not None and prob.costs[rows].sum() > budget + EPS:
            rows, exact = _milp(prob, budget, k_max, n_groups, time_limit)
    elif algorithm == "milp":
        rows, exact = _milp(prob, budget, k_max, n_groups, time_limit)
    elif algorithm == "beam":
        rows, exact = _beam(prob, budget, k_max, n_groups, width), False
    else:
        raise ValueError(f"unknown partition algorithm {algorithm!r}")
    return prob.grouping(rows, exact=exact, method=method)
