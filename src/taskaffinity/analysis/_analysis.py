"""``analyze``: every statistic of a score table in one frozen value object (the objects
themselves are in :mod:`taskaffinity.analysis._result`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from taskaffinity.analysis._gain import _cells, gain_matrix, gain_rate, group_rows, t_interval
from taskaffinity.analysis._result import AllTaskDelta, Analysis, SeedIntervals, _json
from taskaffinity.analysis._stats import (
    CategorySynergy,
    asymmetry,
    category_synergy,
    partners,
    stability,
)
from taskaffinity.errors import InputError
from taskaffinity.types import GainMatrix, ScoreTable

__all__ = ["AllTaskDelta", "Analysis", "SeedIntervals", "analyze"]


def _all_tasks(table: ScoreTable, values: np.ndarray) -> tuple[AllTaskDelta, ...] | None:
    g = group_rows(table).get(tuple(sorted(table.tasks)))
    if g is None or table.n_tasks < 2:
        return None
    single = np.diag(values)
    everything = table.scores[g]
    sign = 1.0 if table.higher_is_better else -1.0
    low = high = np.full(table.n_tasks, np.nan)
    if table.seed_scores is not None and table.seed_scores.shape[0] >= 2:
        rows = group_rows(table)
        singles = np.stack(
            [
                [s[rows[(t,)], i] if (t,) in rows else np.nan for i, t in enumerate(table.tasks)]
                for s in table.seed_scores
            ]
        )
        _, low, high, _ = t_interval(table.seed_scores[:, g, :] - singles)
    out = []
    for i, task in enumerate(table.tasks):
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = sign * (everything[i] - single[i]) / abs(single[i]) * 100
        out.append(
            AllTaskDelta(
                task,
                _json(float(single[i])),
                _json(float(everything[i])),
                _json(float(everything[i] - single[i])),
                _json(float(rate)),
                _json(float(low[i])),
                _json(float(high[i])),
            )
        )
    return tuple(out)


def _seeds(table: ScoreTable, gain: GainMatrix) -> SeedIntervals | None:
    if table.seed_scores is None or table.seed_scores.shape[0] < 2:
        return None

    per_seed = np.stack([_cells(table, s) for s in table.seed_scores])
    mean, low, high, _ = t_interval(gain_rate(per_seed, table.higher_is_better))
    return SeedIntervals(table.seed_scores.shape[0], gain.low, gain.high, mean, low, high)


def analyze(
    table: ScoreTable,
    *,
    categories: Mapping[str, str] | None = None,
    baselines: Mapping[str, float] | None = None,
) -> Analysis:
    """Analyse ``table``: gain matrix and rate, positive/total counts, per-task stability
    and partners, asymmetry, category synergy (given ``categories``: task -> category,
    which must cover every task), the all-task run (when the table has the network of all
    tasks) and seed intervals (when it has two seeds or more). ``baselines`` (task ->
    baseline score, e.g. majority class) is carried into the report and JSON."""
    gain = gain_matrix(table)
    rate = gain_rate(gain.values, table.higher_is_better)
    measured = np.isfinite(rate)
    synergy: tuple[CategorySynergy, ...] = ()
    if categories is not None:
        missing = [t for t in table.tasks if t not in categories]
        if missing:
            raise InputError(f"no category for task(s) {', '.join(missing)}", field="category")
        categories = {t: str(categories[t]) for t in table.tasks}
        synergy = category_synergy(table.tasks, rate, categories)
    if baselines is not None:
        baselines = {t: float(v) for t, v in baselines.items()}
    return Analysis(
        tasks=table.tasks,
        gain=gain,
        gain_rate=rate,
        positive=int(np.sum(rate[measured] > 0)),
        total=int(np.sum(measured)),
        stability=stability(table.tasks, gain.values, table.higher_is_better),
        partners=partners(table.tasks, rate),
        asymmetry=asymmetry(rate),
        categories=synergy,
        task_categories=categories,
        baselines=baselines,
        all_tasks=_all_tasks(table, gain.values),
        seeds=_seeds(table, gain),
        table=table,
    )
