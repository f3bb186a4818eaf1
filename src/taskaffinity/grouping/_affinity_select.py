"""Network selection from a pairwise affinity matrix with the group-scoring rule of TAG
(Fifty et al., "Efficiently Identifying Task Groupings for Multi-Task Learning", NeurIPS
2021: its network selection step).

Candidate networks are the groups of tasks (every non-empty subset, or those of at most
``max_size`` tasks), each costing 1. The value of task ``t`` in a group ``G`` is the mean
affinity onto it from its group-mates, ``mean over s in G \\ {t} of values[t, s]`` (row =
target, column = source); a task alone scores ``singleton_score`` (TAG's -1e6: a task is
left alone only when no selection within the budget puts every task in a group). At
most ``budget`` networks are chosen, covering every task and possibly overlapping; each
task counts the best chosen network that contains it, and the objective is the mean
over tasks of those values.

The selection is solved by a registered select search (``milp_select`` by default, exact)
over :func:`affinity_table`, with two transformations that change neither the best
selections nor their tie-break but keep HiGHS's arithmetic on numbers of one magnitude:

* values are divided by their span ``max(hi - lo, |hi|, |lo|)`` (``lo``/``hi``: the least
  and greatest value of a task in a group of two or more);
* a singleton score below ``lo - (n + 1) * span`` (or above ``hi + (n + 1) * span``) is
  replaced by that bound. Beyond ``lo - (n - 1) * (hi - lo)`` any selection leaving fewer
  tasks alone beats every selection leaving more (the group values of the other tasks
  can differ by at most ``(n - 1) * (hi - lo)`` in total), and among selections leaving
  as many tasks alone the singleton score adds the same amount, so every singleton score
  beyond the bound ranks all selections alike (and symmetrically above ``hi``, where
  more tasks alone is better). At the bound used, selections leaving different numbers
  of tasks alone differ by at least twice the span, far beyond the tie tolerance.

The objective reported is recomputed from the affinity with the given singleton score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._searches import get_search, search_info
from taskaffinity.tables import all_groups
from taskaffinity.types import AffinityMatrix, Grouping, ScoreTable

__all__ = [
    "MAX_AFFINITY_GROUPS",
    "SINGLETON_SCORE",
    "affinity_objective",
    "affinity_table",
    "select_from_affinity",
]

#: TAG's score of a task in a network of its own.
SINGLETON_SCORE = -1e6

#: The most candidate networks :func:`select_from_affinity` builds (every group of 12
#: tasks); pass ``max_size`` to search more tasks among smaller groups.
MAX_AFFINITY_GROUPS = 2**12 - 1


def _values(affinity: AffinityMatrix) -> np.ndarray:
    """``affinity.values`` checked: shape ``(n, n)`` and finite off the diagonal."""
    values = np.asarray(affinity.values, dtype=float)
    n = len(affinity.tasks)
    if values.shape != (n, n):
        raise InputError(
            f"affinity values of shape {values.shape} for {n} tasks (need ({n}, {n}))",
            field="values",
        )
    bad = np.argwhere(~np.isfinite(values) & ~np.eye(n, dtype=bool))
    if len(bad):
        i, j = bad[0]
        raise InputError(
            f"no finite affinity for target {affinity.tasks[i]!r}, source {affinity.tasks[j]!r}",
            field="values",
        )
    return values


def _groups(tasks: Sequence[str], max_size: int | None) -> list[tuple[str, ...]]:
    if max_size is not None and max_size < 1:
        raise InputError(f"max_size must be at least 1, not {max_size}", field="max_size")
    from math import comb

    n = len(tasks)
    top = n if max_size is None else min(max_size, n)
    count = sum(comb(n, k) for k in range(1, top + 1))
    if count > MAX_AFFINITY_GROUPS:
        raise InputError(
            f"{n} tasks give {count} candidate networks (at most {MAX_AFFINITY_GROUPS}); "
            "limit the group size",
            field="max_size",
        )
    return [tuple(g) for g in all_groups(tasks, max_size=top)]


def affinity_table(
    affinity: AffinityMatrix,
    *,
    singleton_score: float = SINGLETON_SCORE,
    max_size: int | None = None,
) -> ScoreTable:
    """The candidate networks of ``affinity`` scored by TAG's rule (module docstring).

    Returns a :class:`~taskaffinity.types.ScoreTable` over ``affinity.tasks`` with one
    network (cost 1) per group of at most ``max_size`` tasks (all groups when None; groups
    in :func:`~taskaffinity.tables.all_groups` order): ``scores[g, t]`` = the mean of
    ``affinity.values[t, s]`` over the other members ``s`` of group ``g``, or
    ``singleton_score`` when ``g`` is ``{t}``; NaN outside the group; higher is better.
    Raises :class:`~taskaffinity.errors.InputError` for a non-finite off-diagonal value or
    more than :data:`MAX_AFFINITY_GROUPS` networks.
    """
    values = _values(affinity)
    tasks = tuple(affinity.tasks)
    groups = _groups(tasks, max_size)
    scores = np.full((len(groups), len(tasks)), np.nan)
    for g, group in enumerate(groups):
        idx = [tasks.index(t) for t in group]
        if len(idx) == 1:
            scores[g, idx[0]] = singleton_score
            continue
        block = values[np.ix_(idx, idx)]
        np.fill_diagonal(block, 0.0)
        scores[g, idx] = block.sum(axis=1) / (len(idx) - 1)
    return ScoreTable(tasks, tuple(groups), scores, np.ones(len(groups)), True)


def affinity_objective(
    affinity: AffinityMatrix,
    groups: Sequence[Sequence[str]],
    *,
    singleton_score: float = SINGLETON_SCORE,
) -> float:
    """TAG's objective of the networks ``groups``: the mean over tasks of each task's best
    value (module docstring) among the networks that contain it. Raises
    :class:`~taskaffinity.errors.InputError` for an unknown task or an uncovered one."""
    values = _values(affinity)
    tasks = tuple(affinity.tasks)
    best = np.full(len(tasks), -np.inf)
    for group in groups:
        unknown = [t for t in group if t not in tasks]
        if unknown:
            raise InputError(f"unknown task {unknown[0]!r} in a network", field="group")
        idx = sorted({tasks.index(t) for t in group})
        if len(idx) == 1:
            best[idx[0]] = max(best[idx[0]], singleton_score)
            continue
        for t in idx:
            others = [s for s in idx if s != t]
            best[t] = max(best[t], float(values[t, others].mean()))
    uncovered = [tasks[t] for t in np.flatnonzero(~np.isfinite(best))]
    if uncovered:
        raise InputError(f"tasks not covered by the networks: {uncovered}", field="group")
    return float(best.mean())


def _search_table(table: ScoreTable, singleton_score: float) -> ScoreTable:
    """``table`` divided by its span, an extreme singleton score moved to the bound beyond
    which it ranks every selection alike (module docstring)."""
    scores = table.scores.copy()
    single = np.array([len(g) == 1 for g in table.groups])
    grouped = scores[~single]
    grouped = grouped[np.isfinite(grouped)]
    lo, hi = (float(grouped.min()), float(grouped.max())) if grouped.size else (0.0, 0.0)
    span = max(hi - lo, abs(hi), abs(lo)) or 1.0
    reach = (table.n_tasks + 1) * span
    inside = np.isfinite(scores[single])
    scores[single] = np.where(inside, min(max(singleton_score, lo - reach), hi + reach), np.nan)
    return ScoreTable(table.tasks, table.groups, scores / span, table.costs, True)


def select_from_affinity(
    affinity: AffinityMatrix,
    budget: float,
    *,
    singleton_score: float = SINGLETON_SCORE,
    max_size: int | None = None,
    method: str = "milp_select",
) -> Grouping:
    """At most ``budget`` networks (each costs 1) covering every task of ``affinity``,
    best by TAG's objective (module docstring), found by the registered select search
    ``method`` (``milp_select``: exact MILP; ``brute_select``: exhaustive; or a plug-in)
    over :func:`affinity_table`.

    ``affinity.values[i, j]``: how much source ``j`` helps target ``i`` (row = target,
    column = source; the diagonal is ignored). Returns a
    :class:`~taskaffinity.types.Grouping`: the chosen groups (sorted tuples, in
    :func:`affinity_table` order), ``costs`` 1 each, ``predicted`` = the mean over tasks
    of each task's best value (:func:`affinity_objective`, in affinity units),
    ``method`` = the search's name, ``exact`` as the search reports. Ties (totals within
    the search's tie tolerance, 1e-9 relative, of the values divided by their span): fewest
    task memberships, then fewest networks. Raises
    :class:`~taskaffinity.errors.InputError` for a malformed affinity, an unknown or
    non-select ``method``, too many candidate networks, a non-finite
    ``singleton_score`` or ``budget < 1``.
    """
    cls = search_info(method)
    if cls.kind != "select":
        raise InputError(f"{method!r} is a {cls.kind} search, not a selection", field="method")
    if not np.isfinite(singleton_score):
        raise InputError(
            f"singleton score {singleton_score} is not finite", field="singleton_score"
        )
    if budget < 1:
        raise InputError(f"a budget of {budget:g} networks chooses none", field="budget")
    table = affinity_table(affinity, singleton_score=singleton_score, max_size=max_size)
    chosen = get_search(method).search(_search_table(table, singleton_score), float(budget))
    value = affinity_objective(affinity, chosen.groups, singleton_score=singleton_score)
    return Grouping(chosen.groups, value, None, chosen.costs, chosen.exact, chosen.method)
