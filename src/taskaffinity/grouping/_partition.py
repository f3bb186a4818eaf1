"""Partitions of the tasks into disjoint measured networks, maximising the total score
(minimising the total loss), optionally with a cost budget and a number of groups
(exactly ``n_groups`` or at most ``max_groups``).

* ``dp``: exact dynamic programming over subsets of tasks (``O(3^n)``; default up to
  12 tasks). Without a budget each task set uses its best network; with a budget the DP
  answer is kept when it fits (it is then optimal), else the MILP decides.
* ``milp``: exact set-partitioning MILP (``scipy.optimize.milp``, HiGHS) over the networks.
* ``beam``: heuristic beam search (``exact=False``) for tables out of exact reach: partial
  partitions grow by one network containing the first uncovered task; the ``width`` best
  by ``value + optimistic rest`` (each uncovered task's best score anywhere) survive.

This module dispatches; the searches live in :mod:`taskaffinity.grouping._partition_exact`
(``dp``, ``milp``) and :mod:`taskaffinity.grouping._partition_beam` (``beam``).
"""

from __future__ import annotations

from taskaffinity.errors import InputError
from taskaffinity.grouping._partition_beam import _beam
from taskaffinity.grouping._partition_exact import _dp, _milp
from taskaffinity.grouping._problem import EPS, problem
from taskaffinity.types import Grouping, ScoreTable

__all__ = ["DP_MAX_TASKS", "partition"]

DP_MAX_TASKS = 12


def partition(
    table: ScoreTable,
    *,
    budget: float | None = None,
    n_groups: int | None = None,
    max_groups: int | None = None,
    method: str = "auto",
    test: ScoreTable | None = None,
    time_limit: float | None = None,
    width: int = 64,
) -> Grouping:
    """Best partition of ``table``'s tasks into disjoint measured networks.

    ``method``: ``auto`` (``dp`` up to :data:`DP_MAX_TASKS` tasks, else ``milp``), ``dp``,
    ``milp`` or ``beam`` (heuristic, ``exact=False``; ``width`` partial partitions kept).
    Returns a :class:`Grouping` whose ``predicted`` is the total on ``table`` (table units)
    and, with ``test``, ``measured`` the same networks' total on ``test``. ``exact`` is False
    for ``beam`` and when the MILP hit ``time_limit``. Raises
    :class:`~taskaffinity.errors.InputError` when no partition satisfies the constraints.
    """
    from taskaffinity.grouping._problem import score_on

    prob = problem(table)
    n = prob.n_tasks
    if n_groups is not None and max_groups is not None:
        raise InputError("give n_groups or max_groups, not both", field="n_groups")
    k_max = min(n, n_groups or max_groups or n)
    if method == "auto":
        method = "dp" if n <= DP_MAX_TASKS else "milp"
    exact = True
    if method == "dp":
        rows = _dp(prob, k_max, n_groups)
        if budget is not None and prob.costs[rows].sum() > budget + EPS:
            rows, exact = _milp(prob, budget, k_max, n_groups, time_limit)
            method = "dp+milp"
    elif method == "milp":
        rows, exact = _milp(prob, budget, k_max, n_groups, time_limit)
    elif method == "beam":
        rows, exact = _beam(prob, budget, k_max, n_groups, width), False
    else:
        raise InputError(f"unknown partition method {method!r}", field="method")
    grouping = prob.grouping(rows, exact=exact, method=f"partition-{method}")
    return score_on(grouping, test) if test is not None else grouping
