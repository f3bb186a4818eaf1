"""Statistics of a gain matrix: per target task, how much its score moves across auxiliary
partners (:class:`TaskStability`) and its most helpful and most harmful partner
(:class:`Partners`); over pairs of tasks, the positive share per (target category, source
category) (:class:`CategorySynergy`) and how ``G[i, j]`` compares with ``G[j, i]``
(:class:`Asymmetry`).

All inputs use row = target task, column = auxiliary (source) task. ``values`` is a gain
matrix of shape ``(n_targets, n_sources)`` (diagonal = single-task score; square unless
``sources`` is given: the targets, then the source-only tasks, see
:func:`taskaffinity.analysis.targets_and_sources`); ``rate`` is the gain rate of
:func:`taskaffinity.analysis.gain_rate` (percent, positive = the auxiliary helped), of the
same shape.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Asymmetry",
    "CategorySynergy",
    "Partners",
    "TaskStability",
    "asymmetry",
    "category_synergy",
    "partners",
    "stability",
]


def _f(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


@dataclass(frozen=True)
class TaskStability:
    """How much a task's score moves across auxiliary partners.

    ``max``/``min``: the best/worst **pair** score in the metric's direction (for a loss,
    ``max`` is the lowest loss); ``max_source`` is None when no pair beats the single-task
    score; ``range = |better of (max, single) - min|``; ``std = sqrt(mean_j (S[i,j] -
    S[i,i])^2)`` over the measured pairs (spread around the single score, not the mean).
    Scores are None when the task has no measured pair.
    """

    task: str
    single: float | None
    max: float | None
    max_source: str | None
    min: float | None
    min_source: str | None
    range: float | None
    std: float | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def stability(
    tasks: Sequence[str],
    values: np.ndarray,
    higher_is_better: bool = True,
    *,
    sources: Sequence[str] | None = None,
) -> tuple[TaskStability, ...]:
    """One :class:`TaskStability` per target of the gain matrix ``values``, shape
    ``(len(tasks), len(sources))`` (``sources`` defaults to ``tasks``)."""
    sources = tasks if sources is None else sources
    out = []
    better = max if higher_is_better else min
    worse = min if higher_is_better else max
    for i, task in enumerate(tasks):
        single = values[i, i]
        pairs = [(values[i, j], sources[j]) for j in range(len(sources)) if j != i]
        pairs = [(v, t) for v, t in pairs if math.isfinite(v)]
        if not pairs:
            out.append(TaskStability(task, _f(single), None, None, None, None, None, None))
            continue
        best_v, best_t = better(pairs, key=lambda p: p[0])
        worst_v, worst_t = worse(pairs, key=lambda p: p[0])
        beats = math.isfinite(single) and (best_v > single if higher_is_better else best_v < single)
        top = better(best_v, single) if math.isfinite(single) else math.nan
        std = math.sqrt(sum((v - single) ** 2 for v, _ in pairs) / len(pairs))
        out.append(
            TaskStability(
                task,
                _f(single),
                float(best_v),
                best_t if beats else None,
                float(worst_v),
                worst_t,
                _f(abs(top - worst_v)),
                _f(std),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class Partners:
    """A target's most helpful and most harmful auxiliary task by gain rate (percent)."""

    task: str
    best: str | None
    best_gain: float | None
    worst: str | None
    worst_gain: float | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def partners(
    tasks: Sequence[str], rate: np.ndarray, *, sources: Sequence[str] | None = None
) -> tuple[Partners, ...]:
    """Per target (row of ``rate``, shape ``(len(tasks), len(sources))``; ``sources``
    defaults to ``tasks``): the source with the highest and the lowest measured gain rate."""
    sources = tasks if sources is None else sources
    out = []
    for i, task in enumerate(tasks):
        row = [(rate[i, j], sources[j]) for j in range(len(sources)) if np.isfinite(rate[i, j])]
        if not row:
            out.append(Partners(task, None, None, None, None))
            continue
        b, w = max(row, key=lambda p: p[0]), min(row, key=lambda p: p[0])
        out.append(Partners(task, b[1], float(b[0]), w[1], float(w[0])))
    return tuple(out)


@dataclass(frozen=True)
class CategorySynergy:
    """Measured pair results with a target of ``target_category`` and an auxiliary of
    ``source_category``: how many there are, how many have a positive gain rate, and the
    positive share (None when there are no results)."""

    target_category: str
    source_category: str
    results: int
    positive: int
    share: float | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def category_synergy(
    tasks: Sequence[str],
    rate: np.ndarray,
    categories: Mapping[str, str],
    *,
    sources: Sequence[str] | None = None,
) -> tuple[CategorySynergy, ...]:
    """Every (target category, source category) combination over the gain rates ``rate``
    (shape ``(len(tasks), len(sources))``; ``sources`` defaults to ``tasks``), categories
    in order of first appearance in ``tasks`` then ``sources``; zero-result combinations
    are kept (share None)."""
    sources = tasks if sources is None else sources
    cats = list(dict.fromkeys(categories[t] for t in (*tasks, *sources)))
    counts = {(a, b): [0, 0] for a in cats for b in cats}
    for i, ti in enumerate(tasks):
        for j, tj in enumerate(sources):
            if i != j and np.isfinite(rate[i, j]):
                c = counts[categories[ti], categories[tj]]
                c[0] += 1
                c[1] += int(rate[i, j] > 0)
    return tuple(
        CategorySynergy(a, b, n, p, p / n if n else None) for (a, b), (n, p) in counts.items()
    )


@dataclass(frozen=True)
class Asymmetry:
    """Compares ``G[i, j]`` with ``G[j, i]`` over the unordered pairs measured both ways.

    ``sign_agreement``: pairs whose two gain rates are both positive or both non-positive;
    ``pearson``/``spearman``: correlation of ``G[i, j]`` with ``G[j, i]`` (None below 3
    pairs or with constant values); ``mean_abs_difference``: mean ``|G[i, j] - G[j, i]|``.
    """

    pairs: int
    sign_agreement: int
    agreement_share: float | None
    pearson: float | None
    spearman: float | None
    mean_abs_difference: float | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def asymmetry(rate: np.ndarray) -> Asymmetry:
    """:class:`Asymmetry` of the square gain-rate matrix ``rate`` (shape ``(n, n)``; for
    a study with source-only tasks, its first ``n_targets`` columns)."""
    from scipy import stats

    n = rate.shape[0]
    a, b = [], []
    for i in range(n):
        for j in range(i + 1, n):
            if np.isfinite(rate[i, j]) and np.isfinite(rate[j, i]):
                a.append(rate[i, j])
                b.append(rate[j, i])
    x, y = np.array(a), np.array(b)
    agree = int(np.sum((x > 0) == (y > 0)))
    pearson = spearman = None
    if len(x) >= 3 and np.ptp(x) > 0 and np.ptp(y) > 0:
        pearson = float(stats.pearsonr(x, y).statistic)
        spearman = _f(float(stats.spearmanr(x, y).statistic))
    return Asymmetry(
        len(x),
        agree,
        agree / len(x) if len(x) else None,
        pearson,
        spearman,
        float(np.mean(np.abs(x - y))) if len(x) else None,
    )
