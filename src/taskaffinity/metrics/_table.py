"""Scores read from a published table (the ``replay`` backend): ``table_gain`` (higher is
better, e.g. MTG-Net's transfer gains) and ``table_loss`` (lower is better, e.g. the
losses of Standley et al. 2020). A replayed run is not predicted example by example: its
score is the table's value, which the backend stores as the task's main metric. As a
function of predictions the metric is the mean of the predicted numbers (one per example,
as text); with no examples it is NaN (a replayed task has no test split, so it has no
trivial baseline either)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from taskaffinity.metrics._metric import register_metric

__all__ = ["table_gain", "table_loss"]


def _mean(pred: Sequence[str]) -> float:
    values = [float(p) for p in pred]
    return math.fsum(values) / len(values) if values else math.nan


@register_metric("table_gain", "generation", default=False)
def table_gain(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """A gain from a table (higher is better): the mean of the predicted numbers."""
    return {"table_gain": _mean(pred)}


@register_metric("table_loss", "generation", higher_is_better=False, default=False)
def table_loss(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """A loss from a table (lower is better): the mean of the predicted numbers."""
    return {"table_loss": _mean(pred)}
