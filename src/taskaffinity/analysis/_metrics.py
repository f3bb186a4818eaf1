"""The measures behind :mod:`taskaffinity.analysis._evaluation`: Spearman and Kendall rank
correlations (``scipy.stats``) overall and per target, top-k agreement of best partners, and
the regret of the partition chosen on a prediction (with the HOA table of a pairwise matrix
it is computed on).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from taskaffinity.types import ScoreTable

__all__ = ["rank_agreement", "top_partners"]


def _corr(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from scipy import stats

    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan"), float("nan")
    return float(stats.spearmanr(x, y).statistic), float(stats.kendalltau(x, y).statistic)


def rank_agreement(pred: np.ndarray, truth: np.ndarray, targets: np.ndarray, names) -> dict:
    """Spearman/Kendall of paired 1-D arrays overall and grouped by ``targets`` (indices
    into ``names``): ``{"spearman", "kendall", "n", "per_target": {name: {...}}}``."""
    rho, tau = _corr(pred, truth)
    per = {}
    for i, name in enumerate(names):
        sel = targets == i
        r, k = _corr(pred[sel], truth[sel])
        per[name] = {"spearman": r, "kendall": k, "n": int(sel.sum())}
    return {"spearman": rho, "kendall": tau, "n": len(pred), "per_target": per}


def top_partners(pred: np.ndarray, truth: np.ndarray, k: int) -> dict[str, float]:
    """Top-k agreement of best partners from two ``(n, n)`` matrices (higher = better
    partner; NaN ignored; row = target): ``top1`` = share of targets whose predicted best
    partner is the true best, ``topk`` = mean ``|top-k pred & top-k true| / k``."""
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


def _regret(pred: ScoreTable, truth: ScoreTable) -> dict[str, Any]:
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


def _hoa_table(tasks, values: np.ndarray, higher: bool, max_size: int | None) -> ScoreTable:
    from taskaffinity.analysis import score_table_from_matrix
    from taskaffinity.tables import all_groups, hoa

    base = score_table_from_matrix(tuple(tasks), values, higher_is_better=higher)
    return hoa(base, groups=all_groups(tasks, max_size=max_size))
