"""taskaffinity: which tasks should be trained together?

Measure task transfer (train tasks alone, in pairs, in groups), analyse it, estimate it
cheaply, choose groupings, and report. Row = target task, column = source task everywhere.
"""

from taskaffinity.types import (
    AffinityMatrix,
    Cost,
    GainMatrix,
    Grouping,
    RunResult,
    RunSpec,
    ScoreTable,
)

__version__ = "0.1.0"

__all__ = [
    "AffinityMatrix",
    "Cost",
    "GainMatrix",
    "Grouping",
    "RunResult",
    "RunSpec",
    "ScoreTable",
    "__version__",
]
