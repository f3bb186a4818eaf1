"""Reduced-cost fixing for the selection tie-break (see :mod:`taskaffinity.grouping._select_milp`).

For the LP relaxation ``max gain @ z  s.t.  lb <= a @ z <= ub,  0 <= z <= 1`` any
multipliers ``y <= 0`` of the rows written as ``A z <= b`` give, for every feasible ``z``,
``-gain @ z = y @ (A z) + d @ z >= y @ b + d @ z`` with ``d = -gain - A^T y``. Minimising
``d @ z`` over the box with ``z_g = 1`` bounds the gain of every selection containing
network ``g``. The multipliers come from HiGHS (``scipy.optimize.linprog``), but the bound is
recomputed here from them, so it holds whatever their accuracy (only the rounding of this
computation remains, covered by a margin): a network is dropped only when it provably cannot
be in a selection whose gain is at least ``floor``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["tie_possible"]


def tie_possible(a, lb: np.ndarray, ub: np.ndarray, gain: np.ndarray, n_x: int, floor: float):
    """Mask over the first ``n_x`` variables (networks): ``False`` where no LP-feasible
    ``z`` with ``z_g = 1`` reaches ``gain @ z >= floor``. ``a``: (constraints, variables)
    sparse matrix, ``lb``/``ub``: (constraints,), ``gain``: (variables,). Returns ``None``
    when the LP solve fails (then nothing can be dropped)."""
    from scipy.optimize import linprog
    from scipy.sparse import vstack

    fu, fl = np.isfinite(ub), np.isfinite(lb)
    big_a = vstack([a[fu], -a[fl]]).tocsr()
    b = np.concatenate([ub[fu], -lb[fl]])
    res = linprog(-gain, A_ub=big_a, b_ub=b, bounds=(0, 1), method="highs")
    if res.status != 0 or res.ineqlin is None:
        return None
    y = np.minimum(np.asarray(res.ineqlin.marginals, dtype=float), 0.0)
    d = -gain - big_a.T @ y
    base = float(y @ b) + float(np.minimum(d, 0.0).sum())
    margin = 1e-9 * (1.0 + float(np.abs(y * b).sum()) + float(np.abs(d).sum()))
    lowest = base + np.maximum(d[:n_x], 0.0)  # lower bound of -gain @ z given z_g = 1
    return -lowest >= floor - margin
