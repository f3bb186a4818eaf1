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

A study need not be square: its **targets** (the rows) are the tasks that are scored in
some network, its **sources** (the columns) are the targets, in the same order, followed by
the source-only tasks (trained with a target, never scored themselves), see
:func:`targets_and_sources`. So ``values[i, i]`` is always target ``i``'s single-task score,
and for a square study ``sources == targets == table.tasks``.
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
    "targets_and_sources",
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


def targets_and_sources(table: ScoreTable) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The rows and columns of ``table``'s gain matrix: ``(targets, sources)``.

    A task of ``table.tasks`` is **source-only** when it is in some network but never
    scored (it was trained alongside a target, e.g. a long CSV's ``source`` that is never a
    ``target``); every other task is a target. ``targets`` keeps ``table.tasks`` order;
    ``sources`` is ``targets`` followed by the source-only tasks in ``table.tasks`` order,
    so a square table gives ``sources == targets == table.tasks``.
    """
    scored = np.any(np.isfinite(table.scores), axis=0)
    members = {t for group in table.groups for t in group}
    only = [t for k, t in enumerate(table.tasks) if not scored[k] and t in members]
    targets = tuple(t for t in table.tasks if t not in only)
    return targets, targets + tuple(only)


def gain_cells(
    table: ScoreTable,
    scores: np.ndarray,
    targets: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
) -> np.ndarray:
    """Gain matrix of shape ``(n_targets, n_sources)`` (row = target, column = source) from
    ``scores`` of shape ``(n_groups, n_tasks)`` (a score table's ``scores`` or one seed's or
    one resample's slice of it): ``[i, j]`` = target ``i``'s score in the pair network
    ``{i, j}``, ``[i, i]`` (when ``sources[i] == targets[i]``) its single-task score, NaN
    where not measured. ``targets``/``sources`` default to ``table.tasks``."""
    targets = table.tasks if targets is None else tuple(targets)
    sources = table.tasks if sources is None else tuple(sources)
    out = np.full((len(targets), len(sources)), np.nan)
    rows = group_rows(table)
    for i, ti in enumerate(targets):
        k = table.index(ti)
        for j, tj in enumerate(sources):
            g = rows.get((ti,) if ti == tj else tuple(sorted((ti, tj))))
            if g is not None:
                out[i, j] = scores[g, k]
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


def gain_matrix(
    table: ScoreTable,
    *,
    targets: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
) -> GainMatrix:
    """The gain matrix of ``table``, shape ``(n_targets, n_sources)`` (row = target, column
    = source, diagonal = single-task score, NaN = not measured); ``targets`` and ``sources``
    default to ``table.tasks`` (a square ``(n_tasks, n_tasks)`` matrix). The result's
    ``tasks`` are the targets.

    With ``table.seed_scores`` (two seeds or more) ``low``/``high`` hold the Student-t 95%
    confidence bounds of each cell's mean over seeds; ``values`` is ``table.scores``' cell.
    """
    targets = table.tasks if targets is None else tuple(targets)
    values = gain_cells(table, table.scores, targets, sources)
    low = high = None
    if table.seed_scores is not None and table.seed_scores.shape[0] >= 2:
        per_seed = np.stack([gain_cells(table, s, targets, sources) for s in table.seed_scores])
        _, low, high, _ = t_interval(per_seed)
    return GainMatrix(targets, values, table.higher_is_better, low, high)


def gain_rate(values: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Gain rate in percent from a gain-matrix array of shape ``(..., n_targets,
    n_sources)``, ``n_sources >= n_targets``, whose diagonal ``[..., i, i]`` is target
    ``i``'s single-task score (a square matrix, or the rows of :func:`targets_and_sources`).

    ``G[i, j] = sign * (S[i, j] - S[i, i]) / |S[i, i]| * 100``; positive = the source task
    ``j`` helped target ``i`` (see the module docstring). Diagonal and unmeasured cells, and
    rows whose single-task score is 0 or missing, are NaN. Each slice of the leading axes
    is compared with its own diagonal (per seed: the same seed's single-task score).
    """
    values = np.asarray(values, dtype=float)
    n = values.shape[-2]
    if values.shape[-1] < n:
        raise ValueError(f"gain matrix of shape {values.shape} has fewer columns than rows")
    single = np.diagonal(values, axis1=-2, axis2=-1)[..., :, None]
    sign = 1.0 if higher_is_better else -1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = sign * (values - single) / np.abs(single) * 100.0
    rate[~np.isfinite(rate)] = np.nan
    rate[..., np.arange(n), np.arange(n)] = np.nan
    return rate


def score_table_from_matrix(
    tasks: Sequence[str], matrix: np.ndarray, *, higher_is_better: bool = True
) -> ScoreTable:
    """The singles + pairs :class:`ScoreTable` of a square gain matrix ``matrix[target,
    auxiliary]`` of shape ``(n_tasks, n_tasks)`` (diagonal = single-task score, NaN = not
    measured), the reverse of :func:`gain_matrix`; see :meth:`ScoreTable.from_matrix`."""
    return ScoreTable.from_matrix(tasks, matrix, higher_is_better=higher_is_better)
