"""Gains from scores: each task's score in a combination minus its score alone."""

from __future__ import annotations

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.types import ScoreTable

__all__ = ["gain_table"]


def gain_table(table: ScoreTable, *, relative: bool = False) -> ScoreTable:
    """The gain table of a score table with every task's single-task network.

    ``gains[g, t] = sign * (score[g, t] - score[{t}, t])`` (``sign`` = -1 for losses, so a
    gain is always higher-is-better), per seed when ``table`` has ``seed_scores`` (a
    seed's gain uses the same seed's single run; the paired design of a study) and on the
    mean scores otherwise; ``relative``: divided by ``|score[{t}, t]|`` and times 100 (the
    gain rate, %). Single-task rows get 0. Shape and row order as ``table``; no
    bootstrap scores. Raises :class:`~taskaffinity.errors.InputError` naming a task without
    a single-task network.
    """
    sign = 1.0 if table.higher_is_better else -1.0
    single = {grp[0]: g for g, grp in enumerate(table.groups) if len(grp) == 1}
    missing = [t for t in table.tasks if t not in single]
    if missing:
        raise InputError(f"no single-task network for tasks {missing}", field="group")
    cols = [single[t] for t in table.tasks]

    def convert(scores: np.ndarray) -> np.ndarray:
        base = scores[cols, np.arange(table.n_tasks)]
        out = sign * (scores - base[None])
        if relative:
            with np.errstate(invalid="ignore", divide="ignore"):
                out = out / np.abs(base)[None] * 100.0
        return out

    seeds = None
    if table.seed_scores is not None:
        seeds = np.stack([convert(s) for s in np.asarray(table.seed_scores, float)])
        with np.errstate(invalid="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                scores = np.nanmean(seeds, axis=0)
    else:
        scores = convert(table.scores)
    inside = ~np.isnan(table.scores)
    scores = np.where(inside, scores, np.nan)
    for g in cols:
        scores[g] = np.where(inside[g], 0.0, np.nan)
        if seeds is not None:
            seeds[:, g] = np.where(inside[g][None], 0.0, np.nan)
    return ScoreTable(table.tasks, table.groups, scores, table.costs, True, seeds)
