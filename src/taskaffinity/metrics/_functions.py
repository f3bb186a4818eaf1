"""Built-in metric functions (scikit-learn, seqeval)."""

from __future__ import annotations

from collections.abc import Sequence

from taskaffinity.metrics._metric import register_metric

EMPTY_TAGS = ("O", "")  # tags meaning "nothing here" (no punctuation mark, outside a span)


def _flat(seqs: Sequence[Sequence[str]]) -> list[str]:
    return [t for s in seqs for t in s]


def _check_lengths(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> None:
    for i, (g, p) in enumerate(zip(gold, pred, strict=True)):
        if len(g) != len(p):
            raise ValueError(f"example {i}: {len(g)} gold tags but {len(p)} predicted")


@register_metric("accuracy", "classification")
def accuracy(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score

    return {"accuracy": float(accuracy_score(gold, pred)) if gold else 0.0}


@register_metric("macro_f1", "classification")
def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Macro-F1 over the labels present in gold (labels only predicted count as errors)."""
    from sklearn.metrics import f1_score

    if not gold:
        return {"macro_f1": 0.0}
    labels = sorted(set(gold))
    return {
        "macro_f1": float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0))
    }


@register_metric("tag_f1", "tagging", outputs=("tag_precision", "tag_recall", "token_accuracy"))
def tag_f1(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, float]:
    """Micro precision/recall/F1 over non-empty tags (every tag except "O" and "").

    For punctuation restoration the non-empty tags are the punctuation marks: a position
    counts as correct only if the right mark is predicted there. Also token accuracy.
    """
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    _check_lengths(gold, pred)
    g, p = _flat(gold), _flat(pred)
    labels = sorted((set(g) | set(p)) - set(EMPTY_TAGS))
    if not g:
        return {"tag_f1": 0.0, "tag_precision": 0.0, "tag_recall": 0.0, "token_accuracy": 0.0}
    if labels:
        pr, rc, f1, _ = precision_recall_fscore_support(
            g, p, labels=labels, average="micro", zero_division=0
        )
    else:
        pr = rc = f1 = 0.0
    return {
        "tag_f1": float(f1),
        "tag_precision": float(pr),
        "tag_recall": float(rc),
        "token_accuracy": float(accuracy_score(g, p)),
    }


@register_metric("span_f1", "tagging", default=False, outputs=("span_precision", "span_recall"))
def span_f1(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, float]:
    """Exact-match span F1 over BIO-tagged spans (seqeval, CoNLL evaluation)."""
    from seqeval.metrics import f1_score, precision_score, recall_score

    _check_lengths(gold, pred)
    g = [list(s) for s in gold]
    p = [list(s) for s in pred]
    return {
        "span_f1": float(f1_score(g, p, zero_division=0)),
        "span_precision": float(precision_score(g, p, zero_division=0)),
        "span_recall": float(recall_score(g, p, zero_division=0)),
    }
