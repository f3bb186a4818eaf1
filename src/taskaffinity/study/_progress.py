"""Progress of a study: a rich progress bar (runs done/total, runs in flight with the GPU
each is on, elapsed, ETA) and one log line per finished run with its cost."""

from __future__ import annotations

import logging
from typing import Any

from taskaffinity.types import RunResult, RunSpec

__all__ = ["StudyProgress", "describe_run"]

logger = logging.getLogger("taskaffinity.study")


def describe_run(spec: RunSpec | RunResult) -> str:
    """``a+b (seed 0)``."""
    return f"{'+'.join(spec.tasks)} (seed {spec.seed})"


def _result_line(result: RunResult, done: int, total: int) -> str:
    c = result.cost
    head = f"[{done}/{total}] {describe_run(result)}"
    if not result.ok:
        last = result.error.strip().splitlines()[-1] if result.error.strip() else "error"
        return f"{head} FAILED after {c.seconds:.1f} s: {last}"
    scores = " ".join(f"{t}={v:.4f}" for t, v in result.scores.items())
    return f"{head} done in {c.seconds:.1f} s, {c.steps} steps, {c.examples} examples: {scores}"


class StudyProgress:
    """Context manager: ``start(spec)``, ``finish(result)``. With ``enabled=False`` it only
    logs through the ``taskaffinity.study`` logger."""

    def __init__(self, total: int, done: int, *, enabled: bool = True) -> None:
        self.total, self.done, self.enabled = total, done, enabled
        self._running: list[str] = []
        self._where: dict[str, str | None] = {}
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> StudyProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("runs"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                speed_estimate_period=24 * 3600,
                console=Console(log_path=False),
            )
            self._bar.start()
            self._task = self._bar.add_task("", total=self.total, completed=self.done)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def log(self, message: str) -> None:
        if self._bar is not None:
            self._bar.console.log(message, markup=False, highlight=False)
        else:
            logger.info(message)

    @property
    def now(self) -> str:
        """The progress line's list of runs in flight, each with its device when known:
        ``now: a (seed 0) on GPU 0, b (seed 0) on GPU 1`` (``""`` when none)."""
        names = [f"{n} on {self._where[n]}" if self._where.get(n) else n for n in self._running]
        listed = ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")
        return f"now: {listed}" if listed else ""

    def _describe(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=self.now)

    def start(self, spec: RunSpec, where: str | None = None) -> None:
        """Run ``spec`` was submitted; ``where``: the device it trains on (``GPU 1``)."""
        self._running.append(describe_run(spec))
        self._where[describe_run(spec)] = where
        if where and self._bar is None:  # log lines only: say where it went
            self.log(f"{describe_run(spec)} started on {where}")
        self._describe()

    def elsewhere(self, spec: RunSpec, status: str) -> None:
        """Run ``spec`` was stored ``status`` by another driver."""
        self.done += 1
        if describe_run(spec) in self._running:
            self._running.remove(describe_run(spec))
        self.log(f"[{self.done}/{self.total}] {describe_run(spec)} {status} by another driver")
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)
        self._describe()

    def lost(self, spec: RunSpec, error: str, attempt: int, where: str | None = None) -> None:
        """Attempt ``attempt`` of run ``spec`` was lost (``error``); it is tried again
        (on ``where``, when known)."""
        on = f" on {where}" if where else ""
        self.log(f"{describe_run(spec)}: {error}; trying again{on} (attempt {attempt + 1})")
        self._where[describe_run(spec)] = where
        self._describe()

    def finish(self, result: RunResult) -> None:
        self.done += 1
        name = describe_run(result)
        if name in self._running:
            self._running.remove(name)
        self.log(_result_line(result, self.done, self.total))
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)
        self._describe()
