"""The report's "Predicted combinations" section, for a study that measured only some
combinations (an active plan): the predicted gain matrix with intervals (measured cells
marked) and, for each budget, the networks chosen over measured and predicted combinations
with how settled the choice is (:class:`~taskaffinity.recommendation.PredictedRecommendation`)."""

from __future__ import annotations

import html

import numpy as np

from taskaffinity.recommendation import PredictedRecommendation, over_seeds
from taskaffinity.report._section import ReportSection
from taskaffinity.report._tables import html_table

__all__ = ["predicted_section"]


def _cell(mean: float, low: float, high: float) -> str:
    if not np.isfinite(mean):
        return "–"
    if not (np.isfinite(low) and np.isfinite(high)):
        return f"{mean:+.3g}"
    return f"{mean:+.3g} [{low:+.3g}, {high:+.3g}]"


def _matrix(rec: PredictedRecommendation) -> str:
    """Rows = target task, columns = source task: the target's gain in the pair network
    {target, source}; measured cells (class ``measured``, marked ●) show the measured mean
    and its 95% interval over seeds, the others the prediction and its interval."""
    pred, measured = rec.prediction, rec.measured
    tasks = pred.tasks
    row_of = {g: i for i, g in enumerate(pred.groups)}
    seeds = measured.seed_scores
    rows, texts, classes = [], [], []
    for i, target in enumerate(tasks):
        row: list[object] = [target]
        text, cls = [""], [""]
        for source in tasks:
            if source == target:
                row.append(None)
                text.append("alone")
                cls.append("")
                continue
            pair = tuple(sorted((target, source)))
            g = row_of.get(pair)
            if g is None:
                row.append(None)
                text.append("not a candidate")
                cls.append("")
                continue
            if pair in measured.groups and seeds is not None:
                per_seed = np.asarray(seeds, float)[:, measured.groups.index(pair), i]
                iv = over_seeds(per_seed)
                mean = iv.mean if iv.mean is not None else np.nan
                low = iv.low if iv.low is not None else np.nan
                high = iv.high if iv.high is not None else np.nan
                row.append(mean)
                text.append(_cell(mean, low, high) + " ●")
                cls.append("measured")
            else:
                row.append(float(pred.mean[g, i]))
                text.append(_cell(pred.mean[g, i], pred.lower[g, i], pred.upper[g, i]))
                cls.append("predicted")
        rows.append(tuple(row))
        texts.append(tuple(text))
        classes.append(tuple(cls))
    return html_table(("target \\ source", *tasks), rows, texts=texts, classes=classes)


def _budgets(rec: PredictedRecommendation) -> str:
    rows, texts = [], []
    for b in rec.budgets:
        if b.error:
            rows.append((f"{b.budget:g}", b.error, None, None, None))
            texts.append(("", "", "", "", ""))
            continue
        o = b.objective
        settled = "–" if b.settled is None else f"{b.settled:.0%}"
        regret = "–" if b.regret is None else f"{b.regret:.3g}"
        rows.append((f"{b.budget:g}", b.label(), o["mean"], b.settled, b.regret))
        texts.append(
            ("", "", _cell(o["mean"], o["low"] or np.nan, o["high"] or np.nan), settled, regret)
        )
    return html_table(
        (
            "budget",
            "networks (* predicted)",
            "objective: gain over alone [interval]",
            "optimal in draws",
            f"regret ({rec.prediction.level:.0%} quantile)",
        ),
        rows,
        texts=texts,
    )


def predicted_section(rec: PredictedRecommendation) -> ReportSection:
    """The section for ``rec`` (module docstring)."""
    pred = rec.prediction
    params = ", ".join(f"{k}={v!r}" for k, v in rec.params.items())
    intro = (
        f"The study measured {int(pred.measured.sum())} of the {len(pred.groups)} "
        f"combinations it could train; the <b>{html.escape(rec.method)}</b> predictor "
        f"({html.escape(params)}), fit on the measured gains on {rec.chosen_on} (each task's "
        "score in a combination minus its score alone, per seed), predicts the others with "
        f"{pred.level:.0%} intervals. Gains are in the scores' units, positive = better than "
        "training the task alone."
    )
    budgets = (
        "For each budget the networks are chosen exactly over measured and predicted "
        f"combinations (unmeasured ones valued by their {html.escape(rec.rule)}; * marks a "
        "network never trained: train it before relying on it). The objective is the sum "
        "over tasks of each task's gain in its network, with its range over the predictor's "
        "posterior draws; <i>optimal in draws</i> is the share of draws in which the choice "
        "is the best one (100%: settled within the intervals), <i>regret</i> how much a "
        "draw's best choice beats it."
    )
    matrix = (
        "Gain of the target (row) in the pair network with the source (column): ● marks a "
        "measured cell (its mean and 95% interval over seeds), the others are predicted."
    )
    body = (
        f'<p class="explain">{intro}</p><p class="explain">{budgets}</p>'
        f'<div class="tablewrap">{_budgets(rec)}</div>'
        f'<p class="explain">{matrix}</p><div class="tablewrap">{_matrix(rec)}</div>'
    )
    if rec.note:
        body = f'<p class="explain">{html.escape(rec.note)}</p>' + body
    return ReportSection("Predicted combinations", body, anchor="predicted")
