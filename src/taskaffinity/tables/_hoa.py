"""Higher-order approximation (HOA) of Standley et al., ICML 2020 (Section 5): the score
of task ``t`` in a group ``S`` of three or more tasks is predicted as the mean of ``t``'s
scores in the measured pair networks ``{t, u}``, ``u`` in ``S \\ {t}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.types import ScoreTable

__all__ = ["hoa", "pair_scores"]


def pair_scores(table: ScoreTable) -> np.ndarray:
    """Shape ``(n_tasks, n_tasks)``: ``P[t, u]`` = score of target ``t`` in the pair network
    ``{t, u}`` (mean over repeated pair networks), NaN where the pair was not measured."""
    n = table.n_tasks
    total = np.zeros((n, n))
    count = np.zeros((n, n))
    for g, group in enumerate(table.groups):
        if len(group) == 2:
            i, j = table.index(group[0]), table.index(group[1])
            for a, b in ((i, j), (j, i)):
                if not np.isnan(table.scores[g, a]):
                    total[a, b] += table.scores[g, a]
                    count[a, b] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _predict(pairs: np.ndarray, members: Sequence[int], group: Sequence[str]) -> np.ndarray:
    row = np.full(pairs.shape[0], np.nan)
    for t in members:
        vals = pairs[t, [u for u in members if u != t]]
        if np.isnan(vals).any():
            raise InputError(
                f"HOA needs every pair inside {'+'.join(group)}; a pair is not measured",
                field="group",
            )
        row[t] = vals.mean()
    return row


def hoa(table: ScoreTable, groups: Iterable[Sequence[str]] | None = None) -> ScoreTable:
    """The HOA-predicted table.

    Without ``groups``: the same networks (rows, costs, order) as ``table``, with every
    network of 3+ tasks re-scored by the pair means; networks of 1 or 2 tasks (including
    Standley's half-size single-task networks) are kept as measured. With ``groups``: the
    measured networks of 1 or 2 tasks followed by one predicted network (cost 1) per group of
    3+ tasks in ``groups``. Per-seed scores are dropped. Raises
    :class:`~taskaffinity.errors.InputError` when a needed pair was not measured.
    """
    pairs = pair_scores(table)
    if groups is None:
        scores = table.scores.copy()
        for g, group in enumerate(table.groups):
            if len(group) >= 3:
                scores[g] = _predict(pairs, [table.index(t) for t in group], group)
        return ScoreTable(table.tasks, table.groups, scores, table.costs, table.higher_is_better)
    keep = [g for g, group in enumerate(table.groups) if len(group) <= 2]
    new_groups = [table.groups[g] for g in keep]
    rows = [table.scores[g] for g in keep]
    costs = [float(table.costs[g]) for g in keep]
    for group in groups:
        group = tuple(sorted(group))
        if len(group) >= 3:
            new_groups.append(group)
            rows.append(_predict(pairs, [table.index(t) for t in group], group))
            costs.append(1.0)
    scores = np.array(rows).reshape(len(rows), table.n_tasks)
    return ScoreTable(
        table.tasks, tuple(new_groups), scores, np.array(costs), table.higher_is_better
    )
