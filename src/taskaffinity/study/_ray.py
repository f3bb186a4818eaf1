"""Ray executor (optional extra ``taskaffinity[ray]``): each RunSpec becomes a Ray task
with its resource request (``cpus_per_run``, ``gpus_per_run``); results come back to the
driver, which alone writes the store. ``ray`` is imported only when this executor is used.

A task whose worker process or node dies is tried again by Ray itself (``max_retries`` =
``retries``, system failures only: an exception raised by the backend is a failed result,
not retried), within the same call; after the last retry the run is returned failed with
Ray's error.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from taskaffinity.errors import InputError
from taskaffinity.study._executors import failed_result, safe_run, set_threads
from taskaffinity.types import RunResult, RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = ["RayExecutor"]


def _ray_run(backend: RunBackend, spec: RunSpec, suite: TaskSuite, threads: int) -> RunResult:
    set_threads(threads)
    return safe_run(backend, spec, suite)


class RayExecutor:
    """Up to ``workers`` runs in flight as Ray tasks. Starts a local Ray (``num_cpus`` =
    workers x cpus_per_run, no dashboard) unless ``address`` names a cluster or Ray is
    already initialised; shuts down only a Ray it started."""

    def __init__(
        self,
        backend: RunBackend,
        suite: TaskSuite,
        workers: int,
        *,
        cpus_per_run: float = 1.0,
        gpus_per_run: float = 0.0,
        address: str | None = None,
        retries: int = 2,
    ) -> None:
        try:
            import ray
        except ImportError as err:
            raise InputError(
                "executor 'ray' needs the ray extra: pip install 'taskaffinity[ray]'",
                field="executor.kind",
            ) from err
        self._ray = ray
        self.slots = workers
        self._started = False
        if not ray.is_initialized():
            if address:
                ray.init(address=address, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(
                    num_cpus=max(1, math.ceil(workers * cpus_per_run)),
                    num_gpus=math.ceil(workers * gpus_per_run) if gpus_per_run else None,
                    include_dashboard=False,
                    log_to_driver=False,
                )
            self._started = True
        self.retries = retries
        self._remote = ray.remote(
            num_cpus=cpus_per_run, num_gpus=gpus_per_run, max_retries=retries
        )(_ray_run)
        self._threads = max(1, int(cpus_per_run))
        self._backend_ref = ray.put(backend)
        self._suite_ref = ray.put(suite)
        self._refs: dict[Any, RunSpec] = {}

    def submit(self, spec: RunSpec) -> None:
        ref = self._remote.remote(self._backend_ref, spec, self._suite_ref, self._threads)
        self._refs[ref] = spec

    def wait(self, timeout: float | None = None) -> list[tuple[RunSpec, RunResult]]:
        """The runs finished since the last call (at least one, or ``[]`` after
        ``timeout`` seconds)."""
        if not self._refs:
            return []
        done, _ = self._ray.wait(list(self._refs), num_returns=1, timeout=timeout)
        out = []
        for ref in done:
            spec = self._refs.pop(ref)
            try:
                out.append((spec, self._ray.get(ref)))
            except Exception as err:  # its worker died more than `retries` times
                tries = self.retries + 1
                error = f"ray task failed after {tries} attempt(s): {type(err).__name__}: {err}"
                out.append((spec, failed_result(spec, error)))
        return out

    def close(self, abort: bool = False) -> None:
        for ref in self._refs:
            self._ray.cancel(ref, force=True)
        self._refs.clear()
        if self._started:
            self._ray.shutdown()
            self._started = False
