"""Majority baselines scored with the task's own main metric."""

from __future__ import annotations

from collections import Counter
from typing import Any

from taskaffinity.metrics._metric import evaluate

__all__ = ["baseline", "majority_label"]


def majority_label(task: Any) -> str:
    """Most frequent train label (classification) or tag (tagging); ties -> smallest."""
    if task.kind == "tagging":
        counts = Counter(t for ex in task.train for t in ex.tags)
    else:
        counts = Counter(ex.label for ex in task.train)
    if not counts:
        return ""
    best = max(counts.values())
    return min(label for label, c in counts.items() if c == best)


def baseline(task: Any, split: str = "test") -> float:
    """Main-metric score on ``split`` of predicting the train majority label everywhere.

    Classification: the majority class. Tagging: the most frequent tag at every position.
    When that tag is the empty tag "O" (punctuation restoration, BIO tagging) the
    baseline's tag_f1 / span_f1 is 0.0: it never predicts a non-empty tag. That is the
    honest score of the majority predictor, so it is reported as is.
    """
    label = majority_label(task)
    examples = task.split(split)
    if task.kind == "tagging":
        gold = [list(ex.tags) for ex in examples]
        pred = [[label] * len(ex.tags) for ex in examples]
    else:
        gold = [ex.label for ex in examples]
        pred = [label] * len(examples)
    return evaluate(task, gold, pred, inputs=[ex.text for ex in examples])[task.metric]
