"""Adaptive seeds: train further seeds only where they can change the answer.

``plan: {adaptive: {max_seeds: K, until: settled | grouping}}`` extends a study after its
planned seeds, one round (one new seed) at a time, deciding each round from the stored
results alone (so a killed study resumes with the same decisions):

* a cell ``(target, source)`` of the gain matrix is *open* when it is measured, its 95%
  interval over seeds includes 0 (``settled == 0``, :func:`taskaffinity.analysis.analyze`)
  and it has fewer than ``K`` paired seeds;
* the next round trains, with the next unused seed, the pair run of every open cell and
  the single-task runs of its two tasks, ordered by expected information: runs serving
  more open cells first, then those with the cell closest to settling (the largest
  ``|gain| / half-width``); a run of that seed that failed is tried again;
* ``until: settled`` stops when no cell is open; ``until: grouping`` also stops when the
  best partition of the tasks (exact, :func:`taskaffinity.grouping.partition` on the
  mean scores) is the same with and without the newest round's seed, i.e. one more seed
  no longer changes the grouping.

Cells then have different numbers of seeds; the analysis pairs each cell's seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.analysis import analyze
from taskaffinity.types import RunResult, RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.config import StudyConfig
    from taskaffinity.tasks import TaskSuite

__all__ = ["AdaptiveRound", "next_round"]


@dataclass(frozen=True)
class AdaptiveRound:
    """One decision: ``specs`` to train with ``seed`` (empty: stop), ``open_cells`` of
    ``cells`` measured cells still open, and ``reason`` in words."""

    seed: int | None
    specs: tuple[RunSpec, ...]
    open_cells: int
    cells: int
    reason: str


def _analysis(config: StudyConfig, results: list[RunResult], seeds: set[int] | None = None):
    from taskaffinity.study._data import StudyData

    kept = [r for r in results if r.ok and (seeds is None or r.seed in seeds)]
    study = StudyData(Path("."), config, kept)
    table = study.score_table()
    return table, analyze(table, seeds=study.seeds)


def _grouping(table: Any) -> tuple[tuple[str, ...], ...] | None:
    from taskaffinity.errors import InputError
    from taskaffinity.grouping import partition

    try:
        return tuple(sorted(partition(table).groups))
    except InputError:
        return None


def next_round(
    config: StudyConfig, suite: TaskSuite, backend: RunBackend, results: list[RunResult]
) -> AdaptiveRound:
    """The next adaptive round of a study whose stored results are ``results``."""
    spec = config.plan.adaptive or {}
    max_seeds, until = int(spec.get("max_seeds", 0)), spec.get("until", "settled")
    done = [r for r in results if r.ok]
    seeds = sorted({r.seed for r in done})
    table, a = _analysis(config, done)
    if a.settled is None or a.paired_seeds is None:
        return AdaptiveRound(None, (), 0, 0, "no pair measured")
    rate, settled, paired = a.gain_rate, a.settled, a.paired_seeds
    measured = np.isfinite(rate) & ~np.eye(*rate.shape, dtype=bool)
    open_mask = measured & (np.nan_to_num(settled, nan=1.0) == 0) & (paired < max_seeds)
    cells, n_open = int(measured.sum()), int(open_mask.sum())
    if n_open == 0:
        return AdaptiveRound(None, (), 0, cells, "every cell is settled or has max_seeds seeds")
    extra = sorted(set(seeds) - set(config.seeds))
    if until == "grouping" and extra:
        newest = extra[-1]
        now = _grouping(table)
        before = _grouping(_analysis(config, done, set(seeds) - {newest})[0])
        if now is not None and now == before:
            return AdaptiveRound(
                None, (), n_open, cells, f"the best grouping did not change with seed {newest}"
            )
    seed = max([*seeds, *config.seeds]) + 1
    ci = a.gain_rate_ci
    serve: dict[tuple[str, ...], list[float]] = {}
    for i, j in zip(*np.nonzero(open_mask), strict=True):
        target, source = a.tasks[i], a.sources[j]
        half = (ci[i, j, 1] - ci[i, j, 0]) / 2 if ci is not None else np.nan
        ratio = abs(rate[i, j]) / half if np.isfinite(half) and half > 0 else 0.0
        for group in ((target, source), (target,), (source,)):
            serve.setdefault(tuple(sorted(group)), []).append(float(ratio))
    order = sorted(serve, key=lambda g: (-len(serve[g]), -max(serve[g]), g))
    specs = tuple(backend.spec(group, seed, suite) for group in order)
    return AdaptiveRound(
        seed, specs, n_open, cells, f"{n_open} of {cells} cells open after seeds {seeds}"
    )
