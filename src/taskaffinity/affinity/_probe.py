"""Shared machinery of the probe estimators (lookahead affinity, gradient similarity).

Both observe one joint training run of all tasks through the backend capability
``train_with_probe`` (see :mod:`taskaffinity.backends`): every ``every`` optimizer steps
the probe gets one fresh batch per task and measures an ``(n, n)`` matrix; the estimate is
the mean over probed steps.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.affinity._budget import BudgetExceeded
from taskaffinity.types import Cost

if TYPE_CHECKING:
    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite

__all__ = ["MatrixProbe", "run_probe", "with_max_steps"]


def with_max_steps(backend: Backend, max_steps: int | None) -> Any:
    """A copy of ``backend`` whose training stops after ``max_steps`` optimizer steps
    (``min(max_steps, its own cap)``); ``backend`` itself when ``max_steps`` is None."""
    if max_steps is None:
        return backend
    cfg = backend.config
    cap = cfg.max_steps if cfg.max_steps is not None else max_steps
    new = copy.copy(backend)
    new.config = dataclasses.replace(
        cfg, max_steps=min(cap, max_steps), min_steps=min(cfg.min_steps, max_steps)
    )
    return new


class MatrixProbe:
    """Accumulates ``measure(ctx) -> (n, n)`` over probed steps; ``mean`` is the average.

    ``index`` maps the run's task names to matrix positions (the suite's order)."""

    def __init__(self, tasks: tuple[str, ...], every: int, measure: Any) -> None:
        self.every = every
        self.tasks = tasks
        self.index = {t: i for i, t in enumerate(tasks)}
        self._measure = measure
        self.total = np.zeros((len(tasks), len(tasks)))
        self.count = np.zeros((len(tasks), len(tasks)))
        self.probes = 0
        self.seconds = 0.0

    def on_step(self, ctx: Any) -> None:
        start = time.perf_counter()
        values = np.asarray(self._measure(ctx, self.tasks), dtype=float)
        ok = np.isfinite(values)
        self.total[ok] += values[ok]
        self.count[ok] += 1
        self.probes += 1
        self.seconds += time.perf_counter() - start

    @property
    def mean(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.count > 0, self.total / np.maximum(self.count, 1), np.nan)


def run_probe(
    suite: TaskSuite,
    backend: Backend,
    seed: int,
    every: int,
    max_steps: int | None,
    measure: Any,
    probe_steps: float = 0.0,
) -> tuple[np.ndarray, Cost, MatrixProbe]:
    """One joint run of every task of ``suite`` with a :class:`MatrixProbe`.

    ``probe_steps``: the work of one probed step in training-step equivalents (one
    backward pass = 1, one forward-only loss = 1/3). Returns the mean probed matrix
    (suite order), the cost (wall time of training and probing; ``steps`` = the run's
    optimizer steps + the probes' step equivalents; examples seen in training) and the
    probe. ``max_steps`` caps that total: the run is cut to
    ``max_steps / (1 + probe_steps / every)`` optimizer steps.
    """
    tasks = tuple(suite.names)
    probe = MatrixProbe(tasks, every, measure)
    cap = None
    if max_steps is not None:
        cap = max(1, int(max_steps / (1.0 + probe_steps / every)))
    start = time.perf_counter()
    run_cost = with_max_steps(backend, cap).train_with_probe(list(tasks), suite, seed, probe)
    seconds = max(time.perf_counter() - start, run_cost.seconds)
    if probe.probes == 0:
        raise BudgetExceeded(
            f"the joint run took {run_cost.steps} steps, fewer than one probe period "
            f"({every}); raise the step budget or lower 'every'"
        )
    steps = run_cost.steps + int(probe.probes * probe_steps)
    return probe.mean, Cost(seconds, steps, run_cost.examples), probe
