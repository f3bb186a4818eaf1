"""Per-target statistics of a gain matrix: how much a task's score moves across auxiliary
partners (:class:`TaskStability`) and its most helpful and most harmful partner
(:class:`Partners`). Row = target task, column = auxiliary (source) task.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Partners", "TaskStability", "partners", "stability"]


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


def stability(tasks: Sequence[str], values: np.ndarray, higher_is_better: bool = True):
    """One :class:`TaskStability` per task of the ``(n, n)`` gain matrix ``values``."""
    out = []
    better = max if higher_is_better else min
    worse = min if higher_is_better else max
    for i, task in enumerate(tasks):
        single = values[i, i]
        pairs = [(values[i, j], tasks[j]) for j in range(len(tasks)) if j != i]
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


def partners(tasks: Sequence[str], rate: np.ndarray) -> tuple[Partners, ...]:
    """Per target: the auxiliary with the highest and the lowest measured gain rate."""
    out = []
    for i, task in enumerate(tasks):
        row = [(rate[i, j], tasks[j]) for j in range(len(tasks)) if np.isfinite(rate[i, j])]
        if not row:
            out.append(Partners(task, None, None, None, None))
            continue
        b, w = max(row, key=lambda p: p[0]), min(row, key=lambda p: p[0])
        out.append(Partners(task, b[1], float(b[0]), w[1], float(w[0])))
    return tuple(out)
