"""Analysis of measured transfer: gain matrix and its statistics, and reading score and
category CSVs. Judging an estimate against the measured truth is in
:mod:`taskaffinity.evaluation`.

Row = target task, column = auxiliary (source) task everywhere. See
:mod:`taskaffinity.analysis._gain` for the exact, direction-aware gain-rate definition.
"""

from __future__ import annotations

from taskaffinity.analysis._analysis import AllTaskDelta, Analysis, SeedIntervals, analyze
from taskaffinity.analysis._csv import read_categories_csv, read_score_csv
from taskaffinity.analysis._gain import gain_matrix, gain_rate, score_table_from_matrix, t_interval
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

__all__ = [
    "AllTaskDelta",
    "Analysis",
    "Asymmetry",
    "CategorySynergy",
    "Partners",
    "SeedIntervals",
    "TaskStability",
    "analyze",
    "asymmetry",
    "category_synergy",
    "gain_matrix",
    "gain_rate",
    "partners",
    "read_categories_csv",
    "read_score_csv",
    "score_table_from_matrix",
    "stability",
    "t_interval",
]
