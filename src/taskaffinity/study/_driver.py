"""The study driver: keep the study's executor (:class:`~taskaffinity.study._contract.Executor`)
busy, storing each result as it arrives (the driver alone writes the store).

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
from typing import TYPE_CHECKING

from taskaffinity.study._claims import CLAIMED, DONE
from taskaffinity.study._contract import LostAttempt

if TYPE_CHECKING:
    from taskaffinity.study._context import StudyContext
    from taskaffinity.study._progress import StudyProgress
    from taskaffinity.types import RunSpec

__all__ = ["Driven", "drive"]


@dataclass
class Driven:
    """What :func:`drive` did: ``trained`` runs this driver finished and stored,
    ``elsewhere`` runs another driver stored (or failed) meanwhile."""

    trained: int = 0
    elsewhere: int = 0

    def __add__(self, other: Driven) -> Driven:
        return Driven(self.trained + other.trained, self.elsewhere + other.elsewhere)


def drive(ctx: StudyContext, bar: StudyProgress, todo: deque[RunSpec]) -> Driven:
    """Keep ``ctx.executor().slots`` runs in flight until every run of ``todo`` is stored,
    by this driver or another; claim each run under ``ctx.claims`` before submitting it
    (with its time limit, ``ctx.limits``) and store each result as it arrives. A run
    another driver stored failed after ``ctx.since`` is not tried again. The context owns
    the executor and closes it (with ``abort=True`` when this call raises: its runs in
    flight are then killed). Raises :class:`StoreError` when the store file is deleted or
    replaced meanwhile."""
    store, lease, executor = ctx.store, ctx.claims, ctx.executor()
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
            state = lease.claim(spec.key, ctx.since)
            if state == DONE:
                status = store.status_of([spec.key]).get(spec.key, "stored")
                bar.elsewhere(spec, status)
                done.elsewhere += 1
            elif state == CLAIMED:
                store.mark_started(spec.key)
                executor.submit(spec, ctx.limits.of(spec))
                bar.start(spec, executor.where(spec.key))
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
                bar.lost(spec, outcome.error, outcome.attempt, executor.where(spec.key))
                continue
            store.record(outcome)
            lease.release(spec.key)
            ctx.limits.seen(outcome)
            bar.finish(outcome)
            in_flight -= 1
            done.trained += 1
    return done
