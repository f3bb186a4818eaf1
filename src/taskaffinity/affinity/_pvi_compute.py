"""Per-instance PVI: train ``g'`` on ``(x, y)`` and ``g[empty]`` on ``(empty input, y)``.

``compute_pvi`` trains both models for every task of a suite and returns a
:class:`PVIResult` (per-instance PVI in bits, V-information per task, CSV export and the
statistical grouping of :func:`~taskaffinity.affinity._pvi_significance.group_by_pvi`). The
definition and the estimator built on it are in :mod:`taskaffinity.affinity._pvi`.
"""

from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.affinity._budget import Budget
from taskaffinity.affinity._probe import with_max_steps
from taskaffinity.affinity._pvi_significance import PVIGrouping, group_by_pvi
from taskaffinity.errors import InputError
from taskaffinity.types import Cost

if TYPE_CHECKING:
    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite

__all__ = ["PVIResult", "compute_pvi"]


@dataclass(frozen=True, eq=False)
class PVIResult:
    """Per-instance PVI of every task: ``values[task]`` has shape ``(len(split),)``, in
    bits, index ``k`` = the ``k``-th instance of the task's ``split``."""

    split: str
    values: dict[str, np.ndarray]
    cost: Cost

    @property
    def v_information(self) -> dict[str, float]:
        """Mean PVI per task (bits): the task's V-usable information estimate."""
        return {t: float(np.mean(v)) for t, v in self.values.items()}

    def records(self) -> list[tuple[str, str, int, float]]:
        """``(task, split, index, value)`` rows, tasks in order, then index."""
        return [
            (t, self.split, k, float(x)) for t, v in self.values.items() for k, x in enumerate(v)
        ]

    def to_csv(self, path: str | Path) -> Path:
        """Write the per-instance PVI as CSV with header ``task,split,index,pvi``."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["task", "split", "index", "pvi"])
            w.writerows((t, s, k, repr(x)) for t, s, k, x in self.records())
        return path

    def grouping(self, **kwargs: Any) -> PVIGrouping:
        """Statistical grouping of the tasks (see :func:`group_by_pvi`)."""
        return group_by_pvi(self.values, **kwargs)


def compute_pvi(
    suite: TaskSuite,
    backend: Backend,
    seed: int = 0,
    *,
    split: str = "test",
    budget: Budget | None = None,
) -> PVIResult:
    """Train ``g'`` and ``g[empty]`` for every task of ``suite`` and return their PVI.

    ``budget.max_steps`` is shared equally by the ``2 * n_tasks`` runs; ``max_seconds``
    is checked before each run (raises :class:`BudgetExceeded` once spent).
    """
    if split not in ("train", "dev", "test"):
        raise InputError(f"unknown split {split!r}", field="split")
    budget = budget or Budget(seed=seed)
    n_runs = 2 * len(suite.names)
    per_run = None if budget.max_steps is None else max(1, budget.max_steps // n_runs)
    runner = with_max_steps(backend, per_run)
    total, values = Cost(), {}
    for name in suite.names:
        logp = {}
        for null in (False, True):
            budget.check_time(total)
            start = time.perf_counter()
            lp, cost = runner.gold_log_probs(name, suite, seed, null_input=null, split=split)
            wall = time.perf_counter() - start
            total = total + Cost(max(wall, cost.seconds), cost.steps, cost.examples)
            logp[null] = np.asarray(lp, dtype=float)
        values[name] = (logp[False] - logp[True]) / math.log(2)
    return PVIResult(split, values, total)
