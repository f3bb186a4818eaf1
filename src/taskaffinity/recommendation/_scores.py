"""The per-seed dev and test scores of a stored study's networks, the two tables a
recommendation is made from: it chooses on dev and is judged on test.

Heads-based backends (``scratch``, ``encoder``, ``lora``) store each task's dev metrics
beside its test metrics (``metrics[task]["dev_<metric>"]``, from the checkpoint that gave
the test score); a backend that stores none (e.g. the toy backend of
:mod:`taskaffinity.testing`) leaves the choice to the test scores, which
:class:`SplitScores` says in ``chosen_on`` and ``note``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from taskaffinity.types import ScoreTable

if TYPE_CHECKING:
    from taskaffinity.study import StudyData

__all__ = ["SplitScores", "split_scores"]


@dataclass(frozen=True, eq=False)
class SplitScores:
    """Scores of one study's networks on the split used to choose and on test.

    ``choose`` and ``test``: per-seed cubes of shape ``(n_seeds, n_groups, n_tasks)``
    (``seeds`` x ``groups`` x ``tasks``, NaN where a task is not in the group or the run is
    missing). ``chosen_on`` is ``"dev"`` or ``"test"`` (no dev scores stored: the choice is
    then made on the test scores it is judged on, and ``note`` says so). ``metrics``: each
    task's main metric name."""

    tasks: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    seeds: tuple[int, ...]
    choose: np.ndarray
    test: np.ndarray
    higher_is_better: bool
    chosen_on: str
    metrics: dict[str, str]
    note: str = ""

    @property
    def sign(self) -> float:
        """+1 for higher-is-better scores, -1 for losses (signed scores are maximised)."""
        return 1.0 if self.higher_is_better else -1.0

    def table(self, which: str = "choose") -> ScoreTable:
        """The mean over seeds of ``choose`` (or ``test``) as a ScoreTable, one network per
        group with every task of it scored (groups missing a score are left out), cost 1
        each, ``seed_scores`` the per-seed cube of those groups."""
        cube = self.choose if which == "choose" else self.test
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells
            mean = np.nanmean(cube, axis=0)
        keep = [
            g
            for g, group in enumerate(self.groups)
            if all(np.isfinite(mean[g, self.tasks.index(t)]) for t in group)
        ]
        return ScoreTable(
            tasks=self.tasks,
            groups=tuple(self.groups[g] for g in keep),
            scores=mean[keep],
            costs=np.ones(len(keep)),
            higher_is_better=self.higher_is_better,
            seed_scores=cube[:, keep],
        )


def split_scores(study: StudyData) -> SplitScores:
    """The dev and test cubes of ``study``'s complete runs (groups and tasks in the order of
    ``study.score_table()``, seeds in ``study.seeds`` order). A task's dev score is its
    stored ``dev_<main metric>``; when any complete run lacks one, every choice is made on
    test and ``note`` names the runs' backend and tasks without dev scores."""
    table = study.score_table()
    tasks, groups, seeds = table.tasks, table.groups, tuple(study.seeds)
    metrics = {t: study.suite.task(t).metric for t in tasks}
    test = np.asarray(table.seed_scores, dtype=float)
    dev = np.full_like(test, np.nan)
    missing: set[str] = set()
    for r in study.complete:
        g, s = groups.index(tuple(r.tasks)), seeds.index(r.seed)
        for t in r.tasks:
            value = r.metrics.get(t, {}).get(f"dev_{metrics[t]}")
            if value is None or not np.isfinite(value):
                missing.add(t)
            else:
                dev[s, g, tasks.index(t)] = float(value)
    if not missing:
        return SplitScores(tasks, groups, seeds, dev, test, table.higher_is_better, "dev",
                           metrics)  # fmt: skip
    backend = study.config.backend.name
    note = (
        f"no dev scores are stored for {', '.join(sorted(missing))} (backend {backend}): "
        "the choice is made on the test scores it is judged on, so its test value is "
        "optimistic"
    )
    return SplitScores(tasks, groups, seeds, test, test, table.higher_is_better, "test",
                       metrics, note)  # fmt: skip
