"""``analyze``: every statistic of a score table in one frozen value object,
:class:`Analysis`, with its parts :class:`AllTaskDelta` (the all-task run),
:class:`SeedIntervals` (intervals over seeds) and :class:`Reliability`, and their JSON
conversion.

Row = target task (``Analysis.tasks``), column = source task (``Analysis.sources``: the
targets, then any source-only tasks) everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from taskaffinity.analysis._gain import (
    gain_matrix,
    group_rows,
    t_interval,
    targets_and_sources,
)
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
from taskaffinity.analysis._uncertainty import GainRates, Reliability, gain_rates, reliability
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
    """Student-t 95% intervals over ``n_seeds`` seeds, arrays of shape ``(n_targets,
    n_sources)``: scores (``low``/``high`` around the mean score) and gain rates, whose
    ``rate_mean`` is the mean of the per-seed gain rates (each seed's pair against the same
    seed's single)."""

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
    """Everything :func:`analyze` computes (row = target, column = source everywhere).

    ``tasks``: the targets (rows); ``sources``: the columns, the targets in the same order
    followed by the source-only tasks (equal to ``tasks`` for a square study), so cell
    ``[i, i]`` is target ``i``'s single-task score. ``gain``: scores, ``gain.values`` of
    shape ``(n_targets, n_sources)`` (mean over seeds; ``gain.tasks`` = ``tasks``).
    ``gain_rate``: shape ``(n_targets, n_sources)``, percent, positive = the source helped,
    diagonal NaN: the mean over seeds of the per-seed gain rates, each seed's pair against
    the same seed's single (``seed_gain_rate``, shape ``(n_seeds, n_targets, n_sources)``,
    in ``seed_list`` order; ``paired_seeds``: the number of seeds per cell).
    ``gain_rate_ci``: shape ``(n_targets, n_sources, 2)``, the interval (low, high) of each
    cell, of kind ``ci_kind`` (``"seeds"``: Student-t over seeds; ``"test_bootstrap"``:
    percentiles over test-set resamples, one seed; None: no interval), NaN where none.
    ``settled``: shape ``(n_targets, n_sources)``, ``+1``/``-1`` where the interval lies
    above/below 0, ``0`` for other measured cells, NaN where missing or on the diagonal.
    ``seed_list``: the seeds seen, sorted. ``reliability``: split halves, the smallest
    resolvable effect and a plain statement. ``positive``/``total``: positive and all
    measured off-diagonal gain rates. ``asymmetry`` is over the square part (sources that
    are also targets).
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
    sources: tuple[str, ...] = ()
    gain_rate_ci: np.ndarray | None = None
    settled: np.ndarray | None = None
    ci_kind: str | None = None
    reliability: Reliability | None = None
    seed_list: tuple[Any, ...] = ()
    seed_gain_rate: np.ndarray | None = None
    paired_seeds: np.ndarray | None = None

    def __post_init__(self) -> None:
        if not self.sources:
            object.__setattr__(self, "sources", tuple(self.tasks))

    @property
    def higher_is_better(self) -> bool:
        return self.gain.higher_is_better

    def to_json(self) -> dict[str, Any]:
        """JSON-able dict (NaN -> None): ``tasks`` (targets, the rows), ``sources`` (the
        columns), ``higher_is_better``, ``scores`` (gain matrix), ``gain_rate``,
        ``gain_rate_ci`` (per cell ``[low, high]``, null where none or on the diagonal),
        ``settled`` (per cell ``1``/``-1``/``0``, null where missing or on the diagonal),
        ``ci_kind``, ``reliability`` (:meth:`Reliability.to_dict`), ``seeds`` (sorted seeds
        seen), ``gain_rate_per_seed`` (seeds x targets x sources), ``paired_seeds``,
        ``positive``, ``total``, ``stability``, ``categories``, ``partners``,
        ``asymmetry``; when available ``task_categories``, ``baselines``, ``all_tasks`` and
        ``ci`` (seed intervals). Matrices are rows = ``tasks``, columns = ``sources``."""
        out: dict[str, Any] = {
            "tasks": list(self.tasks),
            "sources": list(self.sources),
            "higher_is_better": self.higher_is_better,
            "scores": self.gain.values,
            "gain_rate": self.gain_rate,
            "gain_rate_ci": _cells(self.gain_rate_ci),
            "settled": _signs(self.settled),
            "ci_kind": self.ci_kind,
            "reliability": self.reliability.to_dict() if self.reliability else None,
            "seeds": list(self.seed_list),
            "gain_rate_per_seed": self.seed_gain_rate,
            "paired_seeds": self.paired_seeds,
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
        extra = ""
        if len(self.sources) > len(self.tasks):
            extra += f", {len(self.sources) - len(self.tasks)} source-only"
        extra += f", {self.seeds.n_seeds} seeds" if self.seeds else ""
        extra += ", all-task run" if self.all_tasks else ""
        return (
            f"Analysis({len(self.tasks)} tasks, {self.positive}/{self.total} positive, "
            f"{d} is better{extra})"
        )


def _cells(ci: np.ndarray | None) -> list | None:
    """``(n, m, 2)`` intervals -> nested lists, a cell None where either bound is NaN."""
    if ci is None:
        return None
    return [[_json(c) if np.all(np.isfinite(c)) else None for c in row] for row in ci]


def _signs(settled: np.ndarray | None) -> list | None:
    if settled is None:
        return None
    return [[int(v) if np.isfinite(v) else None for v in row] for row in settled]


def _all_tasks(
    table: ScoreTable, targets: tuple[str, ...], values: np.ndarray
) -> tuple[AllTaskDelta, ...] | None:
    """One :class:`AllTaskDelta` per target (``values``: the ``(n_targets, n_sources)``
    gain matrix, diagonal = single), or None without a network of all tasks."""
    g = group_rows(table).get(tuple(sorted(table.tasks)))
    if g is None or table.n_tasks < 2:
        return None
    cols = [table.index(t) for t in targets]
    single = np.diag(values)
    everything = table.scores[g, cols]
    sign = 1.0 if table.higher_is_better else -1.0
    low = high = np.full(len(targets), np.nan)
    if table.seed_scores is not None and table.seed_scores.shape[0] >= 2:
        rows = group_rows(table)
        singles = np.stack(
            [
                [s[rows[(t,)], table.index(t)] if (t,) in rows else np.nan for t in targets]
                for s in table.seed_scores
            ]
        )
        _, low, high, _ = t_interval(table.seed_scores[:, g, cols] - singles)
    out = []
    for i, task in enumerate(targets):
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


def _seeds(rates: GainRates, gain: GainMatrix) -> SeedIntervals | None:
    if len(rates.seeds) < 2 or gain.low is None or gain.high is None:
        return None
    return SeedIntervals(len(rates.seeds), gain.low, gain.high, rates.mean, rates.low, rates.high)


def analyze(
    table: ScoreTable,
    *,
    categories: Mapping[str, str] | None = None,
    baselines: Mapping[str, float] | None = None,
    seeds: Sequence[Any] | None = None,
) -> Analysis:
    """Analyse ``table``: gain matrix and rate (rows = targets, columns = sources, see
    :func:`targets_and_sources`), positive/total counts, per-task stability and partners,
    asymmetry (square part), category synergy (given ``categories``: task -> category,
    which must cover every target and source), the all-task run (when the table has the
    network of all tasks), per-seed gain rates paired by seed with their intervals,
    settled signs and the study's reliability, and seed intervals of the scores (when it
    has two seeds or more). ``baselines`` (task -> baseline score, e.g. majority class)
    is carried into the report and JSON. ``seeds``: the seed of each slice of
    ``table.seed_scores``' first axis (default ``0 .. n - 1``); they are sorted for the
    split halves and the per-seed output."""
    targets, sources = targets_and_sources(table)
    gain = gain_matrix(table, targets=targets, sources=sources)
    try:
        rates = gain_rates(table, targets, sources, seeds=seeds)
    except ValueError as err:
        raise InputError(str(err), field="seeds") from None
    rate = rates.mean
    measured = np.isfinite(rate)
    synergy: tuple[CategorySynergy, ...] = ()
    if categories is not None:
        missing = [t for t in sources if t not in categories]
        if missing:
            raise InputError(f"no category for task(s) {', '.join(missing)}", field="category")
        categories = {t: str(categories[t]) for t in sources}
        synergy = category_synergy(targets, rate, categories, sources=sources)
    if baselines is not None:
        baselines = {t: float(v) for t, v in baselines.items()}
    n = len(targets)
    return Analysis(
        tasks=targets,
        gain=gain,
        gain_rate=rate,
        positive=int(np.sum(rate[measured] > 0)),
        total=int(np.sum(measured)),
        stability=stability(targets, gain.values, table.higher_is_better, sources=sources),
        partners=partners(targets, rate, sources=sources),
        asymmetry=asymmetry(rate[:, :n]),
        categories=synergy,
        task_categories=categories,
        baselines=baselines,
        all_tasks=_all_tasks(table, targets, gain.values),
        seeds=_seeds(rates, gain),
        table=table,
        sources=sources,
        gain_rate_ci=np.stack([rates.low, rates.high], axis=-1),
        settled=rates.settled,
        ci_kind=rates.ci_kind,
        reliability=reliability(rates),
        seed_list=rates.seeds,
        seed_gain_rate=rates.per_seed,
        paired_seeds=rates.n,
    )
