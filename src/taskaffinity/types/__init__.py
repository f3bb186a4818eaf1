"""Frozen value objects passed between stages.

Direction convention, used everywhere: in every task-by-task matrix **row = target task**
(the task being scored) and **column = source / auxiliary task**. Scores are "higher is
better" unless the metric (or the imported table) declares otherwise.

``_run`` holds one training run (:class:`RunSpec`, :class:`RunResult`, :class:`Cost`),
``_groups`` the scores of trained groups and a chosen grouping (:class:`ScoreTable`,
:class:`Grouping`), ``_matrices`` the pairwise matrices (:class:`GainMatrix`,
:class:`AffinityMatrix`).
"""

from taskaffinity.types._groups import Grouping, ScoreTable
from taskaffinity.types._matrices import AffinityMatrix, GainMatrix
from taskaffinity.types._run import Cost, RunResult, RunSpec

__all__ = [
    "AffinityMatrix",
    "Cost",
    "GainMatrix",
    "Grouping",
    "RunResult",
    "RunSpec",
    "ScoreTable",
]
