"""The study driver: choose the configured executor and keep it busy, storing each result as
it arrives (the driver alone writes the store).

Before a run is submitted the driver claims it (:class:`~taskaffinity.study._claims.Lease`);
runs another driver holds are set aside and looked at again every poll, so a driver that
runs out of work of its own waits for them to be stored, or takes them over once their
claims expire. Before each claim and each write it checks that the store file is still the
one it opened (:meth:`ResultStore.check_file`).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from taskaffinity.config import StudyConfig
from taskaffinity.study._claims import Lease
from taskaffinity.study._executors import LostAttempt, PoolExecutor, SequentialExecutor
from taskaffinity.study._progress import StudyProgress
from taskaffinity.study._store import CLAIMED, DONE, ResultStore

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite
    from taskaffinity.types import RunSpec

__all__ = ["Driven", "drive", "make_executor"]


def make_executor(config: StudyConfig, backend: RunBackend, suite: TaskSuite, workers: int) -> Any:
    """The configured executor for ``workers`` runs at a time: Ray, a local process pool
    (``workers`` > 1) or this process."""
    ex = config.executor
    if ex.kind == "ray":
        from taskaffinity.study._ray import RayExecutor

        return RayExecutor(
            backend, suite, workers, cpus_per_run=ex.cpus_per_run,
            gpus_per_run=ex.gpus_per_run, address=ex.address, retries=ex.retries,
        )  # fmt: skip
    if workers > 1:
        return PoolExecutor(backend, suite, workers, retries=ex.retries)
    return SequentialExecutor(backend, suite)


@dataclass
class Driven:
    """What :func:`drive` did: ``trained`` runs this driver finished and stored,
    ``elsewhere`` runs another driver stored (or failed) meanwhile."""

    trained: int = 0
    elsewhere: int = 0

    def __add__(self, other: Driven) -> Driven:
        return Driven(self.trained + other.trained, self.elsewhere + other.elsewhere)


def drive(
    store: ResultStore,
    bar: StudyProgress,
    executor: Any,
    todo: deque[RunSpec],
    lease: Lease,
    *,
    since: float = 0.0,
) -> Driven:
    """Keep ``executor.slots`` runs in flight until every run of ``todo`` is stored, by
    this driver or another; claim each run under ``lease`` before submitting it and store
    each result as it arrives. ``since``: when this call began (a run another driver
    stored failed after it is not tried again). The caller owns ``executor`` and closes it
    (with ``abort=True`` when this call raises: its runs in flight are then killed).
    Raises :class:`StoreError` when the store file is deleted or replaced meanwhile."""
    poll = min(1.0, lease.seconds / 4)
    done = Driven()
    pending, held = deque(todo), deque()
    in_flight, look_again, said = 0, 0.0, False
    while pending or held or in_flight:
        store.check_file()
        if held and time.monotonic() >= look_again:
            pending.extend(held)
            held.clear()
        while pending and in_flight < executor.slots:
            spec = pending.popleft()
            state = lease.claim(spec.key, since)
            if state == DONE:
                status = store.status_of([spec.key]).get(spec.key, "stored")
                bar.elsewhere(spec, status)
                done.elsewhere += 1
            elif state == CLAIMED:
                store.mark_started(spec.key)
                executor.submit(spec)
                bar.start(spec)
                in_flight += 1
            else:
                held.append(spec)
        if held and not pending and look_again <= time.monotonic():
            look_again = time.monotonic() + poll
            if not said:
                bar.log(f"{len(held)} run(s) claimed by other drivers: waiting for them")
                said = True
        if not in_flight:
            if held:
                time.sleep(poll)
            continue
        for spec, outcome in executor.wait(timeout=poll if held else None):
            store.check_file()
            if isinstance(outcome, LostAttempt):
                store.record_lost(spec.key, outcome.error)
                bar.lost(spec, outcome.error, outcome.attempt)
                continue
            store.record(outcome)
            lease.release(spec.key)
            bar.finish(outcome)
            in_flight -= 1
            done.trained += 1
    return done
