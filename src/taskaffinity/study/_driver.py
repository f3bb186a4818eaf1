"""The study driver: choose the configured executor and keep it busy, storing each result as
it arrives (the driver alone writes the store)."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from taskaffinity.config import StudyConfig
from taskaffinity.study._executors import PoolExecutor, SequentialExecutor
from taskaffinity.study._progress import StudyProgress
from taskaffinity.study._store import ResultStore

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = ["drive", "make_executor"]


def make_executor(config: StudyConfig, backend: RunBackend, suite: TaskSuite, workers: int) -> Any:
    """The configured executor for ``workers`` runs at a time: Ray, a local process pool
    (``workers`` > 1) or this process."""
    ex = config.executor
    if ex.kind == "ray":
        from taskaffinity.study._ray import RayExecutor

        return RayExecutor(
            backend, suite, workers, cpus_per_run=ex.cpus_per_run,
            gpus_per_run=ex.gpus_per_run, address=ex.address,
        )  # fmt: skip
    if workers > 1:
        return PoolExecutor(backend, suite, workers)
    return SequentialExecutor(backend, suite)


def drive(store: ResultStore, bar: StudyProgress, executor: Any, todo: deque) -> int:
    """Keep ``executor.slots`` runs in flight until ``todo`` is empty; store each result
    as it arrives. Returns the number of runs finished."""
    in_flight = finished = 0
    aborted = True
    try:
        while todo or in_flight:
            while todo and in_flight < executor.slots:
                spec = todo.popleft()
                store.mark_started(spec.key)
                executor.submit(spec)
                bar.start(spec)
                in_flight += 1
            for _spec, result in executor.wait():
                store.record(result)
                bar.finish(result)
                in_flight -= 1
                finished += 1
        aborted = False
    finally:
        executor.close(abort=aborted)
    return finished
