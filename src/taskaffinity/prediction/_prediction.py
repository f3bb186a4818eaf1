"""The answer of a predictor: each task's predicted gain in each candidate combination, with
an interval and (optionally) joint draws from the predictor's posterior."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from taskaffinity.types import ScoreTable

__all__ = ["Prediction"]


def _z(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2.0))


@dataclass(frozen=True, eq=False)
class Prediction:
    """Predicted per-task gains over candidate combinations (networks).

    * ``tasks``: task names, the column order of every array;
    * ``groups``: the candidate combinations (sorted tuples), the row order;
    * ``mean``: shape ``(n_groups, n_tasks)``, ``mean[g, t]`` = predicted gain of task ``t``
      in combination ``g`` relative to training ``t`` alone (the measured table's units,
      higher is better), ``NaN`` where ``t`` is not in ``g``; single-task combinations are
      0 by definition;
    * ``sd``: same shape, the posterior standard deviation of that gain (the uncertainty of
      the task's mean gain over seeds, not of one more noisy run);
    * ``measured``: shape ``(n_groups,)``, whether the combination was measured;
    * ``draws``: ``None`` or shape ``(n_draws, n_groups, n_tasks)``: joint draws of the gain
      table from the posterior (what Thompson sampling solves on);
    * ``level``: the nominal coverage of :attr:`lower` / :attr:`upper` (normal intervals
      ``mean -/+ z * sd``);
    * ``method`` and ``params``: the predictor's registered name and hyperparameters.
    """

    tasks: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    mean: np.ndarray
    sd: np.ndarray
    measured: np.ndarray
    draws: np.ndarray | None = None
    level: float = 0.9
    method: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        shape = (len(self.groups), len(self.tasks))
        for name in ("mean", "sd"):
            arr = np.asarray(getattr(self, name), dtype=float)
            if arr.shape != shape:
                raise ValueError(f"{name} shape {arr.shape} != {shape}")
            object.__setattr__(self, name, arr)
        measured = np.asarray(self.measured, dtype=bool)
        if measured.shape != (shape[0],):
            raise ValueError(f"measured shape {measured.shape} != ({shape[0]},)")
        object.__setattr__(self, "measured", measured)
        if self.draws is not None and np.shape(self.draws)[1:] != shape:
            raise ValueError(f"draws shape {np.shape(self.draws)} != (n_draws, *{shape})")
        if not 0.0 < self.level < 1.0:
            raise ValueError(f"level {self.level} is not in (0, 1)")

    @property
    def lower(self) -> np.ndarray:
        """``(n_groups, n_tasks)`` lower ends of the ``level`` intervals (NaN outside)."""
        return self.mean - _z(self.level) * self.sd

    @property
    def upper(self) -> np.ndarray:
        """``(n_groups, n_tasks)`` upper ends of the ``level`` intervals (NaN outside)."""
        return self.mean + _z(self.level) * self.sd

    @property
    def members(self) -> np.ndarray:
        """Bool ``(n_groups, n_tasks)``: whether task ``t`` is in combination ``g``."""
        index = {t: i for i, t in enumerate(self.tasks)}
        out = np.zeros((len(self.groups), len(self.tasks)), dtype=bool)
        for g, grp in enumerate(self.groups):
            out[g, [index[t] for t in grp]] = True
        return out

    def table(self, values: np.ndarray | None = None) -> ScoreTable:
        """The candidates as a gain :class:`ScoreTable` (cost 1 each, higher is better) with
        ``values`` (default: :attr:`mean`; e.g. ``draws[d]`` or :attr:`lower`) as scores."""
        vals = self.mean if values is None else np.asarray(values, dtype=float)
        vals = np.where(self.members, vals, np.nan)
        return ScoreTable(self.tasks, self.groups, vals, np.ones(len(self.groups)), True)

    def __repr__(self) -> str:
        n_draws = 0 if self.draws is None else len(self.draws)
        return (
            f"Prediction({self.method or '?'}, {len(self.tasks)} tasks, {len(self.groups)} "
            f"combinations ({int(self.measured.sum())} measured), {n_draws} draws)"
        )


def group_members(tasks: Sequence[str], groups: Sequence[Sequence[str]]) -> np.ndarray:
    """Bool ``(len(groups), len(tasks))`` membership matrix (raises ``KeyError`` naming an
    unknown task)."""
    index = {t: i for i, t in enumerate(tasks)}
    out = np.zeros((len(groups), len(tasks)), dtype=bool)
    for g, grp in enumerate(groups):
        for t in grp:
            if t not in index:
                raise KeyError(f"combination {'+'.join(grp)} names unknown task {t!r}")
            out[g, index[t]] = True
    return out
