"""``analyze``: every statistic of a score table in one frozen value object,
:class:`Analysis`, with its parts :class:`AllTaskDelta` (the all-task run) and
:class:`SeedIntervals` (intervals over seeds), and their JSON conversion.

Row = target task, column = auxiliary (source) task everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from taskaffinity.analysis._gain import gain_cells, gain_matrix, gain_rate, group_rows, t_interval
from taskaffinity.analysis._statistics import (
    Asymmetry,
    CategorySynergy,
    Partners,
    TaskStability,
    asymmetry,
    category_synergy,
    partners,
    stability,
)
from taskaffinity.errors import InputError
from taskaffinity.types import GainMatrix, ScoreTable

__all__ = ["AllTaskDelta", "Analysis", "SeedIntervals", "analyze"]


def _json(x: Any) -> Any:
    """NaN/inf -> None, numpy -> Python, recursively."""
    if isinstance(x, np.ndarray):
        return _json(x.tolist())
    if isinstance(x, Mapping):
        return {str(k): _json(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_json(v) for v in x]
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    return x


@dataclass(frozen=True)
class AllTaskDelta:
    """A task's score in the network trained on **all** tasks: ``delta = all - single``
    (raw, in the metric's unit and direction) and ``gain_rate`` (percent, positive = the
    all-task network helped, whatever the direction)."""

    task: str
    single: float | None
    all: float | None
    delta: float | None
    gain_rate: float | None
    low: float | None = None  # 95% CI of delta over seeds
    high: float | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True, eq=False)
class SeedIntervals:
    """Student-t 95% intervals over ``n_seeds`` seeds, arrays of shape ``(n, n)``:
    scores (``low``/``high`` around the mean score) and gain rates, whose ``rate_mean`` is
    the mean of the per-seed gain rates (each seed's pair against the same seed's single)."""

    n_seeds: int
    low: np.ndarray
    high: np.ndarray
    rate_mean: np.ndarray
    rate_low: np.ndarray
    rate_high: np.ndarray

    def to_dict(self) -> dict:
        return {
            "n_seeds": self.n_seeds,
            "level": 0.95,
            "scores": {"low": self.low, "high": self.high},
            "gain_rate": {"mean": self.rate_mean, "low": self.rate_low, "high": self.rate_high},
        }


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything :func:`analyze` computes (row = target, column = auxiliary everywhere).

    ``gain_rate``: shape ``(n, n)``, percent, positive = the auxiliary helped, diagonal NaN.
    ``positive``/``total``: positive and all measured off-diagonal gain rates.
    """

    tasks: tuple[str, ...]
    gain: GainMatrix
    gain_rate: np.ndarray
    positive: int
    total: int
    stability: tuple[TaskStability, ...]
    partners: tuple[Partners, ...]
    asymmetry: Asymmetry
    categories: tuple[CategorySynergy, ...] = ()
    task_categories: Mapping[str, str] | None = None
    baselines: Mapping[str, float] | None = None
    all_tasks: tuple[AllTaskDelta, ...] | None = None
    seeds: SeedIntervals | None = None
    table: ScoreTable | None = field(default=None, repr=False)

    @property
    def higher_is_better(self) -> bool:
        return self.gain.higher_is_better

    def to_json(self) -> dict[str, Any]:
        """JSON-able dict (NaN -> None): ``tasks``, ``higher_is_better``, ``scores`` (gain
        matrix), ``gain_rate``, ``positive``, ``total``, ``stability``, ``categories``,
        ``partners``, ``asymmetry``; when available ``task_categories``, ``baselines``,
        ``all_tasks`` and ``ci`` (seed intervals)."""
        out: dict[str, Any] = {
            "tasks": list(self.tasks),
            "higher_is_better": self.higher_is_better,
            "scores": self.gain.values,
            "gain_rate": self.gain_rate,
            "positive": self.positive,
            "total": self.total,
            "stability": [s.to_dict() for s in self.stability],
            "categories": [c.to_dict() for c in self.categories],
            "partners": [p.to_dict() for p in self.partners],
            "asymmetry": self.asymmetry.to_dict(),
        }
        if self.task_categories is not None:
            out["task_categories"] = dict(self.task_categories)
        if self.baselines is not None:
            out["baselines"] = dict(self.baselines)
        if self.all_tasks is not None:
            out["all_tasks"] = [a.to_dict() for a in self.all_tasks]
        if self.seeds is not None:
            out["ci"] = self.seeds.to_dict()
        return _json(out)

    def __repr__(self) -> str:
        d = "higher" if self.higher_is_better else "lower"
        extra = f", {self.seeds.n_seeds} seeds" if self.seeds else ""
        extra += ", all-task run" if self.all_tasks else ""
        return (
            f"Analysis({len(self.tasks)} tasks, {self.positive}/{self.total} positive, "
            f"{d} is better{extra})"
        )


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

    per_seed = np.stack([gain_cells(table, s) for s in table.seed_scores])
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
