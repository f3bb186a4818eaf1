"""Affinity-prior predictor: a cheap estimator's affinity matrix as prior features that
measured combinations calibrate and correct.

The idea of ETAP (efficient task-affinity prediction, ICLR 2026): first-order affinity
scores (TAG, gradient cosine, PVI, Grad-TAG, TaskEmb; any
:class:`~taskaffinity.types.AffinityMatrix`) correlate with multi-task gains but are
mis-scaled and miss effects; a few measured groups fit the scale and the residual. Per
target ``t``: ``gain_t(S) = beta_t * sum_{u in S} A[t, u] + sum_{u in S} a_{t,u}
[+ pair terms]`` with Gaussian priors (``beta`` broad, ``a`` learnt), i.e. the pairwise
surrogate whose prior mean leans on the affinity row; fitted by marginal likelihood
(:mod:`taskaffinity.prediction._gp`). Each affinity row is scaled to unit root mean square.
"""

from __future__ import annotations

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.prediction._base import Observations, Predictor, register_predictor
from taskaffinity.prediction._gp import predict_blocks
from taskaffinity.types import AffinityMatrix

__all__ = ["AffinityPrior", "aligned_affinity"]


def aligned_affinity(affinity: AffinityMatrix, tasks: tuple[str, ...]) -> np.ndarray:
    """``(n, n)`` affinity values (row = target, column = source) reordered to ``tasks``,
    each row scaled to unit root mean square off the diagonal, NaN as 0. Raises
    :class:`~taskaffinity.errors.InputError` when a task is missing from the matrix."""
    missing = [t for t in tasks if t not in affinity.tasks]
    if missing:
        raise InputError(f"the affinity matrix has no tasks {missing}", field="affinity")
    idx = [affinity.tasks.index(t) for t in tasks]
    vals = np.array(affinity.values, dtype=float)[np.ix_(idx, idx)]
    np.fill_diagonal(vals, np.nan)
    vals = np.nan_to_num(vals)
    rms = np.sqrt(np.mean(vals**2, axis=1, keepdims=True) * len(tasks) / max(len(tasks) - 1, 1))
    return np.where(rms > 0, vals / np.where(rms > 0, rms, 1.0), 0.0)


@register_predictor("affinity_prior")
class AffinityPrior(Predictor):
    """Pairwise surrogate with an affinity matrix as prior features (ETAP's idea).

    ``affinity``: the :class:`~taskaffinity.types.AffinityMatrix` of any estimator (row =
    target, column = source; required to predict); ``interactions``: add pair-of-partner
    terms; ``noise``: measurement-noise variance in units of each target's root-mean-square
    gain (``None``: fitted).
    """

    def __init__(
        self,
        *,
        affinity: AffinityMatrix | None = None,
        interactions: bool = True,
        noise: float | None = None,
    ) -> None:
        self.affinity = affinity
        self.interactions = interactions
        self.noise = noise

    def _predict(
        self,
        tasks: tuple[str, ...],
        obs: Observations,
        members: np.ndarray,
        n_draws: int,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        if self.affinity is None:
            raise InputError("affinity_prior needs an affinity matrix", field="affinity")
        aff = aligned_affinity(self.affinity, tasks)
        blocks = ("affinity", "linear", "pairs") if self.interactions else ("affinity", "linear")
        return predict_blocks(obs, members, blocks, n_draws, rng, affinity=aff, noise=self.noise)
