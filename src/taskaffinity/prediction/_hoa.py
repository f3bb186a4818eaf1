"""Higher-order approximation as a predictor: a task's gain in a group is the mean (or sum)
of its gains in the pair networks inside the group.

HOA of Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?",
ICML 2020 (Section 5; :func:`taskaffinity.tables.hoa` on score tables). With
``pairs_from="all"`` a partner's effect ``P[t, u]`` is the mean gain of ``t`` over every
measured combination holding ``t`` and ``u`` (a plain pairwise-mean model that learns
from combinations of any size), not only over the pair ``{t, u}``.

Interval: HOA has no model of its error, so it is calibrated on what was measured: the
variance is the seed-to-seed variance of the combined pair means plus the mean squared
residual of HOA on the measured combinations of three or more tasks (pooled over targets;
with ``pairs_from="all"`` residuals are leave-one-row-out). With no such combination and
one seed the interval has zero width, and says only that.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.prediction._base import Observations, Predictor, register_predictor

__all__ = ["HOAPredictor"]


def _pair_sums(obs: Observations) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (target, partner): sum, sum of squares and count of the target's gain over the
    observations whose combination holds both (every size >= 2)."""
    m = obs.members.astype(float)
    g = np.nan_to_num(obs.gains)
    seen = (~np.isnan(obs.gains)).astype(float)
    total = g.T @ m
    sq = (g**2).T @ m
    count = seen.T @ m
    np.fill_diagonal(total, 0.0)
    np.fill_diagonal(sq, 0.0)
    np.fill_diagonal(count, 0.0)
    return total, sq, count


@register_predictor("hoa")
class HOAPredictor(Predictor):
    """HOA (Standley et al. 2020) as a predictor with a calibrated interval.

    ``combine``: ``"mean"`` (Standley's rule) or ``"sum"`` (pairwise-additive) of the pair
    gains; ``pairs_from``: ``"pairs"`` (only pair networks, as published) or ``"all"``
    (every measured combination holding both tasks: the pairwise-mean model).
    """

    additive = "mean"

    def __init__(
        self,
        *,
        combine: Literal["mean", "sum"] = "mean",
        pairs_from: Literal["pairs", "all"] = "pairs",
    ) -> None:
        self.combine = combine
        self.pairs_from = pairs_from

    def _check(self) -> None:
        if self.combine not in ("mean", "sum"):
            raise InputError(f"combine {self.combine!r} is not 'mean' or 'sum'", field="combine")
        if self.pairs_from not in ("pairs", "all"):
            raise InputError(
                f"pairs_from {self.pairs_from!r} is not 'pairs' or 'all'", field="pairs_from"
            )

    def _combine(self, p: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Prediction for one target: ``p`` (..., n) partner effects (NaN unknown), ``x``
        (m, n) partner indicators -> (..., m)."""
        known = ~np.isnan(p)
        vals = np.nan_to_num(p) @ x.T
        if self.combine == "sum":
            return vals
        cnt = known.astype(float) @ x.T
        return np.where(cnt > 0, vals / np.maximum(cnt, 1.0), 0.0)

    def _predict(
        self,
        tasks: tuple[str, ...],
        obs: Observations,
        members: np.ndarray,
        n_draws: int,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        self._check()
        n = members.shape[1]
        size = obs.members.sum(axis=1)
        use = obs if self.pairs_from == "all" else _subset(obs, size == 2)
        total, sq, count = _pair_sums(use)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(count > 0, total / np.maximum(count, 1.0), np.nan)
            var = np.where(count > 1, (sq - count * p**2) / np.maximum(count - 1, 1), 0.0)
            se2 = np.where(count > 0, np.maximum(var, 0.0) / np.maximum(count, 1.0), 0.0)
        resid = self._residuals(obs, size, p, total, count)
        res2 = float(np.mean(resid**2)) if len(resid) else 0.0
        mean = np.full(members.shape, np.nan)
        sd = np.full(members.shape, np.nan)
        draws = np.full((n_draws, *members.shape), np.nan) if n_draws > 0 else None
        for t in range(n):
            rows = np.flatnonzero(members[:, t] & (members.sum(axis=1) >= 2))
            if not len(rows):
                continue
            x = members[rows].astype(float)
            x[:, t] = 0.0
            mean[rows, t] = self._combine(p[t], x)
            k = np.maximum((~np.isnan(p[t])).astype(float) @ x.T, 1.0)
            seed_var = se2[t] @ x.T / (k**2 if self.combine == "mean" else 1.0)
            sd[rows, t] = np.sqrt(seed_var + res2)
            if draws is not None:
                pd = p[t][None] + rng.standard_normal((n_draws, n)) * np.sqrt(se2[t])[None]
                noise = rng.standard_normal((n_draws, len(rows))) * np.sqrt(res2)
                draws[:, rows, t] = self._combine(pd, x) + noise
        return mean, sd, draws

    def _residuals(
        self,
        obs: Observations,
        size: np.ndarray,
        p: np.ndarray,
        total: np.ndarray,
        count: np.ndarray,
    ) -> np.ndarray:
        """HOA's residuals on measured combinations of 3+ tasks (all targets), leave-one-
        observation-out when those combinations also fed the pair effects."""
        out = []
        for i in np.flatnonzero(size >= 3):
            inside = np.flatnonzero(obs.members[i])
            for t in inside:
                y = obs.gains[i, t]
                if np.isnan(y):
                    continue
                x = obs.members[i].astype(float)
                x[t] = 0.0
                pt = p[t]
                if self.pairs_from == "all":
                    tot = total[t] - y * x
                    cnt = count[t] - x
                    with np.errstate(invalid="ignore", divide="ignore"):
                        pt = np.where(cnt > 0, tot / np.maximum(cnt, 1.0), np.nan)
                if np.isnan(pt[x > 0]).all():
                    continue
                out.append(y - float(self._combine(pt, x[None])[0]))
        return np.array(out)


def _subset(obs: Observations, keep: np.ndarray) -> Observations:
    return Observations(obs.members[keep], obs.gains[keep], obs.row[keep])
