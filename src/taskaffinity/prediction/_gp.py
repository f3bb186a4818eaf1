"""Gaussian-process regression of one target task's gain on the other tasks of its
combination, with an additive kernel of named blocks and hyperparameters shared by all
targets (each target's gains standardised by their root mean square).

For target ``t`` and a combination ``S``, ``x = 1[u in S]`` over the other tasks ``u``:

* ``linear``: ``k = x . x'`` (one weight per partner: pairwise-additive gains);
* ``pairs``: ``k = C(x . x', 2)`` (one weight per pair of partners: third-order terms);
* ``walsh``: ``k = exp(-hamming(x, x') / ell)``, a product kernel over tasks that holds
  every order of interaction (its Walsh expansion weights an order-``m`` term by
  ``((1 - r) / 2)^m``, ``r = exp(-1 / ell)``);
* ``affinity``: ``k = a(x) a(x')`` with ``a(x) = sum_u A[t, u] x_u`` from a prior affinity
  matrix ``A`` (row = target, column = source): one scale per target, learnt, that
  calibrates the cheap estimate (the idea of ETAP).

Each block has a variance ``s_b^2``; the noise variance ``sigma^2`` models seed-to-seed
(measurement) noise: every seed of a combination is one observation (folded exactly into
the combination's mean with noise ``sigma^2 / seeds`` plus the seeds' spread, so the cost
grows with combinations, not runs). The hyperparameters
maximise the summed log marginal likelihood (Rasmussen & Williams 2006, eq. 5.8-5.9) with
L-BFGS-B, plus a weak ``log sigma^2`` penalty that sends the noise to its floor when the
data cannot tell noise from signal (e.g. one noiseless measurement per pair). Joint
posterior draws use Matheron's rule (Wilson et al., ICML 2020) with explicit features
(random Walsh features for ``walsh``), so a draw is one coherent gain table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from taskaffinity.prediction._base import Observations

__all__ = [
    "BLOCKS",
    "GPFit",
    "aggregate",
    "fit_gp",
    "gp_predict",
    "pair_features",
    "predict_blocks",
]

BLOCKS = ("linear", "pairs", "walsh", "affinity")
_NOISE_FLOOR = 1e-10
_JITTER = 1e-10
_N_WALSH = 512


def _pairs(x: np.ndarray) -> np.ndarray:
    """Dense pair-of-partners features ``(m, n (n - 1) / 2)`` of rows ``x`` ``(m, n)``: the
    definition :func:`pair_features` computes sparsely."""
    iu = np.triu_indices(x.shape[1], 1)
    return x[:, iu[0]] * x[:, iu[1]]


def pair_features(x: np.ndarray):  # -> scipy.sparse.csr_matrix
    """The pair-of-partners features of 0/1 rows ``x`` ``(m, n)`` as a sparse CSR matrix
    ``(m, n (n - 1) / 2)``: column ``(u, v)`` (``u < v``, in ``np.triu_indices(n, 1)``
    order) is 1 where the row holds both ``u`` and ``v`` (equal to :func:`_pairs`). A row
    of ``k`` tasks has ``C(k, 2)`` of them, so the ``pairs`` block's posterior draws stay
    cheap on hundreds of tasks (19,900 columns at 200)."""
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


def _base_kernels(
    blocks: Sequence[str], xa: np.ndarray, xb: np.ndarray, aff: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray]:
    """Per fixed block its kernel ``(len(xa), len(xb))`` (unscaled), and the Hamming
    distances (for ``walsh``)."""
    c = xa @ xb.T
    out = []
    for b in blocks:
        if b == "linear":
            out.append(c)
        elif b == "pairs":
            out.append(c * (c - 1.0) / 2.0)
        elif b == "affinity":
            out.append(np.outer(xa @ aff, xb @ aff))
    ham = xa.sum(axis=1)[:, None] + xb.sum(axis=1)[None, :] - 2.0 * c
    return out, ham


@dataclass(frozen=True)
class GPFit:
    """Fitted shared hyperparameters: ``scales`` block -> variance ``s_b^2`` (standardised
    units), ``noise`` ``sigma^2``, ``ell`` the Walsh length scale, ``y_scale`` (n_tasks,)
    each target's standardisation."""

    blocks: tuple[str, ...]
    scales: dict[str, float]
    noise: float
    ell: float
    y_scale: np.ndarray


def aggregate(
    x: np.ndarray, y: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Seeds of one combination folded into one observation: ``(x (m, n) one row per
    combination, mean gains (m,), seed counts (m,), within-combination sum of squares)``.
    Exact for a Gaussian likelihood: the means carry noise ``sigma^2 / count`` and the
    spread of seeds around them is the rest of the likelihood (it informs the noise)."""
    if len(y) == 0:
        return np.zeros((0, x.shape[1])), np.zeros(0), np.zeros(0), 0.0
    _, first, inv = np.unique(rows, return_index=True, return_inverse=True)
    counts = np.bincount(inv).astype(float)
    means = np.bincount(inv, weights=y) / counts
    ss = float(np.sum((y - means[inv]) ** 2))
    return np.asarray(x)[first], means, counts, ss


def _fixed(blocks: Sequence[str]) -> list[str]:
    return [b for b in blocks if b != "walsh"]


def fit_gp(
    targets: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
    blocks: Sequence[str],
    affinity: np.ndarray | None = None,
    *,
    noise: float | None = None,
    ell: float | None = None,
) -> GPFit:
    """Fit the shared hyperparameters on ``targets`` (per target ``t``: ``(x (k, n) bool
    partner indicators with column t clear, y (k,) gains, rows (k,) the combination of
    each observation; seeds of one combination share a row)``); ``affinity`` ``(n, n)`` is
    the prior matrix of the ``affinity`` block. ``noise`` / ``ell`` given: held fixed
    (``noise`` in units of each target's standardised gains)."""
    from scipy.linalg import cho_factor, cho_solve
    from scipy.optimize import minimize

    blocks = tuple(blocks)
    unknown = [b for b in blocks if b not in BLOCKS]
    if unknown:
        raise ValueError(f"unknown kernel blocks {unknown}; known: {BLOCKS}")
    n = len(targets)
    aff = np.zeros((n, n)) if affinity is None else np.nan_to_num(np.asarray(affinity, float))
    scales = np.ones(n)
    data = []
    for t, (_x, y, _rows) in enumerate(targets):
        rms = float(np.sqrt(np.mean(y**2))) if len(y) else 0.0
        scales[t] = rms if rms > 0 else np.nan
    fallback = float(np.nanmedian(scales)) if np.isfinite(scales).any() else 1.0
    scales = np.where(np.isfinite(scales), scales, fallback)
    for t, (x, y, rows) in enumerate(targets):
        if len(y):
            xu, ybar, counts, ss = aggregate(x, np.asarray(y, float), rows)
            xf = np.asarray(xu, float)
            ks, ham = _base_kernels(blocks, xf, xf, aff[t])
            extra = len(y) - len(ybar)
            data.append((ks, ham, ybar / scales[t], 1.0 / counts, ss / scales[t] ** 2, extra))
    fixed = _fixed(blocks)
    has_walsh = "walsh" in blocks
    n_s = len(fixed) + has_walsh

    def unpack(theta: np.ndarray) -> tuple[np.ndarray, float, float]:
        s = np.exp(theta[:n_s])
        nz = noise if noise is not None else float(np.exp(theta[n_s]))
        el = (ell if ell is not None else float(np.exp(theta[-1]))) if has_walsh else 1.0
        return s, max(nz, _NOISE_FLOOR), el

    def nll(theta: np.ndarray) -> tuple[float, np.ndarray]:
        s, nz, el = unpack(theta)
        total, grad = 0.0, np.zeros_like(theta)
        for ks, ham, y, inv_k, ss, extra in data:
            parts = [s[i] * k for i, k in enumerate(ks)]
            if has_walsh:
                e = np.exp(-ham / el)
                parts.append(s[len(fixed)] * e)
            k_mat = sum(parts) + np.diag(nz * inv_k + _JITTER)
            try:
                cf = cho_factor(k_mat, lower=True)
            except np.linalg.LinAlgError:
                return 1e12, np.zeros_like(theta)
            if extra:  # seeds around their combination's mean
                total += 0.5 * ss / nz + 0.5 * extra * np.log(nz)
                if noise is None:
                    grad[n_s] += -0.5 * ss / nz + 0.5 * extra
            alpha = cho_solve(cf, y)
            total += 0.5 * float(y @ alpha) + float(np.log(np.diag(cf[0])).sum())
            w = cho_solve(cf, np.eye(len(y))) - np.outer(alpha, alpha)
            for i, p in enumerate(parts):
                grad[i] += 0.5 * float(np.sum(w * p))
            if noise is None:
                grad[n_s] += 0.5 * nz * float(np.diag(w) @ inv_k)
            if has_walsh and ell is None:
                grad[-1] += 0.5 * float(np.sum(w * parts[-1] * ham / el))
        if noise is None:  # weak penalty: noise to its floor when unidentifiable
            total += 0.5 * theta[n_s]
            grad[n_s] += 0.5
        return total, grad

    theta0 = [np.log(1.0 / max(n_s, 1))] * n_s
    bounds = [(np.log(1e-6), np.log(1e3))] * n_s
    if noise is None:
        theta0.append(np.log(0.05))
        bounds.append((np.log(_NOISE_FLOOR), np.log(10.0)))
    if has_walsh and ell is None:
        theta0.append(np.log(2.0))
        bounds.append((np.log(0.2), np.log(50.0)))
    theta = np.array(theta0, dtype=float)
    if data and len(theta):
        res = minimize(nll, theta, jac=True, method="L-BFGS-B", bounds=bounds)
        theta = res.x
    s, nz, el = unpack(theta)
    names = [*fixed, *(["walsh"] if has_walsh else [])]
    return GPFit(blocks, dict(zip(names, s.tolist(), strict=True)), nz, el, scales)


def _features(
    fit: GPFit, x: np.ndarray, aff: np.ndarray, walsh: np.ndarray | None
) -> list[tuple[str, np.ndarray]]:
    """Explicit features of every block at ``x`` (rows), for prior draws (``pairs``
    sparse, :func:`pair_features`)."""
    out = []
    for b in fit.blocks:
        if b == "linear":
            out.append((b, x))
        elif b == "pairs":
            out.append((b, pair_features(x)))
        elif b == "affinity":
            out.append((b, (x @ aff)[:, None]))
        elif b == "walsh" and walsh is not None:
            parity = (x @ walsh.T) % 2
            out.append((b, (1.0 - 2.0 * parity) / np.sqrt(walsh.shape[0])))
    return out


def gp_predict(
    fit: GPFit,
    t: int,
    x: np.ndarray,
    y: np.ndarray,
    rows: np.ndarray,
    x_new: np.ndarray,
    affinity: np.ndarray | None,
    n_draws: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Posterior of target ``t``'s gain at ``x_new`` (m, n) given observations ``x``
    (k, n), ``y`` (k,) of the combinations ``rows`` (k,) (seeds folded by
    :func:`aggregate`): ``(mean (m,), sd (m,), draws (n_draws, m) or None)`` in gain
    units; the sd is that of the latent mean gain (no measurement noise)."""
    from scipy.linalg import cho_factor, cho_solve

    n = x_new.shape[1]
    aff = np.zeros(n) if affinity is None else np.nan_to_num(np.asarray(affinity[t], float))
    sc = fit.y_scale[t]
    xu, y, counts, _ = aggregate(x, np.asarray(y, float), rows)
    xf, xn = np.asarray(xu, float), np.asarray(x_new, float)
    fixed = _fixed(fit.blocks)

    def kern(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ks, ham = _base_kernels(fit.blocks, a, b, aff)
        total = sum(fit.scales[name] * k for name, k in zip(fixed, ks, strict=True))
        if "walsh" in fit.blocks:
            total = total + fit.scales["walsh"] * np.exp(-ham / fit.ell)
        return np.asarray(total, float) * np.ones((len(a), len(b)))

    def prior_diag(a: np.ndarray) -> np.ndarray:
        c = a.sum(axis=1)
        out = np.zeros(len(a))
        for name in fixed:
            if name == "linear":
                out += fit.scales[name] * c
            elif name == "pairs":
                out += fit.scales[name] * c * (c - 1.0) / 2.0
            elif name == "affinity":
                out += fit.scales[name] * (a @ aff) ** 2
        if "walsh" in fit.blocks:
            out += fit.scales["walsh"]
        return out

    kss = prior_diag(xn)
    if len(y) == 0:
        mean, var = np.zeros(len(xn)), kss
        cf = None
    else:
        k_mat = kern(xf, xf) + np.diag(fit.noise / counts + _JITTER)
        cf = cho_factor(k_mat, lower=True)
        ks = kern(xn, xf)
        mean = ks @ cho_solve(cf, np.asarray(y, float) / sc)
        v = cho_solve(cf, ks.T)
        var = kss - np.einsum("ij,ji->i", ks, v)
    sd = np.sqrt(np.maximum(var, 0.0)) * sc
    if n_draws <= 0:
        return mean * sc, sd, None
    walsh = None
    if "walsh" in fit.blocks:
        q = (1.0 - np.exp(-1.0 / fit.ell)) / 2.0
        walsh = (rng.random((_N_WALSH, n)) < q).astype(float)
    feats_new = _features(fit, xn, aff, walsh)
    feats_old = _features(fit, xf, aff, walsh) if len(y) else []
    draws = np.zeros((n_draws, len(xn)))
    prior_old = np.zeros((n_draws, len(y)))
    for i, (name, phi) in enumerate(feats_new):
        w = rng.standard_normal((n_draws, phi.shape[1])) * np.sqrt(fit.scales[name])
        draws += np.asarray(phi @ w.T).T  # phi dense or sparse
        if len(y):
            prior_old += np.asarray(feats_old[i][1] @ w.T).T
    if cf is not None:
        eps = rng.standard_normal((n_draws, len(y))) * np.sqrt(fit.noise / counts)
        resid = np.asarray(y, float)[None] / sc - prior_old - eps
        draws += (ks @ cho_solve(cf, resid.T)).T
    return mean * sc, sd, draws * sc


def predict_blocks(
    obs: Observations,
    members: np.ndarray,
    blocks: Sequence[str],
    n_draws: int,
    rng: np.random.Generator,
    *,
    affinity: np.ndarray | None = None,
    noise: float | None = None,
    ell: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Fit the shared hyperparameters on every target's observations, then predict each
    target in the candidates ``members`` (bool ``(G, n)``): ``(mean, sd, draws)`` of shapes
    ``(G, n)``, ``(G, n)``, ``(n_draws, G, n)`` (NaN outside; draws ``None`` when
    ``n_draws`` is 0)."""
    n = members.shape[1]
    per_target = [obs.of_target(t) for t in range(n)]
    fit = fit_gp(per_target, blocks, affinity, noise=noise, ell=ell)
    mean = np.full(members.shape, np.nan)
    sd = np.full(members.shape, np.nan)
    draws = np.full((n_draws, *members.shape), np.nan) if n_draws > 0 else None
    for t in range(n):
        rows = np.flatnonzero(members[:, t] & (members.sum(axis=1) >= 2))
        if not len(rows):
            continue
        x_new = members[rows].copy()
        x_new[:, t] = False
        x, y, obs_rows = per_target[t]
        m, s, d = gp_predict(fit, t, x, y, obs_rows, x_new, affinity, n_draws, rng)
        mean[rows, t], sd[rows, t] = m, s
        if draws is not None and d is not None:
            draws[:, rows, t] = d
    return mean, sd, draws
