"""Analysis of measured transfer: gain matrix and its statistics; estimator evaluation.

Row = target task, column = auxiliary (source) task everywhere. See
:mod:`taskaffinity.analysis._gain` for the exact, direction-aware gain-rate definition.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from taskaffinity.analysis._analysis import AllTaskDelta, Analysis, SeedIntervals, analyze
from taskaffinity.analysis._gain import gain_matrix, gain_rate, t_interval
from taskaffinity.analysis._io import read_categories_csv, read_score_csv, score_table_from_matrix
from taskaffinity.analysis._stats import (
    Asymmetry,
    CategorySynergy,
    Partners,
    TaskStability,
    asymmetry,
    category_synergy,
    partners,
    stability,
)

_LAZY = {"evaluate_affinity", "evaluate_table"}


def __getattr__(name: str) -> Any:
    # Estimator-vs-truth evaluation lives in _evaluation.py (written separately).
    if name in _LAZY:
        from taskaffinity.analysis import _evaluation

        return getattr(_evaluation, name)
    raise AttributeError(f"module 'taskaffinity.analysis' has no attribute {name!r}")


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

if importlib.util.find_spec("taskaffinity.analysis._evaluation") is not None:
    __all__ += sorted(_LAZY)
