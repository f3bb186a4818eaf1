"""Best and worst partners and category synergy from the **settled** cells of an analysis
(those whose 95% interval excludes 0), each gain shown with its interval.

``analysis.partners`` and ``analysis.categories`` (and their CSVs) count every measured
cell; these tables are what the report shows, so an effect the data cannot tell from 0
never reads as a task's "best partner". Row = target task, column = source task.
"""

from __future__ import annotations

import numpy as np

from taskaffinity.analysis import Analysis
from taskaffinity.report._tables import Table

__all__ = ["has_intervals", "settled_categories_table", "settled_partners_table"]

RATE = "+.1f"


def has_intervals(a: Analysis) -> bool:
    """Whether ``a`` has intervals (over seeds or test examples) and settled signs."""
    return a.settled is not None and a.gain_rate_ci is not None and a.ci_kind is not None


def _num(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def settled_partners_table(a: Analysis) -> Table:
    """One row per target: its best settled helper (highest gain rate among the sources
    whose interval lies above 0) and worst settled hurter (lowest among those below 0), each
    with its gain rate and 95% interval, and how many measured partners are not settled.
    Requires :func:`has_intervals`."""
    assert a.settled is not None and a.gain_rate_ci is not None
    rows, texts = [], []
    for i, task in enumerate(a.tasks):
        cells = [j for j in range(len(a.sources)) if j != i and np.isfinite(a.gain_rate[i, j])]
        helps = [j for j in cells if a.settled[i, j] == 1]
        hurts = [j for j in cells if a.settled[i, j] == -1]
        row: list = [task]
        text = [""]
        for group, pick, none in (
            (helps, max, "no settled helper"),
            (hurts, min, "no settled harm"),
        ):
            if group:
                j = pick(group, key=lambda k: a.gain_rate[i, k])
                low, high = a.gain_rate_ci[i, j]
                row += [a.sources[j], _num(a.gain_rate[i, j]), _num(low), _num(high)]
                text += ["", "", "", ""]
            else:
                row += [None, None, None, None]
                text += [none, "", "", ""]
        row.append(len(cells) - len(helps) - len(hurts))
        text.append("")
        rows.append(tuple(row))
        texts.append(tuple(text))
    return Table(
        "settled_partners",
        "Best and worst settled partners",
        (
            "task",
            "best",
            "best_gain",
            "best_low",
            "best_high",
            "worst",
            "worst_gain",
            "worst_low",
            "worst_high",
            "unsettled",
        ),
        tuple(rows),
        signed=("best_gain", "worst_gain"),
        formats={
            c: RATE
            for c in ("best_gain", "best_low", "best_high", "worst_gain", "worst_low", "worst_high")
        },
        texts=tuple(texts),
    )


def settled_categories_table(a: Analysis) -> Table:
    """Per (target category, source category): measured pair results, how many help and
    hurt with a settled sign, how many are unsettled, and the mean gain rate of the settled
    ones. Requires :func:`has_intervals` and ``a.task_categories``."""
    assert a.settled is not None and a.task_categories is not None
    cats = a.task_categories
    order = list(dict.fromkeys(cats[t] for t in (*a.tasks, *a.sources)))
    counts: dict[tuple[str, str], list] = {(x, y): [0, 0, 0, []] for x in order for y in order}
    for i, ti in enumerate(a.tasks):
        for j, tj in enumerate(a.sources):
            if i == j or not np.isfinite(a.gain_rate[i, j]):
                continue
            c = counts[cats[ti], cats[tj]]
            c[0] += 1
            sign = a.settled[i, j]
            if sign == 1:
                c[1] += 1
            elif sign == -1:
                c[2] += 1
            if sign in (1, -1):
                c[3].append(float(a.gain_rate[i, j]))
    rows = tuple(
        (x, y, n, h, k, n - h - k, float(np.mean(g)) if g else None)
        for (x, y), (n, h, k, g) in counts.items()
    )
    return Table(
        "settled_categories",
        "Category synergy (settled cells)",
        (
            "target_category",
            "source_category",
            "results",
            "settled_helps",
            "settled_hurts",
            "unsettled",
            "settled_mean_gain",
        ),
        rows,
        signed=("settled_mean_gain",),
        formats={"settled_mean_gain": RATE},
    )
