"""taskaffinity: which tasks should be trained together?

Measure task transfer (train tasks alone, in pairs, in groups), analyse it, estimate it
cheaply, choose groupings, and report. Row = target task, column = source task everywhere.

The top level holds the value objects passed between stages, the one :class:`Registry`
behind every plug-in kind (backends, estimators, searches, metrics, suites) and the field
helper for config dataclasses (:func:`option`, :func:`check_fields`).
"""

from taskaffinity._fields import Constraint, check_fields, help_texts, option
from taskaffinity._registry import Registry
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
    "Constraint",
    "Cost",
    "GainMatrix",
    "Grouping",
    "Registry",
    "RunResult",
    "RunSpec",
    "ScoreTable",
    "__version__",
    "check_fields",
    "help_texts",
    "option",
]
