"""Executors: where runs are trained. The driver submits RunSpecs and collects RunResults;
it alone writes the store.

* :class:`SequentialExecutor`: one run at a time in this process.
* :class:`PoolExecutor`: a local process pool (spawn context), ``workers`` runs at a time,
  each worker limited to ``cores // workers`` torch threads.
* :class:`RayExecutor` (in ``_ray.py``): the same RunSpecs as Ray tasks.

A run that raises is returned as a ``failed`` RunResult carrying the traceback text.
"""

from __future__ import annotations

from typing import Any

from taskaffinity.study._pool import PoolExecutor
from taskaffinity.study._safe_run import failed_result, safe_run, set_threads
from taskaffinity.types import RunResult, RunSpec

__all__ = ["PoolExecutor", "SequentialExecutor", "failed_result", "safe_run", "set_threads"]


class SequentialExecutor:
    """Trains one run at a time in the calling process."""

    slots = 1

    def __init__(self, backend: Any, suite: Any) -> None:
        self.backend, self.suite = backend, suite
        self._queue: list[RunSpec] = []

    def submit(self, spec: RunSpec) -> None:
        self._queue.append(spec)

    def wait(self) -> list[tuple[RunSpec, RunResult]]:
        spec = self._queue.pop(0)
        return [(spec, safe_run(self.backend, spec, self.suite))]

    def close(self, abort: bool = False) -> None:
        self._queue.clear()
