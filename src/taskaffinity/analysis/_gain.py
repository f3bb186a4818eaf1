"""Gain matrix and gain rate of a score table.

Definitions follow the pairwise-transfer analysis of multi-task studies (the Classical
Chinese multi-task study this package reproduces; also Standley et al., ICML 2020):

* gain matrix ``S``: ``S[i, j]`` = score of **target** task ``i`` when trained together with
  **auxiliary** task ``j`` (the pair network ``{i, j}``); ``S[i, i]`` = single-task score;
  ``NaN`` where the pair (or single) was not measured.
* gain rate ``G[i, j] = sign * (S[i, j] - S[i, i]) / |S[i, i]| * 100`` (percent), with
  ``sign = +1`` for higher-is-better scores and ``-1`` for lower-is-better scores (losses).
  So **a positive gain rate always means the auxiliary task helped the target**: for a
  loss, the pair's loss is lower than the single-task loss. For positive higher-is-better
  scores this is exactly ``(pair - single) / single * 100``. The diagonal is ``NaN``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from taskaffinity.types import GainMatrix, ScoreTable

__all__ = [
    "gain_cells",
    "gain_matrix",
    "gain_rate",
    "group_rows",
    "score_table_from_matrix",
    "t_interval",
]


def group_rows(table: ScoreTable) -> dict[tuple[str, ...], int]:
    """Map each distinct group to the row of ``table`` used for it.

    When several networks were trained on exactly the same group (e.g. Standley's half-size
    and full-size single-task networks) the one with the **largest cost** is used (the first
    of those on ties), so that pairs are compared with equally sized single-task networks.
    """
    rows: dict[tuple[str, ...], int] = {}
    for g, group in enumerate(table.groups):
        if group not in rows or table.costs[g] > table.costs[rows[group]]:
            rows[group] = g
    return rows


def gain_cells(table: ScoreTable, scores: np.ndarray) -> np.ndarray:
    """Shape ``(n, n)`` gain matrix (row = target, column = auxiliary) from ``scores``
    of shape ``(n_groups, n_tasks)``."""
    n = table.n_tasks
    out = np.full((n, n), np.nan)
    rows = group_rows(table)
    for i, ti in enumerate(table.tasks):
        g = rows.get((ti,))
        if g is not None:
            out[i, i] = scores[g, i]
        for j, tj in enumerate(table.tasks):
            if i != j:
                g = rows.get(tuple(sorted((ti, tj))))
                if g is not None:
                    out[i, j] = scores[g, i]
    return out


def t_interval(
    samples: np.ndarray, axis: int = 0, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean and Student-t confidence bounds over ``axis``, ignoring NaN.

    Returns ``(mean, low, high, n)``; the bounds are NaN where fewer than 2 values exist
    (``mean +- t_{(1+level)/2, n-1} * s / sqrt(n)``, ``s`` the sample standard deviation).
    """
    from scipy import stats

    samples = np.asarray(samples, dtype=float)
    n = np.sum(~np.isnan(samples), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(samples, axis=axis)
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        dev = np.nansum((samples - np.expand_dims(mean, axis)) ** 2, axis=axis)
        sd = np.sqrt(dev / np.maximum(n - 1, 1))
        half = stats.t.ppf((1 + level) / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(np.maximum(n, 1))
    half = np.where(n >= 2, half, np.nan)
    return mean, mean - half, mean + half, n


def gain_matrix(table: ScoreTable) -> GainMatrix:
    """The ``(n_tasks, n_tasks)`` gain matrix of ``table`` (row = target, column = auxiliary,
    diagonal = single-task score, NaN = not measured), in ``table.tasks`` order.

    With ``table.seed_scores`` (two seeds or more) ``low``/``high`` hold the Student-t 95%
    confidence bounds of each cell's mean over seeds; ``values`` is ``table.scores``' cell.
    """
    values = gain_cells(table, table.scores)
    low = high = None
    if table.seed_scores is not None and table.seed_scores.shape[0] >= 2:
        per_seed = np.stack([gain_cells(table, s) for s in table.seed_scores])
        _, low, high, _ = t_interval(per_seed)
    return GainMatrix(table.tasks, values, table.higher_is_better, low, high)


def gain_rate(values: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Gain rate in percent from a gain-matrix array of shape ``(..., n, n)``.

    ``G[i, j] = sign * (S[i, j] - S[i, i]) / |S[i, i]| * 100``; positive = the auxiliary
    task ``j`` helped target ``i`` (see the module docstring). Diagonal and unmeasured
    cells, and rows whose single-task score is 0 or missing, are NaN.
    """
    values = np.asarray(values, dtype=float)
    single = np.diagonal(values, axis1=-2, axis2=-1)[..., :, None]
    sign = 1.0 if higher_is_better else -1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = sign * (values - single) / np.abs(single) * 100.0
    rate[~np.isfinite(rate)] = np.nan
    n = values.shape[-1]
    rate[..., np.arange(n), np.arange(n)] = np.nan
    return rate


def score_table_from_matrix(
    tasks: Sequence[str], matrix: np.ndarray, *, higher_is_better: bool = True
) -> ScoreTable:
    """The singles + pairs :class:`ScoreTable` of a square gain matrix ``matrix[target,
    auxiliary]`` of shape ``(n_tasks, n_tasks)`` (diagonal = single-task score, NaN = not
    measured), the reverse of :func:`gain_matrix`; see :meth:`ScoreTable.from_matrix`."""
    return ScoreTable.from_matrix(tasks, matrix, higher_is_better=higher_is_better)
