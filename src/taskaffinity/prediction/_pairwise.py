"""Pairwise surrogate: per target task, Bayesian linear regression of its gain on which
other tasks share its combination, optionally with indicators of pairs of them.

The model of Li, Nguyen & Zhang, "Identification of Negative Transfers in Multitask
Learning Using Surrogate Models", TMLR 2023 (``f_t(S) = sum_{u in S} a_{t,u}`` [``+ sum
a_{t,uv}``]), made Bayesian so that it answers with an interval: Gaussian priors on the
weights (one variance per block, shared by all targets) and Gaussian noise, fitted by
marginal likelihood (:mod:`taskaffinity.prediction._gp`). With every pair measured and no
noise it reproduces a pairwise-additive table exactly.

The posterior draws' pair-of-partners features (``n (n - 1) / 2`` columns per target) are
sparse (:func:`~taskaffinity.prediction._gp.pair_features`), so the draws stay cheap on
hundreds of tasks.
"""

from __future__ import annotations

import numpy as np

from taskaffinity.prediction._base import Observations, Predictor, register_predictor
from taskaffinity.prediction._gp import predict_blocks

__all__ = ["PairwiseBayes"]


@register_predictor("pairwise")
class PairwiseBayes(Predictor):
    """Bayesian pairwise surrogate (Li, Nguyen & Zhang 2023).

    ``interactions``: add one weight per pair of partners (third-order terms of the target's
    gain); ``noise``: the measurement-noise variance in units of each target's
    root-mean-square gain (``None``: fitted by marginal likelihood).
    """

    def __init__(self, *, interactions: bool = True, noise: float | None = None) -> None:
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
        blocks = ("linear", "pairs") if self.interactions else ("linear",)
        return predict_blocks(obs, members, blocks, n_draws, rng, noise=self.noise)
