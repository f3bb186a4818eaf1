"""Exact network selection under a budget (Standley et al., ICML 2020, Section 5).

Choose networks with total cost ``<= budget`` so that every task is solved by at least one
of them, maximising (or, for losses, minimising) the sum over tasks of each task's best
score among the chosen networks. Solved exactly with ``scipy.optimize.milp`` (HiGHS) after
dominance pruning (the formulation: :mod:`taskaffinity.grouping._select_milp`); two easy
cases are answered directly (each task's best network fits the budget; only one network
fits).

Ties (objective within 1e-9 relative): fewest task memberships, then lowest total cost
(see :mod:`taskaffinity.grouping._select_milp`). Easy cases follow the same rule: when every
task's best network fits together, the answer is the smallest (then cheapest) set of
networks reaching every task's best score; when no two networks fit, the best single network
covering every task (ties: the cheapest).
"""

from __future__ import annotations

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._problem import EPS, Problem, problem
from taskaffinity.grouping._prune import best_candidates, tie_tolerance, undominated
from taskaffinity.grouping._select_milp import selection_milp
from taskaffinity.grouping._select_ties import _smallest_cover
from taskaffinity.types import Grouping, ScoreTable

__all__ = ["select_networks", "selection_milp"]


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
