"""What one call of ``run_study`` works with, in one object (:class:`StudyContext`): the
config, suite and backend, the open store and the driver's claims on it, the executor
(made on first need, closed once), the run time limits, and how progress is shown.

The driver, the adaptive rounds and the orchestrator take a context instead of long
parameter lists; :func:`make_executor` builds the configured :class:`Executor`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from taskaffinity.study._contract import Executor
from taskaffinity.study._executors import PoolExecutor, SequentialExecutor
from taskaffinity.study._gpus import worker_gpus
from taskaffinity.study._timeouts import RunTimeLimit

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.config import StudyConfig
    from taskaffinity.study._claims import Lease
    from taskaffinity.study._store import ResultStore
    from taskaffinity.tasks import TaskSuite

__all__ = ["StudyContext", "make_executor"]


def make_executor(
    config: StudyConfig, backend: RunBackend, suite: TaskSuite, workers: int
) -> Executor:
    """The configured executor for ``workers`` runs at a time: Ray, a local process pool
    (``workers`` > 1; each worker given its own GPU(s) when ``executor.gpus`` gives any,
    see :func:`~taskaffinity.study._gpus.worker_gpus`) or this process. Raises
    :class:`~taskaffinity.errors.InputError` when the GPUs cannot hold the workers."""
    ex = config.executor
    if ex.kind == "ray":
        from taskaffinity.study._ray import RayExecutor

        return RayExecutor(
            backend, suite, workers, cpus_per_run=ex.cpus_per_run,
            gpus_per_run=ex.gpus_per_run, address=ex.address, retries=ex.retries,
        )  # fmt: skip
    if workers > 1:
        gpus = worker_gpus(ex, workers, backend)
        return PoolExecutor(backend, suite, workers, retries=ex.retries, gpus=gpus)
    return SequentialExecutor(backend, suite, retries=ex.retries)


@dataclass(eq=False)
class StudyContext:
    """One call's study: ``config``, ``suite``, ``backend``, the open ``store`` and the
    driver's ``claims`` (its :class:`Lease`) on it; ``workers``: runs at a time of the
    executor :meth:`executor` makes on first need (it serves the planned seeds and every
    adaptive round, and :meth:`close` ends it once); ``progress``: show a progress bar;
    ``since``: when the call began (a run another driver stored failed after it is not
    tried again); ``limits``: each run's time limit (``executor.run_timeout``), learning
    from the complete runs stored."""

    config: StudyConfig
    suite: TaskSuite
    backend: RunBackend
    store: ResultStore
    claims: Lease
    workers: int
    progress: bool = True
    since: float = 0.0
    limits: RunTimeLimit = field(init=False)
    _executor: Executor | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        setting = self.config.executor.run_timeout
        stored = self.store.results() if setting == "auto" else []
        self.limits = RunTimeLimit(setting, stored)

    def executor(self) -> Executor:
        """The study's executor, made on the first call."""
        if self._executor is None:
            self._executor = make_executor(self.config, self.backend, self.suite, self.workers)
        return self._executor

    def close(self, abort: bool = False) -> None:
        """End the executor if one was made; ``abort`` kills the runs in flight."""
        if self._executor is not None:
            self._executor.close(abort=abort)
