"""Metrics: thin wrappers over scikit-learn and seqeval, registered by name.

* ``accuracy``, ``macro_f1`` (classification; scikit-learn);
* ``tag_f1`` (tagging): micro P/R/F1 over non-empty tags (not "O"), plus ``token_accuracy``;
* ``span_f1`` (tagging, BIO tags; seqeval), computed when a task names it as its metric;
* ``bleu``, ``chrf`` (generation; sacrebleu), corpus-level, in [0, 1].

``evaluate(task, gold, pred)`` returns every metric of the task's kind, including the main
one named by ``task.metric``; ``baseline(task)`` scores the majority predictor.
"""

from taskaffinity.metrics import _functions, _generation  # noqa: F401  (register built-ins)
from taskaffinity.metrics._baseline import baseline, majority_label
from taskaffinity.metrics._metric import (
    METRICS,
    Metric,
    check_metric,
    evaluate,
    higher_is_better,
    register_metric,
)

__all__ = [
    "METRICS",
    "Metric",
    "baseline",
    "check_metric",
    "evaluate",
    "higher_is_better",
    "majority_label",
    "register_metric",
]
