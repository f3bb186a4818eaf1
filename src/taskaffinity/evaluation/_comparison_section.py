"""The estimator comparison of :func:`~taskaffinity.evaluation.compare_estimators` as a
report section: a table (one row per estimator, then the ceiling row: the truth's own
split-half Spearman, with each estimator's share of it), a sentence on the ceiling, and an
estimated-vs-measured scatter plot (data computed here from value objects; drawn with
matplotlib, lazily). The section is a :class:`~taskaffinity.report.ReportSection` passed
to the report as an extra section."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.analysis import gain_rate
from taskaffinity.evaluation._ceiling import Ceiling
from taskaffinity.evaluation._compare import TARGET
from taskaffinity.types import AffinityMatrix, GainMatrix

if TYPE_CHECKING:
    from taskaffinity.report import ReportSection

__all__ = [
    "ScatterData",
    "comparison_ceiling",
    "comparison_section",
    "comparison_table",
    "scatter_data",
]

COLUMNS = ("method", "spearman", "share_of_ceiling", "top1", "regret", "cost_fraction",
           "seconds_fraction", "kendall", "meets_target")  # fmt: skip


@dataclass(frozen=True)
class ScatterData:
    """Per method: off-diagonal (estimated affinity, measured gain rate %) points."""

    methods: tuple[str, ...]
    x: tuple[np.ndarray, ...]
    y: tuple[np.ndarray, ...]


def scatter_data(matrices: dict[str, AffinityMatrix], truth: GainMatrix) -> ScatterData:
    """Points ``(values[i, j], gain_rate[i, j])`` for every off-diagonal cell (row = target,
    column = source) measured and estimated, per method."""
    gains = gain_rate(truth.values, truth.higher_is_better)
    off = ~np.eye(len(truth.tasks), dtype=bool)
    xs, ys = [], []
    for aff in matrices.values():
        ok = off & np.isfinite(aff.values) & np.isfinite(gains)
        xs.append(aff.values[ok])
        ys.append(gains[ok])
    return ScatterData(tuple(matrices), tuple(xs), tuple(ys))


def comparison_ceiling(rows: list[dict[str, Any]]) -> Ceiling | None:
    """The :class:`Ceiling` the rows of
    :func:`~taskaffinity.evaluation.compare_estimators` carry (None when they carry none)."""
    return next((Ceiling.from_dict(r["ceiling"]) for r in rows if r.get("ceiling")), None)


def comparison_table(rows: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[tuple]]:
    """Columns and rows of the comparison table: one row per method (from the rows of
    :func:`~taskaffinity.evaluation.compare_estimators`), then, when the rows carry a
    ceiling, the ceiling row (its label, the truth's split-half Spearman, share 1.0 when
    it is positive; nothing else)."""
    body = [tuple(r.get(c) for c in COLUMNS) for r in rows]
    ceiling = comparison_ceiling(rows)
    if ceiling is not None:
        share = 1.0 if ceiling.usable else None
        body.append((ceiling.label, ceiling.spearman, share) + (None,) * (len(COLUMNS) - 3))
    return COLUMNS, body


def _draw(data: ScatterData) -> bytes:
    from taskaffinity.report.matplotlib import figure_png, pyplot

    plt = pyplot()
    n = max(1, len(data.methods))
    fig, axes = plt.subplots(1, n, figsize=(3.6 * n, 3.4), squeeze=False)
    for ax, m, x, y in zip(axes[0], data.methods, data.x, data.y, strict=True):
        ax.scatter(x, y, s=18, alpha=0.8)
        ax.axhline(0, color="grey", lw=0.6)
        ax.set_title(m)
        ax.set_xlabel("estimated affinity")
        ax.set_ylabel("measured gain rate (%)")
    fig.tight_layout()
    return figure_png(fig)


def comparison_section(
    rows: list[dict[str, Any]], matrices: dict[str, AffinityMatrix], truth: GainMatrix
) -> ReportSection:
    """A :class:`~taskaffinity.report.ReportSection` "Estimators vs measured transfer"."""
    from taskaffinity.report import ReportFigure, ReportSection, html_table

    cols, body = comparison_table(rows)
    ceiling = comparison_ceiling(rows)
    statement = ceiling.statement if ceiling is not None else (
        "Ceiling unknown: these rows do not carry the truth's split-half Spearman."
    )  # fmt: skip
    intro = (
        "<p>Each estimator predicts the pairwise transfer (row = target, column = source) "
        "without training the pairs; it is scored against the measured gain rates: Spearman "
        "rank correlation over the off-diagonal cells, top-1 = share of targets whose "
        "predicted best partner is the measured best, regret = measured value of the best "
        "partition minus that of the partition chosen from the estimate (gain rates in "
        "percentage points summed over tasks, on both sides), share_of_ceiling = Spearman "
        "/ the truth's own split-half Spearman (last row), cost_fraction = "
        "the estimator's training steps (probe work in step equivalents) / the "
        "singles+pairs grid's steps (same seed); seconds_fraction = the same in wall time. "
        f"Target: Spearman &ge; {TARGET['spearman']}, zero regret, cost &le; "
        f"{TARGET['cost_fraction']:.0%}. <code>pvi</code> is a similarity of PVI "
        "distributions (symmetric), not a directed transfer estimate.</p>"
    )
    fig = ReportFigure(
        "estimators_scatter",
        _draw(scatter_data(matrices, truth)),
        caption="Estimated affinity (x) vs measured gain rate in % (y), one point per "
        "ordered task pair.",
        alt="scatter plots of estimated affinity against measured gain rate, per estimator",
    )
    ceiling_html = f'<p class="ceiling">{html.escape(statement)}</p>'
    return ReportSection(
        "Estimators vs measured transfer", intro + html_table(cols, body) + ceiling_html, (fig,)
    )
