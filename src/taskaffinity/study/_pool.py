"""The local process-pool executor: ``workers`` spawned processes, each limited to
``cores // workers`` torch threads and exiting when the driver dies."""

from __future__ import annotations

import os
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from taskaffinity.study._safe_run import failed_result, safe_run, set_threads
from taskaffinity.types import RunResult, RunSpec

__all__ = ["PoolExecutor"]


_WORKER: dict[str, Any] = {}


def _exit_with_parent(parent: int) -> None:
    """Exit this worker when the driver dies (e.g. ``kill -9``) instead of lingering."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _init_worker(backend: Any, suite: Any, threads: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    set_threads(threads)
    _WORKER["backend"], _WORKER["suite"] = backend, suite


def _run_in_worker(spec: RunSpec) -> RunResult:
    return safe_run(_WORKER["backend"], spec, _WORKER["suite"])


class PoolExecutor:
    """A local process pool of ``workers`` spawned processes; the backend and suite are sent
    once per worker. A crashed worker fails its in-flight runs and the pool is restarted."""

    def __init__(self, backend: Any, suite: Any, workers: int) -> None:
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
