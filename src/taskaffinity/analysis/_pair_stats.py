"""Statistics over pairs of tasks of a gain-rate matrix: positive share per (target
category, source category) (:class:`CategorySynergy`) and how ``G[i, j]`` compares with
``G[j, i]`` (:class:`Asymmetry`). Row = target task, column = auxiliary (source) task.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from taskaffinity.analysis._task_stats import _f

__all__ = ["Asymmetry", "CategorySynergy", "asymmetry", "category_synergy"]


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
    tasks: Sequence[str], rate: np.ndarray, categories: Mapping[str, str]
) -> tuple[CategorySynergy, ...]:
    """Every (target category, source category) combination, categories in order of first
    appearance in ``tasks``; zero-result combinations are kept (share None)."""
    cats = list(dict.fromkeys(categories[t] for t in tasks))
    counts = {(a, b): [0, 0] for a in cats for b in cats}
    for i, ti in enumerate(tasks):
        for j, tj in enumerate(tasks):
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
    """:class:`Asymmetry` of the gain-rate matrix ``rate`` (shape ``(n, n)``)."""
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
