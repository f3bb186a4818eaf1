"""Statistics of a gain matrix: per-task stability, partners, category synergy, asymmetry.

All inputs use row = target task, column = auxiliary (source) task. ``rate`` is the gain
rate of :func:`taskaffinity.analysis.gain_rate` (percent, positive = the auxiliary helped).

The statistics live in :mod:`taskaffinity.analysis._task_stats` (per target: stability,
partners) and :mod:`taskaffinity.analysis._pair_stats` (category synergy, asymmetry).
"""

from __future__ import annotations

from taskaffinity.analysis._pair_stats import (
    Asymmetry,
    CategorySynergy,
    asymmetry,
    category_synergy,
)
from taskaffinity.analysis._task_stats import Partners, TaskStability, partners, stability

__all__ = [
    "Asymmetry",
    "CategorySynergy",
    "Partners",
    "TaskStability",
    "asymmetry",
    "category_synergy",
    "partners",
    "stability",
]
