"""The measures every evaluation is made of: Spearman and Kendall rank correlations
(``scipy.stats``) overall and per target task, top-k agreement of each target's best
partners, and the regret of the partition chosen on a prediction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from taskaffinity.types import ScoreTable

__all__ = ["partition_regret", "rank_agreement", "top_partners"]


def _corr(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from scipy import stats

    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan"), float("nan")
    return float(stats.spearmanr(x, y).statistic), float(stats.kendalltau(x, y).statistic)


def rank_agreement(
    pred: np.ndarray, truth: np.ndarray, targets: np.ndarray, names: Sequence[str]
) -> dict[str, Any]:
    """Spearman/Kendall of the paired 1-D arrays ``pred`` and ``truth`` (same length) overall
    and grouped by ``targets`` (indices into ``names``, the target task of each pair):
    ``{"spearman", "kendall", "n", "per_target": {name: {"spearman", "kendall", "n"}}}``
    (NaN below two values or with a constant side)."""
    rho, tau = _corr(pred, truth)
    per = {}
    for i, name in enumerate(names):
        sel = targets == i
        r, k = _corr(pred[sel], truth[sel])
        per[name] = {"spearman": r, "kendall": k, "n": int(sel.sum())}
    return {"spearman": rho, "kendall": tau, "n": len(pred), "per_target": per}


def top_partners(pred: np.ndarray, truth: np.ndarray, k: int) -> dict[str, float]:
    """Top-k agreement of best partners from two ``(n, n)`` matrices (row = target, column =
    source; higher = better partner; NaN and the diagonal ignored): ``top1`` = share of
    targets whose predicted best partner is the true best, ``topk`` = mean ``|top-k pred &
    top-k true| / k``."""
    hits1, hitsk = [], []
    for i in range(pred.shape[0]):
        ok = np.flatnonzero(~np.isnan(pred[i]) & ~np.isnan(truth[i]))
        ok = ok[ok != i]
        if len(ok) < 1:
            continue
        p = ok[np.argsort(-pred[i, ok], kind="stable")]
        t = ok[np.argsort(-truth[i, ok], kind="stable")]
        hits1.append(float(p[0] == t[0]))
        kk = min(k, len(ok))
        hitsk.append(len(set(p[:kk]) & set(t[:kk])) / kk)
    return {
        "top1": float(np.mean(hits1)) if hits1 else float("nan"),
        "topk": float(np.mean(hitsk)) if hitsk else float("nan"),
    }


def partition_regret(pred: ScoreTable, truth: ScoreTable) -> dict[str, Any]:
    """Regret of the partition chosen on ``pred``: the best partition of ``truth`` (exact
    search) minus the truth value of the best partition of ``pred``, in the truth's units
    summed over tasks, always ``>= 0`` (a loss table is negated first). Returns
    ``{"regret", "best_value", "chosen_value", "best_groups", "chosen_groups",
    "regret_exact"}`` (groups as ``"a+b"`` strings)."""
    from taskaffinity.grouping import evaluate_grouping, partition

    best = partition(truth)
    chosen = partition(pred)
    value = evaluate_grouping(truth, chosen.groups, chosen.costs)
    sign = 1.0 if truth.higher_is_better else -1.0
    return {
        "regret": sign * (best.predicted - value) + 0.0,
        "best_value": best.predicted,
        "chosen_value": value,
        "best_groups": ["+".join(g) for g in best.groups],
        "chosen_groups": ["+".join(g) for g in chosen.groups],
        "regret_exact": best.exact and chosen.exact,
    }
