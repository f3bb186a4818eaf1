"""Executors: where runs are trained. The driver submits RunSpecs and collects RunResults;
it alone writes the store.

* :class:`SequentialExecutor`: one run at a time in this process.
* :class:`PoolExecutor`: a supervised pool of spawned worker processes, ``workers`` runs at
  a time, each worker limited to ``cores // workers`` torch threads.
* :class:`RayExecutor` (in ``_ray.py``, optional extra): the same RunSpecs as Ray tasks.

Every executor has ``slots`` (runs at a time), ``submit(spec)``, ``wait(timeout)`` (the
runs finished since: ``(spec, RunResult)`` pairs, and ``(spec, LostAttempt)`` for an
attempt whose worker died and that is being tried again; an empty list when ``timeout``
seconds passed first) and ``close(abort)``.

A run that raises is returned as a ``failed`` RunResult carrying the traceback text; it is
not tried again within the call (the next invocation retries it). A run whose worker
process died (killed, out of memory) is tried again in a fresh worker up to ``retries``
times within the same call, then returned failed with the cause.
Each worker process is limited to its share of the torch/BLAS threads (:func:`set_threads`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_ready
from typing import TYPE_CHECKING, Any

from taskaffinity.types import Cost, RunResult, RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = [
    "LostAttempt",
    "PoolExecutor",
    "SequentialExecutor",
    "describe_exit",
    "failed_result",
    "safe_run",
    "set_threads",
]


@dataclass(frozen=True)
class LostAttempt:
    """Attempt ``attempt`` (1-based) of ``spec`` ended because its worker died (``error``
    says how); the executor is training the run again."""

    spec: RunSpec
    error: str
    attempt: int


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

    def wait(self, timeout: float | None = None) -> list[tuple[RunSpec, RunResult]]:
        """Train the oldest submitted run here (``timeout`` does not apply: the run is
        trained in this process)."""
        spec = self._queue.pop(0)
        return [(spec, safe_run(self.backend, spec, self.suite))]

    def close(self, abort: bool = False) -> None:
        self._queue.clear()


def describe_exit(code: int | None) -> str:
    """``killed by SIGKILL`` / ``exit code 3`` for a process's exit code."""
    if code is None:
        return "no exit code"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = ", e.g. out of memory or kill -9" if -code == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exit code {code}"


def _exit_with_parent(parent: int) -> None:
    """Exit this worker when the driver dies (e.g. ``kill -9``) instead of lingering."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _worker_main(conn: Connection, threads: int, parent: int) -> None:
    """A pool worker: read the pickled ``(backend, suite)``, say ``ready``, then train each
    RunSpec received and send back its RunResult, until told to stop (None) or the driver
    goes away."""
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    set_threads(threads)  # before the payload is unpickled (it may import torch)
    try:
        backend, suite = pickle.loads(conn.recv_bytes())
    except EOFError:
        return
    except Exception:
        conn.send(("error", traceback.format_exc()))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            spec = conn.recv()
        except (EOFError, OSError):
            return
        if spec is None:
            return
        conn.send(("result", safe_run(backend, spec, suite)))


def _feed(conn: Connection, payload: bytes) -> None:
    """Send a new worker its payload (from a thread: the driver goes on meanwhile); a
    worker that dies first breaks the pipe, which ends this thread."""
    with contextlib.suppress(OSError, TypeError):  # TypeError: closed under it
        conn.send_bytes(payload)


class _Worker:
    """One worker process of a :class:`PoolExecutor`, started for run ``spec``; ``ready``
    once it has loaded the backend and suite (only then is it sent a run)."""

    def __init__(self, ctx: Any, payload: bytes, threads: int, spec: RunSpec) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        # the process's own arguments are a few bytes; the payload (suite and backend,
        # megabytes) goes through the pipe, so a worker that dies while starting can
        # never leave the driver blocked on a write
        self.process = ctx.Process(target=_worker_main, args=(child, threads, os.getpid()))
        self.process.start()
        child.close()
        self.feeder = threading.Thread(target=_feed, args=(self.conn, payload), daemon=True)
        self.feeder.start()
        self.spec: RunSpec | None = spec
        self.ready = False
        self.sent = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, spec: RunSpec | None) -> None:
        with contextlib.suppress(OSError):  # it died: its sentinel tells the pool
            self.conn.send(spec)

    def finish(self, timeout: float = 5.0) -> None:
        """Wait up to ``timeout`` seconds for the process to end, then kill it; close the
        pipe once the feeder is done with it (a dead peer ends its write at once)."""
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout)
        self.feeder.join(timeout)
        self.conn.close()


class PoolExecutor:
    """A supervised pool of up to ``workers`` spawned worker processes; the backend and
    suite are sent once to each worker through its pipe. The driver watches each worker's
    pipe and process sentinel, so a worker that dies (during start-up or while training)
    is noticed at once: its run is tried again in a fresh worker up to ``retries`` times
    (a :class:`LostAttempt` reports each retry), then returned failed with the cause; the
    other workers and their runs are left alone."""

    def __init__(
        self, backend: RunBackend, suite: TaskSuite, workers: int, *, retries: int = 2
    ) -> None:
        self.backend, self.suite, self.slots = backend, suite, workers
        self.retries = retries
        self.threads = max(1, (os.cpu_count() or 1) // workers)
        self._ctx = get_context("spawn")
        self._payload: bytes | None = None
        self._workers: list[_Worker] = []
        self._queue: deque[RunSpec] = deque()
        self._lost: dict[str, int] = {}

    def submit(self, spec: RunSpec) -> None:
        self._queue.append(spec)
        self._dispatch()

    def running(self) -> dict[str, int]:
        """Run key -> pid of the worker process training it (runs sent to a worker)."""
        return {w.spec.key: w.pid for w in self._workers if w.spec is not None and w.sent}

    def _dispatch(self) -> None:
        """Hand queued runs to idle ready workers, starting workers up to ``slots``."""
        for w in self._workers:
            if not self._queue:
                return
            if w.ready and w.spec is None:
                w.spec = self._queue.popleft()
                w.sent = True
                w.send(w.spec)
        while self._queue and len(self._workers) < self.slots:
            if self._payload is None:
                self._payload = pickle.dumps((self.backend, self.suite))
            spec = self._queue.popleft()
            self._workers.append(_Worker(self._ctx, self._payload, self.threads, spec))

    def wait(self, timeout: float | None = None) -> list[tuple[RunSpec, Any]]:
        """The runs finished since the last call, and attempts lost to a dead worker;
        blocks until there is one, or ``timeout`` seconds (then returns ``[]``)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        out: list[tuple[RunSpec, Any]] = []
        while not out and self._workers:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            handles: dict[Any, _Worker] = {}
            for w in self._workers:
                handles[w.conn] = w
                handles[w.process.sentinel] = w
            ready = wait_ready(list(handles), timeout=left)
            if not ready:
                break
            dead: list[_Worker] = []
            for obj in ready:
                w = handles[obj]
                ended = isinstance(obj, int)  # the process sentinel, else its pipe
                if ended or (w not in dead and not self._read(w, out)):
                    dead.append(w)
            for w in dict.fromkeys(dead):
                self._bury(w, out)
            self._dispatch()
        return out

    def _read(self, w: _Worker, out: list) -> bool:
        """Take one message from worker ``w``; False when its pipe is closed or broken, or
        it reported that it could not start."""
        try:
            kind, value = w.conn.recv()
        except (EOFError, OSError):
            return False
        if kind == "ready":  # it has read the whole payload: the feeder is done
            w.ready = True
            w.feeder.join(5)
            if w.spec is not None:
                w.sent = True
                w.send(w.spec)
        elif kind == "result" and w.spec is not None:
            out.append((w.spec, value))
            self._lost.pop(w.spec.key, None)
            w.spec, w.sent = None, False
        elif kind == "error":  # the payload did not load there
            if w.spec is not None:
                error = f"worker could not start:\n{value}"
                out.append((w.spec, failed_result(w.spec, error)))
                w.spec = None
            return False
        return True

    def _bury(self, w: _Worker, out: list) -> None:
        """Remove dead worker ``w``; try its run again or fail it."""
        with contextlib.suppress(OSError):  # a result sent just before it died
            while w.spec is not None and w.conn.poll() and self._read(w, out):
                pass
        self._workers.remove(w)
        if w.process.is_alive():
            w.process.kill()
        w.finish(timeout=5)
        how = describe_exit(w.process.exitcode)
        stage = "while training" if w.sent else "while starting"
        spec = w.spec
        if spec is None:
            return
        n = self._lost.get(spec.key, 0) + 1
        self._lost[spec.key] = n
        error = f"worker process {w.pid} died {stage} ({how})"
        if n <= self.retries:
            out.append((spec, LostAttempt(spec, error, n)))
            self._queue.appendleft(spec)
        else:
            self._lost.pop(spec.key, None)
            tries = f"{n} attempt" + ("s" if n > 1 else "")
            out.append((spec, failed_result(spec, f"{error}; gave up after {tries}")))

    def close(self, abort: bool = False) -> None:
        """Stop every worker; ``abort`` (Ctrl-C, an error in the driver) kills the runs in
        flight instead of waiting for them. Never waits more than a few seconds."""
        self._queue.clear()
        for w in self._workers:
            if abort or not w.ready:  # a starting worker has nothing to finish
                w.process.kill()
            else:
                w.send(None)
        for w in self._workers:
            w.finish()
        self._workers.clear()
