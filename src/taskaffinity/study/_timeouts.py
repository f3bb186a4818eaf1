"""Run time limits: how long one attempt of a run may take before its executor stops it.

``executor.run_timeout`` is a number of seconds, ``off``, or ``auto`` (the default): a
generous bound learned from the study's own complete runs with as many tasks (a single,
a pair, ...), :data:`AUTO_FACTOR` times the longest of them and at least
:data:`AUTO_FLOOR` seconds; no limit before the first run of that size is stored
complete. The store's complete runs of earlier calls count, so a resumed study has its
limits from the start.
"""

from __future__ import annotations

from collections.abc import Iterable

from taskaffinity.types import RunResult, RunSpec

__all__ = ["AUTO_FACTOR", "AUTO_FLOOR", "RunTimeLimit"]

AUTO_FACTOR = 10.0
"""``auto``: the limit is this many times the longest complete run of the same size."""

AUTO_FLOOR = 600.0
"""``auto``: the limit is never below this many seconds."""


class RunTimeLimit:
    """The time limit of each run under ``setting`` (``executor.run_timeout``): call
    :meth:`seen` with every complete result (stored before or trained now) and
    :meth:`of` for a run's limit in seconds (None: no limit)."""

    def __init__(self, setting: float | str, results: Iterable[RunResult] = ()) -> None:
        self.setting = setting
        self._longest: dict[int, float] = {}
        for r in results:
            self.seen(r)

    def seen(self, result: RunResult) -> None:
        """Learn from ``result`` (only complete runs count)."""
        if result.ok:
            size = len(result.tasks)
            self._longest[size] = max(self._longest.get(size, 0.0), float(result.cost.seconds))

    def of(self, spec: RunSpec) -> float | None:
        """Seconds one attempt of ``spec`` may take, or None."""
        if self.setting == "off":
            return None
        if self.setting != "auto":
            return float(self.setting)
        longest = self._longest.get(len(spec.tasks))
        if longest is None:
            return None
        return max(AUTO_FLOOR, AUTO_FACTOR * longest)
