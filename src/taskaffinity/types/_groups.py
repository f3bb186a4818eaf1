"""Groups of tasks: the scores of trained groups (:class:`ScoreTable`) and a chosen set of
groups (:class:`Grouping`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Grouping", "ScoreTable"]


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """Scores of tasks under trained groups (networks).

    * ``tasks``: all task names, in a fixed order (the column order of ``scores``).
    * ``groups``: one entry per trained network, each a sorted tuple of task names. Groups
      may repeat (e.g. a half-size and a full-size single-task network).
    * ``scores``: float array of shape ``(n_groups, n_tasks)``; ``scores[g, t]`` is the score
      of task ``t`` in network ``g`` (mean over seeds), ``NaN`` where ``t`` is not in ``g``.
    * ``costs``: shape ``(n_groups,)``, the cost of each network (1.0 by default).
    * ``higher_is_better``: the direction of every score in the table.
    * ``seed_scores``: optional ``(n_seeds, n_groups, n_tasks)`` per-seed scores (``NaN``
      where missing), from which ``scores`` is the nan-mean.
    * ``bootstrap_scores``: optional ``(n_resamples, n_groups, n_tasks)`` scores recomputed on
      resamples of the test sets (``NaN`` where ``t`` is not in ``g``): ``[b, g, t]`` is the
      score of task ``t`` in network ``g`` on resample ``b`` of ``t``'s test set, and the
      resampled example indices of a task are the same in every network (a paired
      bootstrap), so differences between networks keep their pairing. Meant for a table of
      one seed; :func:`taskaffinity.analysis.analyze` takes its intervals from it then.
    """

    tasks: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    scores: np.ndarray
    costs: np.ndarray
    higher_is_better: bool = True
    seed_scores: np.ndarray | None = None
    bootstrap_scores: np.ndarray | None = None

    def __post_init__(self) -> None:
        tasks = tuple(self.tasks)
        if len(set(tasks)) != len(tasks):
            raise ValueError(f"duplicate task names: {tasks}")
        groups = tuple(tuple(sorted(g)) for g in self.groups)
        scores = np.asarray(self.scores, dtype=float)
        costs = np.asarray(self.costs, dtype=float)
        if scores.shape != (len(groups), len(tasks)):
            raise ValueError(f"scores shape {scores.shape} != ({len(groups)}, {len(tasks)})")
        if costs.shape != (len(groups),):
            raise ValueError(f"costs shape {costs.shape} != ({len(groups)},)")
        index = {t: i for i, t in enumerate(tasks)}
        for g, group in enumerate(groups):
            unknown = [t for t in group if t not in index]
            if unknown:
                raise ValueError(f"group {'+'.join(group)} has unknown tasks {unknown}")
            inside = np.zeros(len(tasks), dtype=bool)
            inside[[index[t] for t in group]] = True
            if np.any(~np.isnan(scores[g, ~inside])):
                raise ValueError(f"group {'+'.join(group)} scores a task it does not contain")
        object.__setattr__(self, "tasks", tasks)
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "scores", scores)
        object.__setattr__(self, "costs", costs)
        if self.bootstrap_scores is not None:
            boot = np.asarray(self.bootstrap_scores, dtype=float)
            if boot.ndim != 3 or boot.shape[1:] != scores.shape:
                raise ValueError(
                    f"bootstrap_scores shape {boot.shape} != (n_resamples, {len(groups)}, "
                    f"{len(tasks)})"
                )
            object.__setattr__(self, "bootstrap_scores", boot)

    @classmethod
    def from_matrix(
        cls, tasks: Sequence[str], matrix: np.ndarray, *, higher_is_better: bool = True
    ) -> ScoreTable:
        """The singles + pairs table of a square gain matrix ``matrix[target, source]`` of
        shape ``(n_tasks, n_tasks)`` (diagonal = single-task score, NaN = not measured):
        one single-task network per measured diagonal cell and one pair network ``{i, j}``
        per measured pair, scoring ``i`` with ``matrix[i, j]`` and ``j`` with
        ``matrix[j, i]`` (NaN when only one is known); cost 1 each, groups in row-major
        order of the upper triangle. The reverse is
        :func:`taskaffinity.analysis.gain_matrix`."""
        tasks = tuple(tasks)
        n = len(tasks)
        groups, rows = [], []
        for i in range(n):
            for j in range(i, n):
                if i == j and math.isnan(matrix[i, i]):
                    continue
                if i != j and math.isnan(matrix[i, j]) and math.isnan(matrix[j, i]):
                    continue
                row = np.full(n, np.nan)
                row[i] = matrix[i, j]
                row[j] = matrix[j, i]
                groups.append((tasks[i],) if i == j else (tasks[i], tasks[j]))
                rows.append(row)
        scores = np.array(rows).reshape(len(rows), n)
        return cls(tasks, tuple(groups), scores, np.ones(len(groups)), higher_is_better)

    @property
    def n_tasks(self) -> int:
        return len(self.tasks)

    def index(self, task: str) -> int:
        return self.tasks.index(task)

    def score(self, group: Sequence[str], task: str) -> float:
        """Score of ``task`` in the first network trained on exactly ``group`` (NaN if none)."""
        key = tuple(sorted(group))
        t = self.index(task)
        for g, grp in enumerate(self.groups):
            if grp == key:
                return float(self.scores[g, t])
        return float("nan")

    def __repr__(self) -> str:
        d = "higher" if self.higher_is_better else "lower"
        return f"ScoreTable({len(self.tasks)} tasks, {len(self.groups)} groups, {d} is better)"


@dataclass(frozen=True)
class Grouping:
    """A chosen set of networks (or a partition) of tasks.

    ``groups``: the chosen task groups (sorted tuples); ``costs`` their costs; ``predicted``:
    the objective on the table used to choose; ``measured``: on the table used to score
    (None when not scored); ``exact``: whether the search proved optimality; ``method``:
    the registered name of the search that chose it (``milp_select``, ``dp_partition``, ...).
    """

    groups: tuple[tuple[str, ...], ...]
    predicted: float
    measured: float | None = None
    costs: tuple[float, ...] = ()
    exact: bool = True
    method: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record: ``networks`` (one ``{"tasks": [...], "cost": c}`` per group, in
        order; ``cost`` None when the grouping has no costs), ``objective`` (``predicted``),
        ``test_objective`` (``measured``; only when scored), ``exact`` and ``method``."""
        costs = self.costs or (None,) * len(self.groups)
        out: dict[str, Any] = {
            "networks": [
                {"tasks": list(g), "cost": c} for g, c in zip(self.groups, costs, strict=True)
            ],
            "objective": self.predicted,
        }
        if self.measured is not None:
            out["test_objective"] = self.measured
        out.update({"exact": self.exact, "method": self.method})
        return out

    def __repr__(self) -> str:
        gs = " | ".join("+".join(g) for g in self.groups)
        return f"Grouping([{gs}], predicted={self.predicted:.4g}, exact={self.exact})"
