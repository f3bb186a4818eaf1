"""Judging any estimate against the measured truth: rank agreement (Spearman, Kendall),
top-k best partners, the regret of the grouping chosen on the estimate, and cost.

* :func:`evaluate_affinity`: a pairwise :class:`~taskaffinity.types.AffinityMatrix`
  against a measured :class:`~taskaffinity.types.GainMatrix` (row = target task, column =
  source task); :func:`evaluate_table`: a predicted
  :class:`~taskaffinity.types.ScoreTable` against a measured one, cell by cell.
* :func:`surrogate_study` / :func:`summarize_study`: how well the surrogate model and HOA
  predict a complete table from a few measured groups.
* :func:`compare_estimators`: every registered estimator run on a study and scored against
  its measured gain matrix, with its cost as a fraction of the singles+pairs grid
  (``StudyData.grid_cost``), the bar :data:`TARGET`, and the truth's own reliability
  (:class:`Ceiling`: its split-half Spearman, and each estimator's share of it);
  :func:`comparison_section` puts the result in the HTML report.
* The measures themselves: :func:`rank_agreement`, :func:`top_partners`,
  :func:`partition_regret`.
"""

from taskaffinity.evaluation._agreement import partition_regret, rank_agreement, top_partners
from taskaffinity.evaluation._ceiling import Ceiling
from taskaffinity.evaluation._compare import TARGET, compare_estimators
from taskaffinity.evaluation._comparison_section import (
    ScatterData,
    comparison_ceiling,
    comparison_section,
    comparison_table,
    scatter_data,
)
from taskaffinity.evaluation._estimates import evaluate_affinity, evaluate_table
from taskaffinity.evaluation._surrogate_study import summarize_study, surrogate_study

__all__ = [
    "TARGET",
    "Ceiling",
    "ScatterData",
    "compare_estimators",
    "comparison_ceiling",
    "comparison_section",
    "comparison_table",
    "evaluate_affinity",
    "evaluate_table",
    "partition_regret",
    "rank_agreement",
    "scatter_data",
    "summarize_study",
    "surrogate_study",
    "top_partners",
]
