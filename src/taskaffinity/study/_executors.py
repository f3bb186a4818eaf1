"""Executors: where runs are trained. The driver submits RunSpecs and collects RunResults;
it alone writes the store. Each implements :class:`~taskaffinity.study._contract.Executor`.

* :class:`SequentialExecutor`: one run at a time in this process.
* :class:`PoolExecutor`: a supervised pool of spawned worker processes, ``workers`` runs at
  a time, each worker limited to ``cores // workers`` torch threads and, given GPUs, to
  its own GPU(s) (``CUDA_VISIBLE_DEVICES`` set in the worker before torch starts there).
* :class:`RayExecutor` (in ``_ray.py``, optional extra): the same RunSpecs as Ray tasks.

A run that raises is returned as a ``failed`` RunResult carrying the traceback text; it is
not tried again within the call (the next invocation retries it). A run whose worker
process died (killed, out of memory), or whose attempt ran past its time limit (the
``timeout`` of ``submit``; a stopped or deadlocked worker never answers, so it is caught
the same way), is tried again in a fresh worker up to ``retries`` times within the same
call, then returned failed with the cause (``timed out after N s``).
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
from collections.abc import Iterator
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_ready
from typing import TYPE_CHECKING, Any

from taskaffinity.backends import RunOutOfMemoryError
from taskaffinity.study._contract import LostAttempt, Outcome, timed_out
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
    """``backend.run(spec, suite)``; an exception becomes a failed result with its traceback
    (running out of memory: with its one-line message)."""
    start = time.perf_counter()
    try:
        result = backend.run(spec, suite)
    except RunOutOfMemoryError as err:  # its one line says what to lower: no traceback
        return failed_result(spec, str(err), time.perf_counter() - start)
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


class _Alarm(BaseException):
    """Raised in this process by SIGALRM when a run of a :class:`SequentialExecutor` is
    past its limit (a BaseException: a backend's ``except Exception`` does not keep it)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`_Alarm` in the block after ``seconds`` (None: no limit). Only in the
    main thread of a POSIX process (SIGALRM); elsewhere there is no limit."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise _Alarm

    before = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


class _Attempts:
    """Lost attempts per run (worker died, time limit) and the verdict on each: try again
    (a :class:`LostAttempt`) while at most ``retries`` are lost, then a failed result."""

    def __init__(self, retries: int) -> None:
        self.retries = retries
        self._lost: dict[str, int] = {}

    def lost(self, spec: RunSpec, error: str, seconds: float = 0.0) -> tuple[Outcome, bool]:
        """The outcome of losing an attempt of ``spec`` with ``error``, and whether the run
        is tried again."""
        n = self._lost.get(spec.key, 0) + 1
        self._lost[spec.key] = n
        if n <= self.retries:
            return LostAttempt(spec, error, n), True
        self._lost.pop(spec.key, None)
        tries = f"{n} attempt" + ("s" if n > 1 else "")
        return failed_result(spec, f"{error}; gave up after {tries}", seconds), False

    def done(self, key: str) -> None:
        """Run ``key`` finished: forget its lost attempts."""
        self._lost.pop(key, None)


class SequentialExecutor:
    """Trains one run at a time in the calling process. A run's time limit is kept with
    SIGALRM (main thread, POSIX): it stops Python code and interruptible waits, not a
    call hung inside native code (use ``workers`` >= 2 for that: a worker process is
    ended from outside)."""

    slots = 1

    def __init__(self, backend: RunBackend, suite: TaskSuite, *, retries: int = 2) -> None:
        self.backend, self.suite = backend, suite
        self._queue: deque[tuple[RunSpec, float | None]] = deque()
        self._attempts = _Attempts(retries)

    def submit(self, spec: RunSpec, timeout: float | None = None) -> None:
        self._queue.append((spec, timeout))

    def where(self, key: str) -> str | None:
        return None

    def wait(self, timeout: float | None = None) -> list[tuple[RunSpec, Outcome]]:
        """Train the oldest submitted run here (``timeout`` does not apply: the run is
        trained in this process)."""
        spec, limit = self._queue.popleft()
        start = time.perf_counter()
        try:
            with _time_limit(limit):
                result = safe_run(self.backend, spec, self.suite)
        except _Alarm:
            outcome, again = self._attempts.lost(
                spec, timed_out(limit or 0.0), time.perf_counter() - start
            )
            if again:
                self._queue.appendleft((spec, limit))
            return [(spec, outcome)]
        self._attempts.done(spec.key)
        return [(spec, result)]

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


BEAT = 1.0
"""Seconds between a pool worker's heartbeats."""


def _beat(conn: Connection, lock: threading.Lock, every: float) -> None:
    """Tell the driver every ``every`` seconds that this worker is alive (a stopped or
    frozen process stops beating); ends when the pipe does."""
    while True:
        time.sleep(every)
        try:
            with lock:
                conn.send(("beat", None))
        except (OSError, ValueError):
            return


def _worker_main(
    conn: Connection, threads: int, parent: int, gpus: str | None = None, beat: float = BEAT
) -> None:
    """A pool worker: set its GPUs (``CUDA_VISIBLE_DEVICES``, before anything can import
    torch) and threads, read the pickled ``(backend, suite)``, say ``ready``, then train
    each RunSpec received and send back its RunResult, until told to stop (None) or the
    driver goes away; a thread sends a heartbeat every ``beat`` seconds meanwhile."""
    if gpus is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = gpus
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    set_threads(threads)  # before the payload is unpickled (it may import torch)
    try:
        backend, suite = pickle.loads(conn.recv_bytes())
    except EOFError:
        return
    except Exception:
        conn.send(("error", traceback.format_exc()))
        return
    lock = threading.Lock()
    with lock:
        conn.send(("ready", os.getpid()))
    threading.Thread(target=_beat, args=(conn, lock, beat), daemon=True).start()
    while True:
        try:
            spec = conn.recv()
        except (EOFError, OSError):
            return
        if spec is None:
            return
        result = safe_run(backend, spec, suite)
        with lock:
            conn.send(("result", result))


def _feed(conn: Connection, payload: bytes) -> None:
    """Send a new worker its payload (from a thread: the driver goes on meanwhile); a
    worker that dies first breaks the pipe, which ends this thread."""
    with contextlib.suppress(OSError, TypeError):  # TypeError: closed under it
        conn.send_bytes(payload)


class _Worker:
    """One worker process of a :class:`PoolExecutor` in slot ``slot`` (its GPUs:
    ``gpus``), started for run ``spec``; ``ready`` once it has loaded the backend and
    suite (only then is it sent a run); ``sent_at`` when its current run was sent."""

    def __init__(
        self,
        ctx: Any,
        payload: bytes,
        threads: int,
        spec: RunSpec,
        slot: int,
        gpus: str | None,
        beat: float = BEAT,
    ) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        # the process's own arguments are a few bytes; the payload (suite and backend,
        # megabytes) goes through the pipe, so a worker that dies while starting can
        # never leave the driver blocked on a write
        self.process = ctx.Process(
            target=_worker_main, args=(child, threads, os.getpid(), gpus, beat)
        )
        self.process.start()
        child.close()
        self.feeder = threading.Thread(target=_feed, args=(self.conn, payload), daemon=True)
        self.feeder.start()
        self.slot, self.gpus = slot, gpus
        self.spec: RunSpec | None = spec
        self.ready = False
        self.sent = False
        self.sent_at = 0.0
        self.heard = 0.0  # when it last said anything (monotonic clock)
        self.timed_out: float | None = None  # the limit it was stopped at
        self.silent: float | None = None  # or the silence it was stopped after

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, spec: RunSpec | None) -> None:
        if spec is not None:
            self.sent, self.sent_at = True, time.monotonic()
            self.heard = self.sent_at
        with contextlib.suppress(OSError):  # it died: its sentinel tells the pool
            self.conn.send(spec)

    def stop(self, grace: float) -> None:
        """End the process: SIGTERM (with SIGCONT, so a stopped process acts on it), then
        SIGKILL after ``grace`` seconds."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
            os.kill(self.pid, signal.SIGCONT)
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(grace)

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
    is noticed at once, and a run past its time limit (``submit(spec, timeout)``) is
    noticed at its deadline: its worker is ended (SIGTERM, SIGKILL after ``grace``
    seconds), its run tried again in a fresh worker up to ``retries`` times (a
    :class:`LostAttempt` reports each retry), then returned failed with the cause; the
    other workers and their runs are left alone. A worker training a run that has not
    been heard from for ``silence`` seconds (each worker sends a heartbeat every second,
    from a thread: a stopped or frozen process falls silent) is ended and its run tried
    again the same way, limit or no limit.

    ``gpus``: the ``CUDA_VISIBLE_DEVICES`` of each worker slot (one entry per worker, see
    :func:`taskaffinity.study._gpus.worker_gpus`), or None to leave the workers' devices
    alone; a worker started again after one died keeps its slot's GPUs."""

    def __init__(
        self,
        backend: RunBackend,
        suite: TaskSuite,
        workers: int,
        *,
        retries: int = 2,
        gpus: list[str] | None = None,
        grace: float = 5.0,
        silence: float = 300.0,
    ) -> None:
        if gpus is not None and len(gpus) < workers:
            raise ValueError(f"{workers} workers but GPUs for {len(gpus)}: {gpus}")
        self.backend, self.suite, self.slots = backend, suite, workers
        self.retries, self.gpus, self.grace, self.silence = retries, gpus, grace, silence
        self._beat = min(BEAT, silence / 4)
        self.threads = max(1, (os.cpu_count() or 1) // workers)
        self._ctx = get_context("spawn")
        self._payload: bytes | None = None
        self._workers: list[_Worker] = []
        self._queue: deque[RunSpec] = deque()
        self._limits: dict[str, float | None] = {}
        self._attempts = _Attempts(retries)

    def submit(self, spec: RunSpec, timeout: float | None = None) -> None:
        self._limits[spec.key] = timeout
        self._queue.append(spec)
        self._dispatch()

    def running(self) -> dict[str, int]:
        """Run key -> pid of the worker process training it (runs sent to a worker)."""
        return {w.spec.key: w.pid for w in self._workers if w.spec is not None and w.sent}

    def where(self, key: str) -> str | None:
        """``GPU 1`` (``GPUs 0,1``) for a run held by a worker given GPUs, else None."""
        for w in self._workers:
            if w.spec is not None and w.spec.key == key and w.gpus is not None:
                return ("GPUs " if "," in w.gpus else "GPU ") + w.gpus
        return None

    def _dispatch(self) -> None:
        """Hand queued runs to idle ready workers, starting workers up to ``slots``."""
        for w in self._workers:
            if not self._queue:
                return
            if w.ready and w.spec is None:
                w.spec = self._queue.popleft()
                w.send(w.spec)
        while self._queue and len(self._workers) < self.slots:
            if self._payload is None:
                self._payload = pickle.dumps((self.backend, self.suite))
            spec = self._queue.popleft()
            taken = {w.slot for w in self._workers}
            slot = min(set(range(self.slots)) - taken)
            gpus = None if self.gpus is None else self.gpus[slot]
            self._workers.append(_Worker(self._ctx, self._payload, self.threads, spec, slot, gpus))

    def _deadline(self, w: _Worker) -> float | None:
        """When worker ``w``'s run passes its time limit or its silence is too long
        (monotonic clock), whichever comes first; None when it trains nothing."""
        if w.spec is None or not w.sent:
            return None
        limit = self._limits.get(w.spec.key)
        quiet = w.heard + self.silence
        return quiet if limit is None else min(w.sent_at + limit, quiet)

    def _overdue(self, w: _Worker, now: float) -> bool:
        """Mark worker ``w`` (training a run) as past its limit or silent for too long;
        True when it is either."""
        if w.spec is None or not w.sent:
            return False
        limit = self._limits.get(w.spec.key)
        if limit is not None and now >= w.sent_at + limit:
            w.timed_out = limit
        elif now >= w.heard + self.silence:
            w.silent = now - w.heard
        return w.timed_out is not None or w.silent is not None

    def wait(self, timeout: float | None = None) -> list[tuple[RunSpec, Outcome]]:
        """The runs finished since the last call, and attempts lost to a dead worker, a
        time limit or a silent worker; blocks until there is one, or ``timeout`` seconds
        (then ``[]``)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        out: list[tuple[RunSpec, Outcome]] = []
        while not out and self._workers:
            now = time.monotonic()
            ends = [d for w in self._workers if (d := self._deadline(w)) is not None]
            if deadline is not None:
                ends.append(deadline)
            left = None if not ends else max(0.0, min(ends) - now)
            handles: dict[Any, _Worker] = {}
            for w in self._workers:
                handles[w.conn] = w
                handles[w.process.sentinel] = w
            ready = wait_ready(list(handles), timeout=left)
            dead: list[_Worker] = []
            for obj in ready:
                w = handles[obj]
                if w in dead:
                    continue
                if isinstance(obj, int) or not self._drain(w, out):  # sentinel, or pipe
                    dead.append(w)
            now = time.monotonic()
            for w in self._workers:
                if w not in dead and self._overdue(w, now):
                    w.stop(self.grace)
                    dead.append(w)
            for w in dead:
                self._bury(w, out)
            self._dispatch()
            if not ready and not dead and deadline is not None and time.monotonic() >= deadline:
                break
        return out

    def _drain(self, w: _Worker, out: list[tuple[RunSpec, Outcome]]) -> bool:
        """Take every message worker ``w`` has sent; False when its pipe is closed."""
        while True:
            if not self._read(w, out):
                return False
            try:
                if not w.conn.poll():
                    return True
            except OSError:
                return False

    def _read(self, w: _Worker, out: list[tuple[RunSpec, Outcome]]) -> bool:
        """Take one message from worker ``w``; False when its pipe is closed or broken, or
        it reported that it could not start."""
        try:
            kind, value = w.conn.recv()
        except (EOFError, OSError):
            return False
        w.heard = time.monotonic()
        if kind == "ready":  # it has read the whole payload: the feeder is done
            w.ready = True
            w.feeder.join(5)
            if w.spec is not None:
                w.send(w.spec)
        elif kind == "result" and w.spec is not None:
            out.append((w.spec, value))
            self._attempts.done(w.spec.key)
            self._limits.pop(w.spec.key, None)
            w.spec, w.sent = None, False
        elif kind == "error":  # the payload did not load there
            if w.spec is not None:
                error = f"worker could not start:\n{value}"
                out.append((w.spec, failed_result(w.spec, error)))
                self._limits.pop(w.spec.key, None)
                w.spec = None
            return False
        return True

    def _bury(self, w: _Worker, out: list[tuple[RunSpec, Outcome]]) -> None:
        """Remove dead (or stopped) worker ``w``; try its run again or fail it."""
        with contextlib.suppress(OSError):  # a result sent just before it died
            while w.spec is not None and w.conn.poll() and self._read(w, out):
                pass
        self._workers.remove(w)
        if w.process.is_alive():
            w.process.kill()
        w.finish(timeout=5)
        spec = w.spec
        if spec is None:
            return
        if w.timed_out is not None:
            error = f"{timed_out(w.timed_out)} (worker process {w.pid} ended)"
            seconds = time.monotonic() - w.sent_at
        elif w.silent is not None:
            error = (
                f"worker process {w.pid} stopped answering (silent for {w.silent:.0f} s: "
                "stopped, frozen or deadlocked); ended"
            )
            seconds = time.monotonic() - w.sent_at
        else:
            how = describe_exit(w.process.exitcode)
            stage = "while training" if w.sent else "while starting"
            error = f"worker process {w.pid} died {stage} ({how})"
            seconds = 0.0
        outcome, again = self._attempts.lost(spec, error, seconds)
        out.append((spec, outcome))
        if again:
            self._queue.appendleft(spec)
        else:
            self._limits.pop(spec.key, None)

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
