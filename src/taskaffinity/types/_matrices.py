"""Pairwise task-by-task matrices (row = target task, column = source task): measured
transfer (:class:`GainMatrix`) and an estimate of it (:class:`AffinityMatrix`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from taskaffinity.types._groups import ScoreTable
from taskaffinity.types._run import Cost

__all__ = ["AffinityMatrix", "GainMatrix"]


@dataclass(frozen=True, eq=False)
class GainMatrix:
    """Pairwise transfer scores: ``values[i, j]`` = score of target task ``i`` when trained
    together with source task ``j``; the diagonal ``values[i, i]`` is the single-task score.

    ``low``/``high`` are optional 95% confidence bounds of the same shape (over seeds).
    """

    tasks: tuple[str, ...]
    values: np.ndarray
    higher_is_better: bool = True
    low: np.ndarray | None = None
    high: np.ndarray | None = None

    @property
    def singles(self) -> np.ndarray:
        """Shape ``(n_tasks,)``: single-task scores."""
        return np.diag(self.values).copy()

    def to_table(self) -> ScoreTable:
        """The singles + pairs :class:`ScoreTable` of this matrix (diagonal = single-task
        networks, ``values[i, j]`` = target ``i`` in the pair ``{i, j}``; cost 1 each), see
        :meth:`ScoreTable.from_matrix`."""
        return ScoreTable.from_matrix(
            self.tasks, np.asarray(self.values, dtype=float), higher_is_better=self.higher_is_better
        )

    def __repr__(self) -> str:
        return f"GainMatrix({len(self.tasks)} tasks)"


@dataclass(frozen=True, eq=False)
class AffinityMatrix:
    """An estimate of pairwise transfer: ``values[i, j]`` = how much source task ``j`` is
    predicted to help target task ``i`` (higher = more helpful; the diagonal is undefined
    and conventionally NaN). ``cost`` is what computing the estimate took;
    ``cost_fraction`` is that cost relative to training the full singles+pairs grid."""

    tasks: tuple[str, ...]
    values: np.ndarray
    method: str
    cost: Cost = field(default_factory=Cost)
    cost_fraction: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vals = [[None if np.isnan(v) else float(v) for v in row] for row in self.values]
        return {
            "tasks": list(self.tasks),
            "values": vals,
            "method": self.method,
            "params": dict(self.params),
            "cost": {**self.cost.to_dict(), "fraction": self.cost_fraction},
        }

    def __repr__(self) -> str:
        return f"AffinityMatrix({self.method}, {len(self.tasks)} tasks)"
