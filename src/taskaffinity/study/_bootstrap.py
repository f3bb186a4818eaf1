"""A task's main score on bootstrap resamples of its test set (Efron & Tibshirani 1993).

A resample draws ``n`` of the ``n`` test examples with replacement; resample ``b`` is row
``b`` of an index array ``idx`` of shape ``(n_resamples, n)``. :func:`resampled_scores`
returns what ``taskaffinity.metrics.evaluate(task, gold[idx[b]], pred[idx[b]])[task.metric]``
returns for every ``b``, shape ``(n_resamples,)``. For the built-in ``accuracy``,
``macro_f1``, ``tag_f1``, ``span_f1``, ``bleu`` and ``chrf`` it does so without rebuilding
the lists: these metrics are functions of per-example counts (correct, per-class true /
predicted / true positive, tags or spans, sacrebleu's per-segment n-gram statistics), so
the counts are computed once per example and a resample's totals are ``weights @ counts``,
``weights[b, i]`` being how often example ``i`` is drawn in resample ``b``
(:func:`resample_weights`); sacrebleu's own paired bootstrap works the same way. A
metric that is a mean over examples (registered with ``per_example``: ``bleu4`` and the
model-based ``bertscore_f1`` and ``judge``) is computed once per example, and a resample's
score is the mean of its drawn examples' values, ``weights @ values / n``: the model runs
once, not once per resample. Every other metric (registered ones) is called once per
resample.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.metrics import METRICS

if TYPE_CHECKING:
    from taskaffinity.tasks import Task

__all__ = ["resample_weights", "resampled_scores"]

EMPTY_TAGS = ("O", "")  # not counted by tag_f1 (as in taskaffinity.metrics)


def resample_weights(idx: np.ndarray) -> np.ndarray:
    """``(n_resamples, n)`` int counts: ``[b, i]`` = how often example ``i`` is in row ``b``
    of ``idx`` (shape ``(n_resamples, n)``, values in ``[0, n)``)."""
    b, n = idx.shape
    flat = (idx + n * np.arange(b)[:, None]).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n)


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``, 0 where ``den`` is 0 (scikit-learn's ``zero_division=0``)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den != 0)


def _accuracy(gold: Sequence[Any], pred: Sequence[Any], w: np.ndarray) -> np.ndarray:
    correct = np.array([g == p for g, p in zip(gold, pred, strict=True)], dtype=float)
    return w @ correct / len(gold)


def _macro_f1(gold: Sequence[Any], pred: Sequence[Any], w: np.ndarray) -> np.ndarray:
    """Mean over the classes present in a resample's gold of ``2 tp / (true + predicted)``
    (scikit-learn's F1 with ``labels=sorted(set(gold))``, ``zero_division=0``)."""
    classes = sorted(set(gold))
    index = {c: k for k, c in enumerate(classes)}
    n, c = len(gold), len(classes)
    g = np.zeros((n, c))
    p = np.zeros((n, c))
    g[np.arange(n), [index[x] for x in gold]] = 1
    rows = [i for i, x in enumerate(pred) if x in index]
    p[rows, [index[pred[i]] for i in rows]] = 1
    true, predicted, tp = w @ g, w @ p, w @ (g * p)  # (n_resamples, n_classes)
    f1 = _divide(2 * tp, true + predicted)
    present = true > 0
    return (f1 * present).sum(axis=1) / np.maximum(present.sum(axis=1), 1)


def _tag_f1(gold: Sequence[Any], pred: Sequence[Any], w: np.ndarray) -> np.ndarray:
    """Micro F1 over non-empty tags: ``2 tp / (true + predicted)`` summed over positions."""
    counts = np.zeros((len(gold), 3))
    for i, (gs, ps) in enumerate(zip(gold, pred, strict=True)):
        if len(gs) != len(ps):
            raise ValueError(f"example {i}: {len(gs)} gold tags but {len(ps)} predicted")
        for a, b in zip(gs, ps, strict=True):
            counts[i, 0] += a not in EMPTY_TAGS and a == b
            counts[i, 1] += a not in EMPTY_TAGS
            counts[i, 2] += b not in EMPTY_TAGS
    tp, true, predicted = (w @ counts).T
    return _divide(2 * tp, true + predicted)


def _span_f1(gold: Sequence[Any], pred: Sequence[Any], w: np.ndarray) -> np.ndarray:
    """seqeval's micro span F1 (default mode): ``2 P R / (P + R)`` over spans counted per
    example."""
    from seqeval.metrics.sequence_labeling import get_entities

    counts = np.zeros((len(gold), 3))
    for i, (gs, ps) in enumerate(zip(gold, pred, strict=True)):
        true, found = set(get_entities(list(gs))), set(get_entities(list(ps)))
        counts[i] = len(true & found), len(true), len(found)
    tp, true, predicted = (w @ counts).T
    precision, recall = _divide(tp, predicted), _divide(tp, true)
    return _divide(2 * precision * recall, precision + recall)


def _sacrebleu(metric: Any, gold: Sequence[Any], pred: Sequence[Any], w: np.ndarray) -> np.ndarray:
    """A sacrebleu corpus metric (``score / 100``) from summed per-segment statistics."""
    stats = np.array(metric._extract_corpus_statistics(list(pred), [list(gold)]), dtype=np.int64)
    return np.array(
        [metric._compute_score_from_stats(row).score / 100.0 for row in (w @ stats).tolist()]
    )


def _bleu(gold: Sequence[Any], pred: Sequence[Any], w: np.ndarray) -> np.ndarray:
    """Corpus BLEU as ``taskaffinity.metrics`` computes it (``tokenize="zh"``)."""
    from sacrebleu.metrics import BLEU

    return _sacrebleu(BLEU(tokenize="zh"), gold, pred, w)


def _chrf(gold: Sequence[Any], pred: Sequence[Any], w: np.ndarray) -> np.ndarray:
    """Corpus chrF with sacrebleu's defaults, as ``taskaffinity.metrics`` computes it."""
    from sacrebleu.metrics import CHRF

    return _sacrebleu(CHRF(), gold, pred, w)


# metric name -> (module of the built-in metric function, its counted form)
_COUNTED: dict[
    str, tuple[str, Callable[[Sequence[Any], Sequence[Any], np.ndarray], np.ndarray]]
] = {
    "accuracy": ("taskaffinity.metrics._functions", _accuracy),
    "macro_f1": ("taskaffinity.metrics._functions", _macro_f1),
    "tag_f1": ("taskaffinity.metrics._functions", _tag_f1),
    "span_f1": ("taskaffinity.metrics._functions", _span_f1),
    "bleu": ("taskaffinity.metrics._generation", _bleu),
    "chrf": ("taskaffinity.metrics._generation", _chrf),
}


def resampled_scores(
    task: Task,
    gold: Sequence[Any],
    pred: Sequence[Any],
    idx: np.ndarray,
    inputs: Sequence[str] | None = None,
) -> np.ndarray:
    """Shape ``(n_resamples,)``: ``task``'s main metric on each resample ``idx[b]`` (``idx``
    of shape ``(n_resamples, n)``, indices into ``gold`` and ``pred``, both of length
    ``n``; tagging: one tag sequence per example). ``inputs``: the examples' input texts,
    for a metric that reads them (``judge``); the metric gets the task's
    ``metric_options``."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    if task.kind == "tagging":  # metrics take lists of tag lists
        gold, pred = [list(x) for x in gold], [list(x) for x in pred]
    metric = METRICS[task.metric]
    options = task.metric_options.get(task.metric)
    if metric.per_example:
        if len(gold) == 0:
            return np.zeros(len(idx))
        values = metric.example_scores(gold, pred, inputs=inputs, options=options)[task.metric]
        return resample_weights(idx) @ values / len(gold)
    fn = metric.fn
    module, counted = _COUNTED.get(task.metric, ("", None))
    builtin = fn.__module__ == module and fn.__name__ == task.metric  # not replaced
    if counted is not None and builtin and len(gold) > 0:
        return counted(gold, pred, resample_weights(idx))

    def on(row: list[int]) -> float:
        sub = None if inputs is None else [inputs[i] for i in row]
        picked = [gold[i] for i in row], [pred[i] for i in row]
        return metric.scores(*picked, inputs=sub, options=options)[task.metric]

    return np.array([on(row) for row in idx.tolist()], dtype=float)
