"""Surrogate model of task-group scores: Li, Nguyen and Zhang, "Identification of Negative
Transfers in Multitask Learning Using Surrogate Models", TMLR 2023.

For each target task ``t`` a ridge regression ``f_t(S) = b_t + sum_{u in S, u != t} a_{t,u}
[+ sum_{u<v} a_{t,uv}]`` of ``t``'s score in group ``S`` on the membership indicators of the
*other* tasks of ``S`` (optionally with pairwise interaction terms) is fitted on the
measured groups that contain ``t``, then predicts ``t``'s score in every requested group.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.types import ScoreTable

__all__ = ["Surrogate", "all_groups"]


def all_groups(tasks: Sequence[str], *, max_size: int | None = None) -> list[tuple[str, ...]]:
    """Every non-empty subset of ``tasks`` (sorted tuples), by size then order."""
    top = len(tasks) if max_size is None else max_size
    return [tuple(sorted(c)) for k in range(1, top + 1) for c in combinations(tasks, k)]


def _features(member: np.ndarray, t: int, interactions: bool) -> np.ndarray:
    """``(n_rows, n-1 [+ C(n-1, 2)])`` indicators of the other tasks (and their pairs)."""
    others = np.delete(member, t, axis=1).astype(float)
    if not interactions:
        return others
    k = others.shape[1]
    pairs = [others[:, i] * others[:, j] for i in range(k) for j in range(i + 1, k)]
    return np.column_stack([others, *pairs]) if pairs else others


@dataclass(frozen=True)
class Surrogate:
    """Ridge surrogate of Li, Nguyen & Zhang (2023); hyperparameters only.

    ``alpha``: ridge penalty (intercept unpenalised); ``interactions``: add pairwise
    interaction terms of the other tasks; ``keep_measured``: in :meth:`predict`, groups that
    were measured keep their measured scores instead of the fitted ones.
    """

    alpha: float = 0.1
    interactions: bool = False
    keep_measured: bool = True

    def predict(
        self, measured: ScoreTable, groups: Iterable[Sequence[str]] | None = None
    ) -> ScoreTable:
        """Predicted table over ``groups`` (default: every subset of the tasks), cost 1 each,
        same direction as ``measured``. Raises :class:`~taskaffinity.errors.InputError` when
        a task has no measured group."""
        from sklearn.linear_model import Ridge

        tasks = measured.tasks
        n = len(tasks)
        targets = [tuple(sorted(g)) for g in (groups if groups is not None else all_groups(tasks))]
        index = {t: i for i, t in enumerate(tasks)}
        member_in = np.zeros((len(measured.groups), n), dtype=bool)
        for g, grp in enumerate(measured.groups):
            member_in[g, [index[t] for t in grp]] = True
        member_out = np.zeros((len(targets), n), dtype=bool)
        for g, grp in enumerate(targets):
            member_out[g, [index[t] for t in grp]] = True
        scores = np.full((len(targets), n), np.nan)
        for t in range(n):
            rows = np.flatnonzero(member_in[:, t] & ~np.isnan(measured.scores[:, t]))
            if not len(rows):
                raise InputError(f"task {tasks[t]!r} appears in no measured group", field="group")
            model = Ridge(alpha=self.alpha)
            model.fit(_features(member_in[rows], t, self.interactions), measured.scores[rows, t])
            out = np.flatnonzero(member_out[:, t])
            if len(out):
                scores[out, t] = model.predict(_features(member_out[out], t, self.interactions))
        if self.keep_measured:
            where = {grp: g for g, grp in reversed(list(enumerate(measured.groups)))}
            for g, grp in enumerate(targets):
                if grp in where:
                    src = measured.scores[where[grp]]
                    scores[g, member_out[g]] = src[member_out[g]]
        return ScoreTable(
            tasks, tuple(targets), scores, np.ones(len(targets)), measured.higher_is_better
        )
