"""The frozen value objects :func:`~taskaffinity.analysis.analyze` returns:
:class:`Analysis` and its parts :class:`AllTaskDelta` (the all-task run) and
:class:`SeedIntervals` (intervals over seeds), with their JSON conversion.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from taskaffinity.analysis._stats import Asymmetry, CategorySynergy, Partners, TaskStability
from taskaffinity.types import GainMatrix, ScoreTable

__all__ = ["AllTaskDelta", "Analysis", "SeedIntervals"]


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
