"""Draw the report figures from their data objects (:mod:`taskaffinity.report._figures_data`).

Each function returns ``(png_bytes, replaced)`` where ``replaced`` maps the short labels
used in place of undrawable task names (``T<k>``) to the names (empty when none).
"""

from __future__ import annotations

import numpy as np

from taskaffinity.report._figures_data import BarsData, HeatmapData, StabilityData
from taskaffinity.report.matplotlib._style import figure_png, label_fonts, pyplot

__all__ = ["draw_bars", "draw_heatmap", "draw_stability"]


def draw_heatmap(data: HeatmapData) -> tuple[bytes, dict[str, str]]:
    """Diverging heatmap (red = hurts, blue = helps) centred at 0 with ``TwoSlopeNorm``;
    each cell annotated; rows = targets, columns = auxiliary tasks; the grey diagonal
    shows the single-task score; cells whose sign is not settled (95% interval includes
    0) are hatched and faded."""
    plt = pyplot()
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.patches import Rectangle

    names = [*data.columns, *(r for r in data.rows if r not in data.columns)]
    labels, families, replaced = label_fonts(names)
    label_of = dict(zip(names, labels, strict=True))
    rows, cols = [label_of[r] for r in data.rows], [label_of[c] for c in data.columns]
    n_rows, n_cols = data.values.shape
    size = max(4.0, 0.75 * max(n_rows, n_cols) + 2.0)
    with plt.rc_context({"font.family": list(families)}):
        fig, ax = plt.subplots(figsize=(size + 1.2, size))
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-data.limit, vmax=data.limit)
        masked = np.ma.masked_invalid(data.values)
        cmap = plt.get_cmap("RdBu").with_extremes(bad="#eeeeee")
        im = ax.imshow(masked, cmap=cmap, norm=norm, aspect="equal")
        for i in range(n_rows):
            for j in range(n_cols):
                v = data.values[i, j]
                open_sign = data.unsettled is not None and bool(data.unsettled[i, j])
                if open_sign:
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white",
                                           alpha=0.55, hatch="///", edgecolor="#999999",
                                           linewidth=0))  # fmt: skip
                dark = np.isfinite(v) and abs(v) > 0.6 * data.limit and not open_sign
                ax.text(
                    j,
                    i,
                    data.text[i][j],
                    ha="center",
                    va="center",
                    fontsize=8 if max(n_rows, n_cols) > 8 else 9,
                    color="white" if dark else "black",
                    style="italic" if i == j else "normal",
                )
        ax.set_xticks(range(n_cols), cols, rotation=45, ha="right")
        ax.set_yticks(range(n_rows), rows)
        ax.set_xlabel("auxiliary (source) task")
        ax.set_ylabel("target task")
        title = data.title
        if data.unsettled is not None:
            title += "\nhatched: sign not settled (95% interval includes 0)"
        ax.set_title(title)
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="gain rate (%)")
        return figure_png(fig), replaced


def draw_bars(data: BarsData) -> tuple[bytes, dict[str, str]]:
    """Grouped bars, one group per task, one bar per series."""
    plt = pyplot()
    labels, families, replaced = label_fonts(data.tasks)
    n, k = len(labels), len(data.series)
    width = 0.8 / k
    colors = ("#bbbbbb", "#2166ac", "#f4a582", "#4dac26")
    with plt.rc_context({"font.family": list(families)}):
        fig, ax = plt.subplots(figsize=(max(5.0, 0.9 * n + 2), 3.8))
        x = np.arange(n)
        for s, (name, vals) in enumerate(zip(data.series, data.values, strict=True)):
            ax.bar(
                x + (s - (k - 1) / 2) * width,
                np.nan_to_num(vals),
                width,
                label=name,
                color=colors[s % len(colors)],
            )
        ax.set_xticks(x, labels, rotation=30, ha="right")
        ax.set_ylabel(data.ylabel)
        ax.set_title(data.title)
        ax.legend(frameon=False, ncols=k, loc="upper center", bbox_to_anchor=(0.5, -0.25))
        ax.grid(axis="y", alpha=0.3)
        return figure_png(fig), replaced


def draw_stability(data: StabilityData) -> tuple[bytes, dict[str, str]]:
    """Per task: a line from the worst to the best pair score, the single-task score as a
    black dot; below, the spread ``std`` around the single-task score."""
    plt = pyplot()
    labels, families, replaced = label_fonts(data.tasks)
    n = len(labels)
    x = np.arange(n)
    with plt.rc_context({"font.family": list(families)}):
        fig, (top, bottom) = plt.subplots(
            2,
            1,
            figsize=(max(5.0, 0.9 * n + 2), 5.2),
            sharex=True,
            gridspec_kw={"height_ratios": [3, 1.2]},
        )
        top.vlines(x, data.worst, data.best, color="#999999", linewidth=3, label="pair range")
        top.scatter(x, data.best, marker="^", color="#2166ac", zorder=3, label="best pair")
        top.scatter(x, data.worst, marker="v", color="#b2182b", zorder=3, label="worst pair")
        top.scatter(x, data.single, marker="o", color="black", zorder=4, label="single task")
        top.set_ylabel("test score" + ("" if data.higher_is_better else " (lower is better)"))
        top.set_title("Stability: single-task score and the range of pair scores")
        top.legend(
            frameon=False, fontsize=8, ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.08)
        )
        top.grid(axis="y", alpha=0.3)
        bottom.bar(x, np.nan_to_num(data.std), color="#777777", width=0.5)
        bottom.set_ylabel("std")
        bottom.set_xticks(x, labels, rotation=30, ha="right")
        bottom.grid(axis="y", alpha=0.3)
        return figure_png(fig), replaced
