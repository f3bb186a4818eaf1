"""Ray executor (optional extra ``taskaffinity[ray]``): each RunSpec becomes a Ray task
with its resource request (``cpus_per_run``, ``gpus_per_run``); results come back to the
driver, which alone writes the store. ``ray`` is imported only when this executor is used.

A task whose worker process or node dies is tried again by Ray itself (``max_retries`` =
``retries``, system failures only: an exception raised by the backend is a failed result,
not retried), within the same call; after the last retry the run is returned failed with
Ray's error.

A run's time limit (``submit(spec, timeout)``) counts from its submission (the driver
keeps at most ``workers`` runs in flight, so a run starts as it is submitted unless the
cluster is short of resources): past it the task is cancelled with
``ray.cancel(force=True)`` (its worker process is killed), and the run is submitted again
up to ``retries`` times, then returned failed (``timed out after N s``). A stopped or
deadlocked worker never answers, so it is caught the same way.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from taskaffinity.errors import InputError
from taskaffinity.study._contract import LostAttempt, Outcome, timed_out
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
        self._limits: dict[str, float | None] = {}
        self._since: dict[Any, float] = {}
        self._lost: dict[str, int] = {}

    def submit(self, spec: RunSpec, timeout: float | None = None) -> None:
        self._limits[spec.key] = timeout
        ref = self._remote.remote(self._backend_ref, spec, self._suite_ref, self._threads)
        self._refs[ref] = spec
        self._since[ref] = time.monotonic()

    def where(self, key: str) -> str | None:
        """None: Ray places each task (its GPUs are Ray's to give)."""
        return None

    def _deadline(self, ref: Any) -> float | None:
        limit = self._limits.get(self._refs[ref].key)
        return None if limit is None else self._since[ref] + limit

    def wait(self, timeout: float | None = None) -> list[tuple[RunSpec, Outcome]]:
        """The runs finished since the last call and the attempts stopped at their time
        limit (at least one, or ``[]`` after ``timeout`` seconds)."""
        out: list[tuple[RunSpec, Outcome]] = []
        deadline = None if timeout is None else time.monotonic() + timeout
        while not out and self._refs:
            ends = [d for ref in self._refs if (d := self._deadline(ref)) is not None]
            if deadline is not None:
                ends.append(deadline)
            left = None if not ends else max(0.0, min(ends) - time.monotonic())
            done, _ = self._ray.wait(list(self._refs), num_returns=1, timeout=left)
            for ref in done:
                spec = self._refs.pop(ref)
                self._since.pop(ref, None)
                self._lost.pop(spec.key, None)
                self._limits.pop(spec.key, None)
                try:
                    out.append((spec, self._ray.get(ref)))
                except Exception as err:  # its worker died more than `retries` times
                    tries = self.retries + 1
                    error = f"ray task failed after {tries} attempt(s): {type(err).__name__}: {err}"
                    out.append((spec, failed_result(spec, error)))
            now = time.monotonic()
            for ref in [r for r in self._refs if (d := self._deadline(r)) is not None and now >= d]:
                out.append(self._stop(ref, now))
            if not done and deadline is not None and time.monotonic() >= deadline:
                break
        return out

    def _stop(self, ref: Any, now: float) -> tuple[RunSpec, Outcome]:
        """Cancel task ``ref`` past its limit (``force``: its worker process is killed);
        submit its run again, or fail it after ``retries`` lost attempts."""
        spec, since = self._refs.pop(ref), self._since.pop(ref)
        self._ray.cancel(ref, force=True)
        limit = self._limits[spec.key] or 0.0
        n = self._lost.get(spec.key, 0) + 1
        self._lost[spec.key] = n
        error = f"{timed_out(limit)} (ray task cancelled)"
        if n <= self.retries:
            self.submit(spec, limit)
            return spec, LostAttempt(spec, error, n)
        self._lost.pop(spec.key, None)
        self._limits.pop(spec.key, None)
        tries = f"{n} attempt" + ("s" if n > 1 else "")
        return spec, failed_result(spec, f"{error}; gave up after {tries}", now - since)

    def close(self, abort: bool = False) -> None:
        for ref in self._refs:
            self._ray.cancel(ref, force=True)
        self._refs.clear()
        self._since.clear()
        if self._started:
            self._ray.shutdown()
            self._started = False
