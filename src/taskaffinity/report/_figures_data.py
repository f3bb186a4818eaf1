"""The data of each report figure, computed from an :class:`Analysis` (no drawing here;
drawing is in :mod:`taskaffinity.report.matplotlib`, as optuna splits its visualization)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from taskaffinity.analysis import Analysis

__all__ = [
    "BarsData",
    "HeatmapData",
    "StabilityData",
    "baseline_bars_data",
    "heatmap_data",
    "stability_data",
]


@dataclass(frozen=True, eq=False)
class HeatmapData:
    """Gain-rate heatmap: ``values[i, j]`` (percent, row = target ``rows[i]``, column =
    auxiliary ``columns[j]``), ``text`` the annotation of each cell (the diagonal shows the
    single-task score), ``limit`` the symmetric colour range ``[-limit, limit]``;
    ``unsettled[i, j]`` is True for a measured cell whose 95% interval includes 0 (drawn
    hatched), None when the analysis has no intervals."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray
    text: tuple[tuple[str, ...], ...]
    limit: float
    title: str
    unsettled: np.ndarray | None = None


def _fmt(x: float | None, spec: str) -> str:
    return "" if x is None or not math.isfinite(x) else format(x, spec)


def heatmap_data(analysis: Analysis, metrics: Mapping[str, str] | None = None) -> HeatmapData:
    """Heatmap of ``analysis.gain_rate`` (positive = the auxiliary helped the target); the
    diagonal shows the single-task score to three decimals, with the task's metric under
    it when ``metrics`` (task -> metric name) is given."""
    rate = analysis.gain_rate
    n_rows, n_cols = rate.shape
    singles = analysis.gain.singles

    def diagonal(i: int) -> str:
        text = _fmt(singles[i], ".3f")
        metric = (metrics or {}).get(analysis.tasks[i])
        return f"{text}\n{metric}" if text and metric else text

    def cell(i: int, j: int) -> str:
        if i == j:
            return diagonal(i)
        if singles[i] == 0 and np.isfinite(analysis.gain.values[i, j]):
            return "undef.\n(single 0)"  # a gain rate relative to 0
        return _fmt(rate[i, j], "+.1f")

    text = tuple(tuple(cell(i, j) for j in range(n_cols)) for i in range(n_rows))
    finite = np.abs(rate[np.isfinite(rate)])
    limit = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    direction = "" if analysis.higher_is_better else " (lower is better: sign flipped)"
    unsettled = None
    if analysis.settled is not None and analysis.ci_kind is not None:
        unsettled = np.isfinite(rate) & (np.nan_to_num(analysis.settled, nan=1.0) == 0)
    return HeatmapData(
        analysis.tasks,
        analysis.sources,
        rate,
        text,
        limit,
        f"Gain rate (%){direction}",
        unsettled,
    )


@dataclass(frozen=True, eq=False)
class BarsData:
    """Grouped bars: per task, one value per series (``series[k]`` names ``values[k]``,
    each of shape ``(n_tasks,)``, NaN = no bar)."""

    tasks: tuple[str, ...]
    series: tuple[str, ...]
    values: tuple[np.ndarray, ...]
    ylabel: str
    title: str


def baseline_bars_data(analysis: Analysis) -> BarsData | None:
    """Single-task score next to the baseline (and the all-task score when measured);
    None when there are no baselines."""
    if not analysis.baselines:
        return None
    tasks = analysis.tasks
    series = ["baseline", "single task"]
    values = [
        np.array([analysis.baselines.get(t, math.nan) for t in tasks], dtype=float),
        analysis.gain.singles,
    ]
    if analysis.all_tasks:
        series.append("all tasks")
        values.append(
            np.array([a.all if a.all is not None else math.nan for a in analysis.all_tasks])
        )
    return BarsData(
        tasks, tuple(series), tuple(values), "test score", "Single-task score against the baseline"
    )


@dataclass(frozen=True, eq=False)
class StabilityData:
    """Per task (shape ``(n_tasks,)`` each, NaN = not measured): single-task score, best
    and worst pair score (in the metric's direction) and the spread ``std`` around the
    single-task score."""

    tasks: tuple[str, ...]
    single: np.ndarray
    best: np.ndarray
    worst: np.ndarray
    std: np.ndarray
    higher_is_better: bool


def stability_data(analysis: Analysis) -> StabilityData:
    """Stability chart data from ``analysis.stability``."""

    def col(name: str) -> np.ndarray:
        return np.array(
            [
                math.nan if getattr(s, name) is None else getattr(s, name)
                for s in analysis.stability
            ],
            dtype=float,
        )

    return StabilityData(
        analysis.tasks,
        col("single"),
        col("max"),
        col("min"),
        col("std"),
        analysis.higher_is_better,
    )
