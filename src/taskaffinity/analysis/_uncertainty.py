"""How far a gain rate can be trusted: per-seed gain rates paired by seed, their intervals
(over seeds, or over test-set resamples for one seed), whether each cell's sign is
settled, and the study's reliability (split halves of the seeds).

Everything is a matrix of shape ``(n_targets, n_sources)`` (row = target, column = source;
see :func:`taskaffinity.analysis.targets_and_sources`), with a leading seed or resample
axis for per-seed and per-resample values; NaN = missing or diagonal.

* Per seed ``s``: ``g_s[i, j] = sign * (pair_s - single_s) / |single_s| * 100``, the pair
  score of target ``i`` with source ``j`` against the **same seed's** single-task score;
  only seeds with both count for a cell. The cell's gain rate is the mean of its ``g_s``.
* Interval (``ci_kind``): ``"seeds"`` = Student-t 95% interval over a cell's seeds
  (``n - 1`` degrees of freedom; none below 2 seeds), used whenever the table has two seeds
  or more; ``"test_bootstrap"`` = 2.5 and 97.5 percentiles of the gain rate over the
  resamples of :attr:`ScoreTable.bootstrap_scores`, for a table of one seed that has them;
  ``None`` = no interval possible.
* Settled sign: ``+1`` when the interval lies entirely above 0, ``-1`` entirely below,
  ``0`` otherwise (a measured cell without an interval included).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.analysis._gain import gain_cells, gain_rate, t_interval

if TYPE_CHECKING:
    from taskaffinity.types import ScoreTable

__all__ = [
    "CI_BOOTSTRAP",
    "CI_SEEDS",
    "GainRates",
    "Reliability",
    "bootstrap_interval",
    "gain_rates",
    "min_resolvable",
    "reliability",
    "settled_signs",
    "split_half",
]

CI_SEEDS = "seeds"
CI_BOOTSTRAP = "test_bootstrap"


@dataclass(frozen=True, eq=False)
class GainRates:
    """Gain rates of a score table with their per-seed values and intervals.

    ``seeds``: the seeds seen, sorted (empty for a table without per-seed scores, which
    counts as one measurement). ``per_seed``: shape ``(n_seeds, n_targets, n_sources)``,
    ``g_s`` in ``seeds`` order (one slice of the table's ``scores`` when it has no seeds).
    ``mean``: shape ``(n_targets, n_sources)``, the mean of each cell's ``g_s``. ``n``: the
    number of paired seeds per cell (0 where missing and on the diagonal). ``low``/``high``:
    the interval bounds (NaN where none). ``settled``: ``+1``/``-1``/``0``, NaN where the
    cell is missing or on the diagonal. ``ci_kind``: ``"seeds"``, ``"test_bootstrap"`` or
    None (see the module docstring).
    """

    seeds: tuple[Any, ...]
    per_seed: np.ndarray
    mean: np.ndarray
    n: np.ndarray
    low: np.ndarray
    high: np.ndarray
    settled: np.ndarray
    ci_kind: str | None

    def __repr__(self) -> str:
        rows, cols = self.mean.shape
        return (
            f"GainRates({len(self.seeds)} seeds, {rows}x{cols} cells, "
            f"{int(np.sum(np.isfinite(self.mean)))} measured, ci={self.ci_kind})"
        )


def _sorted_seeds(
    table: ScoreTable, seeds: Sequence[Any] | None
) -> tuple[tuple[Any, ...], np.ndarray]:
    """The seeds seen (those with a score), sorted, and the per-seed cube ``(n_seeds,
    n_groups, n_tasks)`` in that order (the table's ``scores`` as one slice when it has no
    per-seed scores or none was seen)."""
    if table.seed_scores is None:
        labels = tuple(seeds) if seeds is not None else ()
        if len(labels) > 1:
            raise ValueError(f"{len(labels)} seeds given for a table without per-seed scores")
        return labels, table.scores[None]
    cube = np.asarray(table.seed_scores, dtype=float)
    labels = tuple(seeds) if seeds is not None else tuple(range(cube.shape[0]))
    if len(labels) != cube.shape[0]:
        raise ValueError(f"{len(labels)} seeds given for {cube.shape[0]} seed slices")
    if len(set(labels)) != len(labels):
        raise ValueError(f"duplicate seeds: {labels}")
    seen = [k for k in range(cube.shape[0]) if np.any(np.isfinite(cube[k]))]
    if not seen:  # nothing measured: the (all-NaN) scores as one slice
        return (), table.scores[None]
    order = sorted(seen, key=lambda k: labels[k])
    return tuple(labels[k] for k in order), cube[order]


def bootstrap_interval(
    table: ScoreTable,
    targets: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each cell's gain rate over the test-set resamples of
    ``table.bootstrap_scores``: the gain rate per resample ``b`` (resample ``b``'s pair
    score against resample ``b``'s single-task score, the same examples for both), then its
    ``(1 - level) / 2`` and ``(1 + level) / 2`` percentiles (2.5 and 97.5 for 0.95), NaN
    resamples left out. Returns ``(low, high)``, shape ``(n_targets, n_sources)``, NaN where
    the cell is missing or on the diagonal."""
    if table.bootstrap_scores is None:
        raise ValueError("the table has no bootstrap_scores")
    per = np.stack(
        [gain_cells(table, b, targets, sources) for b in table.bootstrap_scores]
    )  # (n_resamples, n_targets, n_sources)
    rates = gain_rate(per, table.higher_is_better)
    q = [50 * (1 - level), 50 * (1 + level)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells
        low, high = np.nanpercentile(rates, q, axis=0)
    return low, high


def settled_signs(low: np.ndarray, high: np.ndarray, measured: np.ndarray) -> np.ndarray:
    """``+1`` where ``low > 0``, ``-1`` where ``high < 0``, ``0`` for the other
    ``measured`` cells (those without an interval included), NaN elsewhere. All arrays of
    the same shape."""
    out = np.where(measured, 0.0, np.nan)
    with np.errstate(invalid="ignore"):
        out[measured & (low > 0)] = 1.0
        out[measured & (high < 0)] = -1.0
    return out


def gain_rates(
    table: ScoreTable,
    targets: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    *,
    seeds: Sequence[Any] | None = None,
) -> GainRates:
    """Per-seed gain rates of ``table`` paired by seed, their means, intervals and settled
    signs (see the module docstring). ``targets``/``sources`` default to ``table.tasks``;
    ``seeds`` names the seeds of ``table.seed_scores``' first axis (default ``0 .. n - 1``;
    for a table without per-seed scores, at most one seed that its ``scores`` come from)."""
    labels, cube = _sorted_seeds(table, seeds)
    per_seed = np.stack([gain_cells(table, s, targets, sources) for s in cube])
    per_seed = gain_rate(per_seed, table.higher_is_better)
    mean, low, high, n = t_interval(per_seed)
    measured = np.isfinite(mean)
    kind: str | None = None
    if len(labels) >= 2:
        kind = CI_SEEDS if np.any(np.isfinite(low)) else None
    elif table.bootstrap_scores is not None:
        low, high = bootstrap_interval(table, targets, sources)
        low, high = np.where(measured, low, np.nan), np.where(measured, high, np.nan)
        kind = CI_BOOTSTRAP if np.any(np.isfinite(low)) else None
    if kind is None:
        low = high = np.full(mean.shape, np.nan)
    return GainRates(
        labels,
        per_seed,
        mean,
        np.asarray(n, dtype=int),
        low,
        high,
        settled_signs(low, high, measured),
        kind,
    )


def split_half(per_seed: np.ndarray, seeds: Sequence[Any]) -> tuple[float | None, tuple]:
    """Spearman correlation of the mean gain rates of two halves of the seeds.

    ``per_seed``: shape ``(n_seeds, n_targets, n_sources)`` in ``seeds`` order, which is
    sorted; half A holds the seeds at even positions (0, 2, ...), half B those at odd
    positions. Each half's gain rate of a cell is the mean over its seeds; the correlation
    is over the cells finite in both halves. Returns ``(r, (seeds_a, seeds_b))``; ``r`` is
    None below 2 seeds, below 2 common cells or when a half is constant, and the halves are
    ``()`` below 2 seeds.
    """
    from scipy import stats

    seeds = tuple(seeds)
    if len(seeds) < 2:
        return None, ()
    halves = (seeds[0::2], seeds[1::2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells
        a = np.nanmean(per_seed[0::2], axis=0)
        b = np.nanmean(per_seed[1::2], axis=0)
    both = np.isfinite(a) & np.isfinite(b)
    x, y = a[both], b[both]
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None, halves
    r = float(stats.spearmanr(x, y).statistic)
    return (r if math.isfinite(r) else None), halves


def min_resolvable(low: np.ndarray, high: np.ndarray) -> float | None:
    """The median over cells with an interval of its half-width ``(high - low) / 2``, in
    gain-rate percentage points: the smallest effect the study resolves. None without
    intervals."""
    half = (np.asarray(high) - np.asarray(low)) / 2
    half = half[np.isfinite(half)]
    return float(np.median(half)) if half.size else None


@dataclass(frozen=True)
class Reliability:
    """How far a study's gain rates can be trusted.

    ``split_half_spearman``: :func:`split_half` (None below 2 seeds); ``halves``: the seeds
    of half A and half B (``()`` below 2 seeds); ``min_resolvable``: :func:`min_resolvable`
    (percentage points, None without intervals); ``settled``/``cells``: measured cells with
    a settled sign and all measured cells; ``statement``: the same in plain English.
    """

    split_half_spearman: float | None
    halves: tuple[tuple[Any, ...], ...]
    min_resolvable: float | None
    settled: int
    cells: int
    statement: str

    def to_dict(self) -> dict[str, Any]:
        """``split_half_spearman``, ``halves`` (``[[A], [B]]`` or None), ``min_resolvable``,
        ``settled``, ``cells``, ``statement``."""
        return {
            "split_half_spearman": self.split_half_spearman,
            "halves": [list(h) for h in self.halves] if self.halves else None,
            "min_resolvable": self.min_resolvable,
            "settled": self.settled,
            "cells": self.cells,
            "statement": self.statement,
        }


def _about(x: float) -> str:
    return f"{x:.1f}" if abs(x) >= 1 else f"{x:.2g}"


ONE_SEED = "One seed: the study cannot separate effects from seed noise; train more seeds."


def reliability(rates: GainRates) -> Reliability:
    """The :class:`Reliability` of :func:`gain_rates`' result."""
    measured = np.isfinite(rates.mean)
    cells = int(np.sum(measured))
    settled = int(np.sum(np.abs(rates.settled[measured]) == 1))
    r, halves = split_half(rates.per_seed, rates.seeds)
    resolvable = min_resolvable(rates.low, rates.high)
    if len(rates.seeds) < 2 and rates.ci_kind is None:
        statement = ONE_SEED
    else:
        parts = [f"{settled} of {cells} cells have a settled sign"]
        if len(rates.seeds) >= 2:
            parts.append(
                "split-half Spearman r = "
                + (f"{r:.2f}" if r is not None else "undefined (too few cells)")
            )
        if resolvable is not None:
            parts.append(f"effects smaller than about ±{_about(resolvable)}% cannot be resolved")
        else:
            parts.append("no cell has two seeds, so no cell has an interval")
        statement = "; ".join(parts) + "."
        if rates.ci_kind == CI_BOOTSTRAP:
            statement = (
                "One seed: the intervals resample the test set only and leave training-seed "
                "noise out, which is often larger, so a single seed cannot separate effects "
                "from noise; train 3 or more seeds. " + statement
            )
    return Reliability(r, halves, resolvable, settled, cells, statement)
