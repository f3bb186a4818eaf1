"""Row selections of a :class:`ScoreTable` (sampling measured groups) and conversions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from taskaffinity.types import GainMatrix, ScoreTable

__all__ = ["pairwise_table", "sample_groups", "take_rows"]


def take_rows(table: ScoreTable, rows: Sequence[int]) -> ScoreTable:
    """The table restricted to ``rows`` (in the given order); per-seed and bootstrap scores
    kept."""
    rows = list(rows)
    seeds = None if table.seed_scores is None else table.seed_scores[:, rows]
    boot = None if table.bootstrap_scores is None else table.bootstrap_scores[:, rows]
    return ScoreTable(
        table.tasks,
        tuple(table.groups[r] for r in rows),
        table.scores[rows],
        table.costs[rows],
        table.higher_is_better,
        seeds,
        boot,
    )


def sample_groups(
    table: ScoreTable, n_measured: int, *, seed: int = 0, include_singles: bool = True
) -> list[int]:
    """Rows of a random sample of ``n_measured`` groups (sorted), always containing every
    single-task group when ``include_singles`` (the intercept of each surrogate), the rest
    drawn uniformly without replacement from the multi-task groups."""
    rng = np.random.default_rng(seed)
    singles = [g for g, grp in enumerate(table.groups) if len(grp) == 1] if include_singles else []
    rest = [g for g in range(len(table.groups)) if g not in singles]
    k = max(0, min(len(rest), n_measured - len(singles)))
    return sorted([*singles, *rng.choice(rest, size=k, replace=False).tolist()])


def pairwise_table(matrix: GainMatrix) -> ScoreTable:
    """Singles + pairs :class:`ScoreTable` of a :class:`GainMatrix` (diagonal = single
    networks, ``values[i, j]`` = target ``i`` in the pair ``{i, j}``; cost 1 each), i.e.
    :meth:`GainMatrix.to_table`. The reverse is :func:`taskaffinity.analysis.gain_matrix`."""
    return matrix.to_table()
