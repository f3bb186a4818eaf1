"""Exhaustive reference searches: every subset of networks (selection) or every set of
disjoint networks covering all tasks (partition). Exponential; meant for small tables and
for checking the exact searches (they share no code with them beyond the objective and
the tie tolerance).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._problem import EPS, problem
from taskaffinity.grouping._prune import tie_tolerance

if TYPE_CHECKING:
    from taskaffinity.types import Grouping, ScoreTable

__all__ = ["brute_force_partition", "brute_force_select"]


def brute_force_select(table: ScoreTable, budget: float, *, max_nodes: int = 5_000_000) -> Grouping:
    """Best selection of networks with total cost ``<= budget`` covering every task, by
    depth-first enumeration of all subsets, with the tie-break of
    :func:`~taskaffinity.grouping.select_networks`: among subsets within the tie tolerance
    of the best objective, the fewest task memberships, then the lowest cost (then the
    first subset found in row order). The search registered as ``brute_select``."""
    prob = problem(table)
    tol = tie_tolerance(prob)
    n_rows = len(prob.costs)
    sizes = prob.members.sum(axis=1)
    front: list[tuple[float, int, float, list[int]]] = []  # (value, size, cost, rows)
    nodes = [0]

    def consider(value: float, size: int, cost: float, rows: list[int]) -> None:
        best = max((f[0] for f in front), default=-np.inf)
        if value < best - tol:
            return
        for f in front:  # kept: the subsets no other one beats on value, size and cost
            if f[0] >= value - tol and (f[1], f[2]) <= (size, cost + EPS):
                return
        top = max(best, value)
        front[:] = [
            f
            for f in front
            if f[0] >= top - tol and not (value >= f[0] - tol and (size, cost) <= (f[1], f[2]))
        ]
        front.append((value, size, cost, rows))

    def visit(start: int, cur: np.ndarray, spent: float, size: int, chosen: list[int]) -> None:
        nodes[0] += 1
        if nodes[0] > max_nodes:
            raise InputError(f"brute force exceeds {max_nodes} subsets")
        for r in range(start, n_rows):
            cost = spent + prob.costs[r]
            if cost > budget + EPS:
                continue
            new = np.maximum(cur, prob.values[r])
            value = new.sum()
            if np.isfinite(value):
                consider(float(value), size + int(sizes[r]), float(cost), [*chosen, r])
            visit(r + 1, new, cost, size + int(sizes[r]), [*chosen, r])

    visit(0, np.full(prob.n_tasks, -np.inf), 0.0, 0, [])
    if not front:
        raise InputError(f"no selection within budget {budget} solves every task")
    top = max(f[0] for f in front)
    tied = [f for f in front if f[0] >= top - tol]
    pick = min(tied, key=lambda f: (f[1], round(f[2], 9)))
    return prob.grouping(pick[3], exact=True, method="brute_select")


def brute_force_partition(
    table: ScoreTable,
    *,
    budget: float | None = None,
    n_groups: int | None = None,
    max_groups: int | None = None,
) -> Grouping:
    """Best partition of the tasks into disjoint networks of the table (optionally with
    total cost ``<= budget``, exactly ``n_groups`` or at most ``max_groups`` networks). The
    search registered as ``brute_partition``."""
    prob = problem(table)
    n = prob.n_tasks
    masks = [int(sum(1 << t for t in np.flatnonzero(m))) for m in prob.members]
    gains = [float(prob.values[r][prob.members[r]].sum()) for r in range(len(masks))]
    full = (1 << n) - 1
    best: list = [-np.inf, None]  # [value, rows]

    def visit(covered: int, value: float, spent: float, chosen: list[int]) -> None:
        if covered == full:
            k = len(chosen)
            fits = (n_groups is None or k == n_groups) and (max_groups is None or k <= max_groups)
            if fits and value > best[0] + EPS:
                best[0], best[1] = value, list(chosen)
            return
        low = (~covered & full) & -(~covered & full)
        for r, m in enumerate(masks):
            if m & low and not m & covered:
                cost = spent + prob.costs[r]
                if budget is None or cost <= budget + EPS:
                    visit(covered | m, value + gains[r], cost, [*chosen, r])

    visit(0, 0.0, 0.0, [])
    if best[1] is None:
        raise InputError("no partition of the tasks satisfies the constraints")
    return prob.grouping(best[1], exact=True, method="brute_partition")
