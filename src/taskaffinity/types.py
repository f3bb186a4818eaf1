"""Frozen value objects passed between stages.

Direction convention, used everywhere: in every task-by-task matrix **row = target task**
(the task being scored) and **column = source / auxiliary task**. Scores are "higher is
better" unless the metric (or the imported table) declares otherwise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = [
    "AffinityMatrix",
    "Cost",
    "GainMatrix",
    "Grouping",
    "RunResult",
    "RunSpec",
    "ScoreTable",
]


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class Cost:
    """What a run or an estimator cost: wall seconds, optimizer steps, examples seen."""

    seconds: float = 0.0
    steps: int = 0
    examples: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.seconds + other.seconds, self.steps + other.steps, self.examples + other.examples
        )

    def to_dict(self) -> dict[str, float]:
        return {"seconds": self.seconds, "steps": self.steps, "examples": self.examples}


@dataclass(frozen=True)
class RunSpec:
    """One training run: which tasks are trained together, how, and under which seed.

    ``tasks`` is stored sorted. ``backend_config`` is the backend's full configuration as a
    JSON-able mapping (hyperparameters, device is *not* part of it). ``suite`` is the suite's
    fingerprint, so that a changed dataset never reuses stored runs.
    """

    tasks: tuple[str, ...]
    backend: str
    backend_config: Mapping[str, Any]
    seed: int
    suite: str = ""

    def __post_init__(self) -> None:
        if not self.tasks:
            raise ValueError("RunSpec needs at least one task")
        if len(set(self.tasks)) != len(self.tasks):
            raise ValueError(f"RunSpec has duplicate tasks: {self.tasks}")
        object.__setattr__(self, "tasks", tuple(sorted(self.tasks)))
        object.__setattr__(self, "backend_config", dict(self.backend_config))

    @property
    def key(self) -> str:
        """Stable 16-hex-digit hash of everything that defines the run."""
        payload = _canonical(
            {
                "tasks": list(self.tasks),
                "backend": self.backend,
                "config": self.backend_config,
                "seed": self.seed,
                "suite": self.suite,
            }
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"RunSpec({'+'.join(self.tasks)}, backend={self.backend}, seed={self.seed})"


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run.

    ``metrics[task]`` holds every metric computed on the test split (and ``dev_`` prefixed
    ones on dev); ``scores[task]`` is the task's main test score.
    """

    key: str
    tasks: tuple[str, ...]
    seed: int
    scores: Mapping[str, float] = field(default_factory=dict)
    metrics: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    cost: Cost = field(default_factory=Cost)
    status: Literal["complete", "failed"] = "complete"
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "complete"

    def __repr__(self) -> str:
        s = ", ".join(f"{t}={v:.4g}" for t, v in self.scores.items())
        return f"RunResult({'+'.join(self.tasks)}, seed={self.seed}, {self.status}, {s})"


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
    """

    tasks: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    scores: np.ndarray
    costs: np.ndarray
    higher_is_better: bool = True
    seed_scores: np.ndarray | None = None

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


@dataclass(frozen=True)
class Grouping:
    """A chosen set of networks (or a partition) of tasks.

    ``groups``: the chosen task groups (sorted tuples); ``costs`` their costs; ``predicted``:
    the objective on the table used to choose; ``measured``: on the table used to score
    (None when not scored); ``exact``: whether the search proved optimality.
    """

    groups: tuple[tuple[str, ...], ...]
    predicted: float
    measured: float | None = None
    costs: tuple[float, ...] = ()
    exact: bool = True
    method: str = ""

    def __repr__(self) -> str:
        gs = " | ".join("+".join(g) for g in self.groups)
        return f"Grouping([{gs}], predicted={self.predicted:.4g}, exact={self.exact})"
