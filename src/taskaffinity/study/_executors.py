"""Executors: where runs are trained. The driver submits RunSpecs and collects RunResults;
it alone writes the store.

* :class:`SequentialExecutor`: one run at a time in this process.
* :class:`PoolExecutor`: a local process pool (spawn context), ``workers`` runs at a time,
  each worker limited to ``cores // workers`` torch threads.
* :class:`RayExecutor` (in ``_ray.py``, optional extra): the same RunSpecs as Ray tasks.

A run that raises is returned as a ``failed`` RunResult carrying the traceback text.
Each worker process is limited to its share of the torch/BLAS threads (:func:`set_threads`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

from taskaffinity.types import Cost, RunResult, RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = ["PoolExecutor", "SequentialExecutor", "failed_result", "safe_run", "set_threads"]


def failed_result(spec: RunSpec, error: str, seconds: float = 0.0) -> RunResult:
    """A ``failed`` RunResult for ``spec`` with the error text."""
    return RunResult(
        key=spec.key,
        tasks=spec.tasks,
        seed=spec.seed,
        cost=Cost(seconds=seconds),
        status="failed",
        error=error,
    )


def safe_run(backend: RunBackend, spec: RunSpec, suite: TaskSuite) -> RunResult:
    """``backend.run(spec, suite)``; an exception becomes a failed result with its traceback."""
    start = time.perf_counter()
    try:
        result = backend.run(spec, suite)
    except Exception:
        return failed_result(spec, traceback.format_exc(), time.perf_counter() - start)
    if result.key != spec.key:
        return failed_result(spec, f"backend returned key {result.key}, expected {spec.key}")
    return result


def set_threads(n: int) -> None:
    """Limit torch and BLAS to ``n`` threads in this process: through the environment before
    torch is imported (torch reads ``OMP_NUM_THREADS`` at start-up), directly after."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(n)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(n)


class SequentialExecutor:
    """Trains one run at a time in the calling process."""

    slots = 1

    def __init__(self, backend: RunBackend, suite: TaskSuite) -> None:
        self.backend, self.suite = backend, suite
        self._queue: list[RunSpec] = []

    def submit(self, spec: RunSpec) -> None:
        self._queue.append(spec)

    def wait(self) -> list[tuple[RunSpec, RunResult]]:
        spec = self._queue.pop(0)
        return [(spec, safe_run(self.backend, spec, self.suite))]

    def close(self, abort: bool = False) -> None:
        self._queue.clear()


_WORKER: dict[str, Any] = {}


def _exit_with_parent(parent: int) -> None:
    """Exit this worker when the driver dies (e.g. ``kill -9``) instead of lingering."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _init_worker(backend: RunBackend, suite: TaskSuite, threads: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    set_threads(threads)
    _WORKER["backend"], _WORKER["suite"] = backend, suite


def _run_in_worker(spec: RunSpec) -> RunResult:
    return safe_run(_WORKER["backend"], spec, _WORKER["suite"])


class PoolExecutor:
    """A local process pool of ``workers`` spawned processes; the backend and suite are sent
    once per worker. A crashed worker fails its in-flight runs and the pool is restarted."""

    def __init__(self, backend: RunBackend, suite: TaskSuite, workers: int) -> None:
        self.backend, self.suite, self.slots = backend, suite, workers
        self.threads = max(1, (os.cpu_count() or 1) // workers)
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[Future, RunSpec] = {}

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.slots,
                mp_context=get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.backend, self.suite, self.threads),
            )
        return self._pool

    def submit(self, spec: RunSpec) -> None:
        self._futures[self._ensure_pool().submit(_run_in_worker, spec)] = spec

    def wait(self) -> list[tuple[RunSpec, RunResult]]:
        done, _ = wait(list(self._futures), return_when=FIRST_COMPLETED)
        out: list[tuple[RunSpec, RunResult]] = []
        broken = False
        for fut in done:
            spec = self._futures.pop(fut)
            try:
                out.append((spec, fut.result()))
            except BrokenProcessPool as err:
                broken = True
                out.append((spec, failed_result(spec, f"worker process died: {err!r}")))
            except Exception:
                out.append((spec, failed_result(spec, traceback.format_exc())))
        if broken:  # every other in-flight run died with the pool
            for spec in list(self._futures.values()):
                out.append(
                    (spec, failed_result(spec, "worker pool broke while this run was in flight"))
                )
            self._futures.clear()
            self.close()
        return out

    def close(self, abort: bool = False) -> None:
        """Shut the pool down; ``abort`` (Ctrl-C, an error in the driver) also terminates
        the runs in flight instead of waiting for them."""
        if self._pool is not None:
            if abort:  # no public API before Python 3.14 (terminate_workers)
                for proc in list(getattr(self._pool, "_processes", {}).values()):
                    proc.terminate()
            self._pool.shutdown(wait=not abort, cancel_futures=True)
            self._pool = None
