"""Per-instance PVI: train ``g'`` on ``(x, y)`` and ``g[empty]`` on ``(empty input, y)``.

``compute_pvi`` trains both models for every task of a suite and returns a
:class:`PVIResult` (per-instance PVI in bits, V-information per task, CSV export and the
statistical grouping of :func:`~taskaffinity.affinity._pvi_significance.group_by_pvi`). The
definition and the estimator built on it are in :mod:`taskaffinity.affinity._pvi`.

``g'`` of a task is exactly that task's single-task run (same backend config, seed and
suite, scored from its best dev checkpoint). Given a study's stored runs (``runs``), a
complete single-task run with the run key ``g'`` would have and its stored test gold
log-probabilities (:attr:`~taskaffinity.types.RunResult.gold_log_probs`) is reused instead
of trained again. Its cost was the study's: it is recorded in ``PVIResult.reused_cost``,
not in ``PVIResult.cost`` (the new work). The null models are always trained.
"""

from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.affinity._budget import Budget
from taskaffinity.affinity._probe import with_max_steps
from taskaffinity.affinity._pvi_significance import PVIGrouping, group_by_pvi
from taskaffinity.errors import InputError
from taskaffinity.types import Cost

if TYPE_CHECKING:
    from collections.abc import Sequence

    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite
    from taskaffinity.types import RunResult

__all__ = ["PVIResult", "compute_pvi"]


@dataclass(frozen=True, eq=False)
class PVIResult:
    """Per-instance PVI of every task: ``values[task]`` has shape ``(len(split),)``, in
    bits, index ``k`` = the ``k``-th instance of the task's ``split``.

    ``cost``: the training this computation did; ``reused``: task -> run key of the stored
    single-task run reused as its ``g'``; ``reused_cost``: what those runs cost the study
    (not part of ``cost``)."""

    split: str
    values: dict[str, np.ndarray]
    cost: Cost
    reused: dict[str, str] = field(default_factory=dict)
    reused_cost: Cost = field(default_factory=Cost)

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


def _stored_real_logp(
    runner: Backend, name: str, suite: TaskSuite, seed: int, runs: Sequence[RunResult]
) -> RunResult | None:
    """The complete stored run that is ``name``'s ``g'`` (same run key) and keeps its
    test gold log-probabilities, or None."""
    key = runner.spec([name], seed, suite).key
    n = len(suite.task(name).test)
    for r in runs:
        if r.key == key and r.ok and len(r.gold_log_probs.get(name, ())) == n:
            return r
    return None


def compute_pvi(
    suite: TaskSuite,
    backend: Backend,
    seed: int = 0,
    *,
    split: str = "test",
    budget: Budget | None = None,
    runs: Sequence[RunResult] | None = None,
) -> PVIResult:
    """Train ``g'`` and ``g[empty]`` for every task of ``suite`` and return their PVI.

    ``budget.max_steps`` is shared equally by the ``2 * n_tasks`` runs; ``max_seconds``
    is checked before each run (raises :class:`BudgetExceeded` once spent). ``runs``: the
    stored runs of a study (e.g. ``open_study(dir).complete``); a task's ``g'`` is taken
    from them when they hold it (see module docstring; only for ``split="test"``, and a
    step cap that changes the run's config changes its key, so then it is trained).
    """
    if split not in ("train", "dev", "test"):
        raise InputError(f"unknown split {split!r}", field="split")
    budget = budget or Budget(seed=seed)
    n_runs = 2 * len(suite.names)
    per_run = None if budget.max_steps is None else max(1, budget.max_steps // n_runs)
    runner = with_max_steps(backend, per_run)
    total, values, reused, reused_cost = Cost(), {}, {}, Cost()
    for name in suite.names:
        logp = {}
        stored = None
        if runs is not None and split == "test":
            stored = _stored_real_logp(runner, name, suite, seed, runs)
        if stored is not None:
            logp[False] = np.asarray(stored.gold_log_probs[name], dtype=float)
            reused[name] = stored.key
            reused_cost = reused_cost + stored.cost
        for null in (False, True) if stored is None else (True,):
            budget.check_time(total)
            start = time.perf_counter()
            lp, cost = runner.gold_log_probs(name, suite, seed, null_input=null, split=split)
            wall = time.perf_counter() - start
            total = total + Cost(max(wall, cost.seconds), cost.steps, cost.examples)
            logp[null] = np.asarray(lp, dtype=float)
        values[name] = (logp[False] - logp[True]) / math.log(2)
    return PVIResult(split, values, total, reused, reused_cost)
