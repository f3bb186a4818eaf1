"""Metrics: thin wrappers over scikit-learn, seqeval, sacrebleu and bert-score, and a
model-graded rubric, registered by name.

* ``accuracy``, ``macro_f1`` (classification; scikit-learn);
* ``tag_f1`` (tagging): micro P/R/F1 over non-empty tags (not "O"), plus ``token_accuracy``;
* ``span_f1`` (tagging, BIO tags; seqeval), computed when a task names it as its metric;
* ``bleu``, ``chrf`` (generation; sacrebleu), corpus-level, in [0, 1];
* ``bleu4`` (generation; sacrebleu): mean smoothed sentence BLEU-4, the default main
  metric of generation tasks;
* ``bertscore_f1`` (generation; bert-score), ``judge`` (generation; a causal LM grading a
  rubric): model-based, computed when a task names them as its metric, configured by the
  task's ``metric_options`` (:class:`BertScoreOptions`, :class:`JudgeOptions`);
* ``table_gain``, ``table_loss`` (generation): a score read from a published table (the
  ``replay`` backend's tasks), higher and lower is better.

``evaluate(task, gold, pred, inputs=None)`` returns every metric of the task's kind,
including the main one named by ``task.metric`` (``inputs``: the example input texts, for
the metrics that read them); ``baseline(task)`` scores the majority predictor.
"""

from taskaffinity.metrics import _functions, _generation, _table  # noqa: F401  (built-ins)
from taskaffinity.metrics._baseline import baseline, majority_label
from taskaffinity.metrics._bertscore import BertScoreOptions
from taskaffinity.metrics._judge import DEFAULT_RUBRIC, JudgeOptions, parse_score
from taskaffinity.metrics._metric import (
    METRICS,
    Metric,
    check_metric,
    check_metric_options,
    evaluate,
    higher_is_better,
    register_metric,
)

__all__ = [
    "DEFAULT_RUBRIC",
    "METRICS",
    "BertScoreOptions",
    "JudgeOptions",
    "Metric",
    "baseline",
    "check_metric",
    "check_metric_options",
    "evaluate",
    "higher_is_better",
    "majority_label",
    "parse_score",
    "register_metric",
]
