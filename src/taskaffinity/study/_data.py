"""Read a stored study: its config, suite, results, and the ScoreTable the analysis uses."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from taskaffinity.config import StudyConfig, load_config
from taskaffinity.errors import InputError
from taskaffinity.study._bootstrap import resampled_scores
from taskaffinity.study._layout import CONFIG_NAME, STORE_NAME
from taskaffinity.study._sqlite import store_errors
from taskaffinity.study._status import StudyStatus, study_status
from taskaffinity.study._store import ResultStore
from taskaffinity.types import Cost, RunResult, ScoreTable

if TYPE_CHECKING:
    from taskaffinity.tasks import TaskSuite

log = logging.getLogger(__name__)

__all__ = ["StudyData", "open_study"]


@dataclass(eq=False)
class StudyData:
    """A stored study. ``results``: finished runs of the current plan (complete and failed),
    in plan order; ``suite`` is loaded on first use.

    A built-in suite named without ``suite_tasks`` stands for the tasks its runs trained
    (in suite order) once any run is stored, so a study saved before the suite gained
    tasks reads as it was written (no empty columns for tasks it never trained)."""

    path: Path
    config: StudyConfig
    results: list[RunResult] = field(default_factory=list)
    _bootstrapped: dict[tuple[int, int, int], np.ndarray] = field(
        default_factory=dict, init=False, repr=False
    )  # bootstrap_scores per (seed, n_resamples, rng_seed): the report and run's
    # warnings resample the same study once

    @cached_property
    def _loaded_suite(self) -> tuple[TaskSuite, dict[str, float] | None]:
        """The config's suite and None, or, when its data cannot be read here (a folder
        moved without its data), the folder's snapshot suite (test splits only) and the
        baselines stored with it (:mod:`taskaffinity.study._snapshot`)."""
        from taskaffinity.study._snapshot import read_snapshot

        try:
            return self.config.load_suite(), None
        except InputError:
            snapshot = read_snapshot(self.path)
            if snapshot is None:
                raise
            log.info("task data not found; reading the tasks kept in %s", self.path)
            return snapshot.suite, snapshot.baselines

    @property
    def has_task_data(self) -> bool:
        """Whether the tasks' data could be read (False: the suite is the folder's snapshot,
        test splits only; nothing that trains can run)."""
        return self._loaded_suite[1] is None

    @cached_property
    def suite(self) -> TaskSuite:
        suite = self._loaded_suite[0]
        if self.config.suite is None or self.config.suite_tasks is not None or not self.results:
            return suite
        trained = {t for r in self.results for t in r.tasks}
        return suite.subset([t for t in suite.names if t in trained])

    @property
    def complete(self) -> list[RunResult]:
        return [r for r in self.results if r.ok]

    def _groups(self) -> list[tuple[str, ...]]:
        groups: list[tuple[str, ...]] = []
        for r in self.complete:
            if tuple(r.tasks) not in groups:
                groups.append(tuple(r.tasks))
        return groups

    def score_table(self) -> ScoreTable:
        """Complete runs as a ScoreTable: tasks in suite order, one row per distinct trained
        group (plan order), ``scores`` the mean over seeds, ``seed_scores`` of shape
        ``(n_seeds, n_groups, n_tasks)`` (seeds in config order, NaN where missing),
        ``costs`` 1.0 per network (wall seconds: :meth:`group_seconds`). With exactly one
        seed and stored test predictions for every complete run, ``bootstrap_scores`` is
        :meth:`bootstrap_scores` of that seed (shape ``(200, n_groups, n_tasks)``), else
        None."""
        from taskaffinity.metrics import higher_is_better

        tasks = self.suite.names
        groups = self._groups()
        seeds = self.seeds
        cube = np.full((len(seeds), len(groups), len(tasks)), np.nan)
        for r in self.complete:
            g, s = groups.index(tuple(r.tasks)), seeds.index(r.seed)
            for t, v in r.scores.items():
                cube[s, g, tasks.index(t)] = v
        directions = {higher_is_better(self.suite.task(t).metric) for t in tasks}
        if len(directions) > 1:
            raise ValueError("the suite mixes higher- and lower-is-better metrics")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
            mean = np.nanmean(cube, axis=0) if seeds else np.empty((0, len(tasks)))
        boot = self.bootstrap_scores(seeds[0]) if len(seeds) == 1 and self.has_predictions else None
        return ScoreTable(
            tasks=tasks,
            groups=tuple(groups),
            scores=mean,
            costs=np.ones(len(groups)),
            higher_is_better=directions.pop() if directions else True,
            seed_scores=cube,
            bootstrap_scores=boot,
        )

    @property
    def has_predictions(self) -> bool:
        """Whether every complete run has stored test predictions for each of its tasks
        (runs stored before predictions were kept have none)."""
        return all(set(r.predictions) >= set(r.tasks) for r in self.complete)

    def bootstrap_scores(self, seed: int, n_resamples: int = 200, rng_seed: int = 0) -> np.ndarray:
        """Shape ``(n_resamples, n_groups, n_tasks)``, groups and tasks in the order of
        :meth:`score_table`: ``[b, g, t]`` is task ``t``'s main metric
        (``taskaffinity.metrics.evaluate(task, gold, pred)[task.metric]``) in the run of
        group ``g`` under ``seed``, on bootstrap resample ``b`` of ``t``'s test set, from
        the run's stored test predictions. NaN where ``t`` is not in ``g`` or ``g`` has no
        complete run under ``seed``.

        Paired: resample ``b`` of a task draws the same test examples in every group (the
        indices of each task come from ``numpy.random.default_rng(rng_seed)``, tasks in
        order, one ``(n_resamples, n_test)`` draw each), so differences between groups
        resample the same examples. Raises ValueError when a run of ``seed`` has no stored
        predictions for one of its tasks, or predictions of the wrong length. Computed once
        per arguments for this StudyData (a copy is returned each time).
        """
        if not isinstance(n_resamples, int) or n_resamples < 1:
            raise ValueError(f"n_resamples must be a positive int, not {n_resamples!r}")
        key = (seed, n_resamples, rng_seed)
        if key not in self._bootstrapped:
            self._bootstrapped[key] = self._bootstrap(seed, n_resamples, rng_seed)
        return self._bootstrapped[key].copy()

    def _bootstrap(self, seed: int, n_resamples: int, rng_seed: int) -> np.ndarray:
        """:meth:`bootstrap_scores`, computed."""
        tasks = self.suite.names
        groups = self._groups()
        runs = {tuple(r.tasks): r for r in self.complete if r.seed == seed}
        rng = np.random.default_rng(rng_seed)
        out = np.full((n_resamples, len(groups), len(tasks)), np.nan)
        for t, name in enumerate(tasks):
            task = self.suite.task(name)
            test = task.split("test")
            n = len(test)
            idx = rng.integers(0, n, size=(n_resamples, n)) if n else np.zeros((n_resamples, 0))
            gold = [list(ex.tags) if task.kind == "tagging" else ex.label for ex in test]
            for g, group in enumerate(groups):
                run = runs.get(group)
                if run is None or name not in group:
                    continue
                pred = run.predictions.get(name)
                if pred is None:
                    raise ValueError(f"run {run!r} has no stored test predictions for {name!r}")
                if len(pred) != n:
                    raise ValueError(
                        f"run {run!r}: {len(pred)} test predictions for {name!r}, {n} examples"
                    )
                out[:, g, t] = resampled_scores(
                    task, gold, pred, idx.astype(np.int64), inputs=[ex.text for ex in test]
                )
        return out

    @property
    def seeds(self) -> list[int]:
        """Seeds of the complete runs, in the order of ``score_table().seed_scores``' first
        axis (config order, then any other seed)."""
        return sorted({r.seed for r in self.complete}, key=self.seed_position)

    def seed_position(self, seed: int) -> int:
        """Sort key of ``seed``: its place in the config's seeds, then any other seed."""
        return (
            self.config.seeds.index(seed)
            if seed in self.config.seeds
            else len(self.config.seeds) + seed
        )

    def group_seconds(self) -> np.ndarray:
        """Shape ``(n_groups,)``: mean wall seconds per run of each ScoreTable group."""
        groups = self._groups()
        total, count = np.zeros(len(groups)), np.zeros(len(groups))
        for r in self.complete:
            g = groups.index(tuple(r.tasks))
            total[g] += r.cost.seconds
            count[g] += 1
        return total / np.maximum(count, 1)

    def grid_cost(self, seed: int) -> Cost | None:
        """Summed cost of the complete single-task and pair runs of ``seed`` (the
        brute-force singles+pairs grid an estimator's cost is compared with; None if
        none is stored)."""
        runs = [r for r in self.complete if r.seed == seed and len(r.tasks) <= 2]
        if not runs:
            return None
        total = Cost()
        for r in runs:
            total = total + r.cost
        return total

    def baselines(self) -> dict[str, float]:
        """Task -> majority-class baseline on the test split (the task's main metric)."""
        from taskaffinity.metrics import baseline

        stored = self._loaded_suite[1]
        if stored is not None:
            return {t.name: stored[t.name] for t in self.suite.tasks}
        return {t.name: float(baseline(t)) for t in self.suite.tasks}

    def categories(self) -> dict[str, str]:
        """Task -> category."""
        return dict(self.suite.categories)

    def status(self) -> StudyStatus:
        """Where the study stands now: :func:`~taskaffinity.study._status.study_status`."""
        return study_status(self.path)

    def __repr__(self) -> str:
        ok = len(self.complete)
        return f"StudyData({self.path}, {self.config.name}, {ok}/{len(self.results)} runs complete)"


def open_study(out_dir: str | Path) -> StudyData:
    """The study stored in ``out_dir`` (``config.yaml`` + ``study.sqlite``), read without
    writing anything (a read-only folder will do)."""
    out = Path(out_dir)
    if not (out / STORE_NAME).is_file() or not (out / CONFIG_NAME).is_file():
        raise InputError("no study here (config.yaml or study.sqlite is missing)", file=out)
    config = load_config(out / CONFIG_NAME)
    with store_errors(out / STORE_NAME), ResultStore(out / STORE_NAME, readonly=True) as store:
        results = store.results()
    return StudyData(path=out, config=config, results=results)
