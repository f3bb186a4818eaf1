"""Nonlinear predictor: a Gaussian process over task sets whose kernel adds, to the
pairwise terms, a product kernel over tasks that holds interactions of every order.

In the spirit of the kernel surrogates of task combinations (Li, Nguyen & Zhang, TMLR
2023, and their kernel follow-up) and of MTG-Net (Song et al., NeurIPS 2022), which learn
higher-order effects from measured combinations. Kernel (per target ``t``, ``x`` = the
other tasks of the combination): ``s_1^2 x.x' + s_2^2 C(x.x', 2) + s_3^2 exp(-|x - x'|_1 /
ell)``; all hyperparameters by marginal likelihood (:mod:`taskaffinity.prediction._gp`).
"""

from __future__ import annotations

import numpy as np

from taskaffinity.prediction._base import Observations, Predictor, register_predictor
from taskaffinity.prediction._gp import predict_blocks

__all__ = ["KernelGP"]


@register_predictor("kernel")
class KernelGP(Predictor):
    """GP on task-set features with pairwise and all-order blocks.

    ``interactions``: include the pair-of-partners block; ``ell``: length scale of the
    all-order block in tasks (``None``: fitted); ``noise``: measurement-noise variance in
    units of each target's root-mean-square gain (``None``: fitted).
    """

    def __init__(
        self, *, interactions: bool = True, ell: float | None = None, noise: float | None = None
    ) -> None:
        self.interactions = interactions
        self.ell = ell
        self.noise = noise

    def _predict(
        self,
        tasks: tuple[str, ...],
        obs: Observations,
        members: np.ndarray,
        n_draws: int,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        blocks = ("linear", "pairs", "walsh") if self.interactions else ("linear", "walsh")
        return predict_blocks(obs, members, blocks, n_draws, rng, noise=self.noise, ell=self.ell)
