"""Analysis of measured transfer: gain matrix and its statistics, and reading category
CSVs (score tables are read by :mod:`taskaffinity.tables`). Judging an estimate against
the measured truth is in :mod:`taskaffinity.evaluation`.

Row = target task, column = auxiliary (source) task everywhere; the columns are the
targets, then any source-only tasks (:func:`targets_and_sources`). See
:mod:`taskaffinity.analysis._gain` for the exact, direction-aware gain-rate definition and
:mod:`taskaffinity.analysis._uncertainty` for the per-seed gain rates (paired by seed),
their intervals, settled signs and the split-half reliability.
"""

from __future__ import annotations

from taskaffinity.analysis._analysis import AllTaskDelta, Analysis, SeedIntervals, analyze
from taskaffinity.analysis._csv import read_categories_csv
from taskaffinity.analysis._gain import (
    gain_matrix,
    gain_rate,
    score_table_from_matrix,
    t_interval,
    targets_and_sources,
)
from taskaffinity.analysis._statistics import (
    Asymmetry,
    CategorySynergy,
    Partners,
    TaskStability,
    asymmetry,
    category_synergy,
    partners,
    stability,
)
from taskaffinity.analysis._uncertainty import (
    GainRates,
    Reliability,
    bootstrap_interval,
    gain_rates,
    min_resolvable,
    reliability,
    settled_signs,
    split_half,
)

__all__ = [
    "AllTaskDelta",
    "Analysis",
    "Asymmetry",
    "CategorySynergy",
    "GainRates",
    "Partners",
    "Reliability",
    "SeedIntervals",
    "TaskStability",
    "analyze",
    "asymmetry",
    "bootstrap_interval",
    "category_synergy",
    "gain_matrix",
    "gain_rate",
    "gain_rates",
    "min_resolvable",
    "partners",
    "read_categories_csv",
    "reliability",
    "score_table_from_matrix",
    "settled_signs",
    "split_half",
    "stability",
    "t_interval",
    "targets_and_sources",
]
