"""Pairwise surrogate: per target task, Bayesian linear regression of its gain on which
other tasks share its combination, optionally with indicators of pairs of them.

The model of Li, Nguyen & Zhang, "Identification of Negative Transfers in Multitask
Learning Using Surrogate Models", TMLR 2023 (``f_t(S) = sum_{u in S} a_{t,u}`` [``+ sum
a_{t,uv}``]), made Bayesian so that it answers with an interval: Gaussian priors on the
weights (one variance per block, shared by all targets) and Gaussian noise, fitted by
marginal likelihood (:mod:`taskaffinity.prediction._gp`). With every pair measured and no
noise it reproduces a pairwise-additive table exactly.

The posterior draws' pair-of-partners features (``n (n - 1) / 2`` columns per target) are
sparse: a combination of ``k`` tasks has ``C(k - 1, 2)`` of them, none for a pair. They are
built and multiplied as a sparse matrix (:func:`pair_features`); the draws are those of
:func:`~taskaffinity.prediction._gp.gp_predict` (the same random numbers, in the same
order) at a fraction of the cost on hundreds of tasks.
"""

from __future__ import annotations

import numpy as np

from taskaffinity.prediction._base import Observations, Predictor, register_predictor
from taskaffinity.prediction._gp import (
    _JITTER,
    GPFit,
    _base_kernels,
    aggregate,
    fit_gp,
    gp_predict,
)

__all__ = ["PairwiseBayes", "pair_features"]


def pair_features(x: np.ndarray):  # -> scipy.sparse.csr_matrix
    """The pair-of-partners features of 0/1 rows ``x`` ``(m, n)`` as a sparse CSR matrix
    ``(m, n (n - 1) / 2)``: column ``(u, v)`` (``u < v``, in ``np.triu_indices(n, 1)``
    order) is 1 where the row holds both ``u`` and ``v``; equal to the dense features of
    the ``pairs`` block (``_gp._pairs``)."""
    from scipy.sparse import csr_matrix

    x = np.asarray(x) != 0
    m, n = x.shape
    cols, ptr = [], [0]
    for row in x:
        p = np.flatnonzero(row)
        if len(p) >= 2:
            i, j = np.triu_indices(len(p), 1)
            u, v = p[i], p[j]
            cols.append(u * n - u * (u + 1) // 2 + (v - u - 1))
        ptr.append(ptr[-1] + (len(p) * (len(p) - 1)) // 2)
    idx = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    return csr_matrix((np.ones(len(idx)), idx, np.asarray(ptr)), shape=(m, n * (n - 1) // 2))


def _draws(
    fit: GPFit,
    t: int,
    x: np.ndarray,
    y: np.ndarray,
    rows: np.ndarray,
    x_new: np.ndarray,
    n_draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """``(n_draws, m)`` joint posterior draws of target ``t``'s gain at ``x_new`` ``(m, n)``
    for the ``linear`` and ``pairs`` blocks: Matheron's rule as in ``gp_predict`` (same
    random numbers, same order), the pair features sparse."""
    from scipy.linalg import cho_factor, cho_solve

    n = x_new.shape[1]
    sc = fit.y_scale[t]
    xu, ybar, counts, _ = aggregate(x, np.asarray(y, float), rows)
    xf, xn = np.asarray(xu, float), np.asarray(x_new, float)
    draws = np.zeros((n_draws, len(xn)))
    prior_old = np.zeros((n_draws, len(ybar)))
    for name in fit.blocks:
        if name == "linear":
            new, old = xn, xf
            w = rng.standard_normal((n_draws, n)) * np.sqrt(fit.scales[name])
        else:
            new, old = pair_features(xn), pair_features(xf)
            w = rng.standard_normal((n_draws, n * (n - 1) // 2)) * np.sqrt(fit.scales[name])
        draws += np.asarray(new @ w.T).T
        if len(ybar):
            prior_old += np.asarray(old @ w.T).T
    if len(ybar):

        def kern(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            ks, _ = _base_kernels(fit.blocks, a, b, np.zeros(n))
            total = sum(fit.scales[nm] * k for nm, k in zip(fit.blocks, ks, strict=True))
            return np.asarray(total, float) * np.ones((len(a), len(b)))

        cf = cho_factor(kern(xf, xf) + np.diag(fit.noise / counts + _JITTER), lower=True)
        eps = rng.standard_normal((n_draws, len(ybar))) * np.sqrt(fit.noise / counts)
        resid = ybar[None] / sc - prior_old - eps
        draws += (kern(xn, xf) @ cho_solve(cf, resid.T)).T
    return draws * sc


def _predict_pairs(
    obs: Observations,
    members: np.ndarray,
    blocks: tuple[str, ...],
    n_draws: int,
    rng: np.random.Generator,
    noise: float | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``predict_blocks`` for the ``linear`` (+ ``pairs``) blocks with sparse pair
    features in the draws: ``(mean, sd, draws)`` of shapes ``(G, n)``, ``(G, n)``,
    ``(n_draws, G, n)`` over the candidates ``members`` (bool ``(G, n)``), NaN outside."""
    n = members.shape[1]
    per_target = [obs.of_target(t) for t in range(n)]
    fit = fit_gp(per_target, blocks, noise=noise)
    mean = np.full(members.shape, np.nan)
    sd = np.full(members.shape, np.nan)
    draws = np.full((n_draws, *members.shape), np.nan) if n_draws > 0 else None
    multi = members.sum(axis=1) >= 2
    for t in range(n):
        rows = np.flatnonzero(members[:, t] & multi)
        if not len(rows):
            continue
        x_new = members[rows].copy()
        x_new[:, t] = False
        x, y, obs_rows = per_target[t]
        m, s, _ = gp_predict(fit, t, x, y, obs_rows, x_new, None, 0, rng)  # draws no numbers
        mean[rows, t], sd[rows, t] = m, s
        if draws is not None:
            draws[:, rows, t] = _draws(fit, t, x, y, obs_rows, x_new, n_draws, rng)
    return mean, sd, draws


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
        return _predict_pairs(obs, members, blocks, n_draws, rng, self.noise)
