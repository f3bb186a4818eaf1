"""Sampling study: how well do the surrogate (Li, Nguyen & Zhang 2023) and HOA (Standley
et al. 2020) predict a complete table from a few measured groups?

For each sample size ``m`` and repeat, the surrogate measures every single-task group plus
``m - n`` random multi-task groups, and predicts the rest; HOA measures every single and
every pair (``n + n(n-1)/2`` groups) and predicts groups of 3+ tasks. Each prediction is
completed with the measured scores and judged on the truth:

* ``spearman``/``kendall``: rank correlation of predicted vs true scores over the
  **unmeasured** cells (group, task);
* ``regret_partition``: true value of the best partition minus the true value of the
  partition chosen on the prediction (>= 0);
* ``regret_select_B``: the same for network selection under budget ``B``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from taskaffinity.evaluation._estimates import evaluate_table
from taskaffinity.tables import Surrogate, hoa, sample_groups, take_rows
from taskaffinity.types import ScoreTable

__all__ = ["summarize_study", "surrogate_study"]


def _judge(
    pred: ScoreTable,
    truth: ScoreTable,
    measured: set[tuple[str, ...]],
    budgets: Sequence[float],
) -> dict[str, Any]:
    from taskaffinity.grouping import evaluate_grouping, select_networks

    res = evaluate_table(pred, truth, exclude=measured)
    sign = 1.0 if truth.higher_is_better else -1.0
    out = {
        "spearman": res["spearman"],
        "kendall": res["kendall"],
        "cells": res["n"],
        "regret_partition": res["regret"],
    }
    for b in budgets:
        best = select_networks(truth, b)
        chosen = select_networks(pred, b)
        value = evaluate_grouping(truth, chosen.groups, chosen.costs)
        out[f"regret_select_{b:g}"] = sign * (best.predicted - value) + 0.0
    return out


def surrogate_study(
    truth: ScoreTable,
    sample_sizes: Sequence[int],
    *,
    repeats: int = 5,
    seed: int = 0,
    alpha: float = 0.1,
    interactions: bool = False,
    budgets: Sequence[float] = (2, 3),
) -> list[dict[str, Any]]:
    """Run the study on a complete ``truth`` table (every group measured once, cost 1).

    Returns one record per (method, sample size, repeat): ``method`` (``surrogate`` or
    ``hoa``), ``measured`` (groups measured), ``repeat``, ``seed`` and the metrics of the
    module docstring. Repeat ``r`` of size ``m`` samples with seed ``seed + 1000 m + r``.
    """
    model = Surrogate(alpha=alpha, interactions=interactions)
    records: list[dict[str, Any]] = []
    for m in sample_sizes:
        for r in range(repeats):
            s = seed + 1000 * m + r
            rows = sample_groups(truth, m, seed=s)
            measured = {truth.groups[g] for g in rows}
            pred = model.predict(take_rows(truth, rows), truth.groups)
            rec = {"method": "surrogate", "measured": len(rows), "repeat": r, "seed": s}
            records.append(rec | _judge(pred, truth, measured, budgets))
    small = [g for g, grp in enumerate(truth.groups) if len(grp) <= 2]
    measured = {truth.groups[g] for g in small}
    pred = hoa(truth)
    rec = {"method": "hoa", "measured": len(small), "repeat": 0, "seed": None}
    records.append(rec | _judge(pred, truth, measured, budgets))
    return records


def summarize_study(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean and standard deviation over repeats for each (method, measured)."""
    keys = sorted({(r["method"], r["measured"]) for r in records}, key=lambda k: (k[1], k[0]))
    metrics = [k for k in records[0] if k not in ("method", "measured", "repeat", "seed")]
    out = []
    for method, m in keys:
        sel = [r for r in records if r["method"] == method and r["measured"] == m]
        row: dict[str, Any] = {"method": method, "measured": m, "repeats": len(sel)}
        for k in metrics:
            vals = np.array([r[k] for r in sel], dtype=float)
            row[k] = float(np.nanmean(vals)) if np.any(~np.isnan(vals)) else float("nan")
            row[k + "_sd"] = float(np.nanstd(vals)) if len(vals) > 1 else 0.0
        out.append(row)
    return out
