"""Metrics by name: every metric is a function of gold and predicted labels, registered in
:data:`METRICS` (a :class:`taskaffinity._registry.Registry` of :class:`Metric` values).

Metrics are thin wrappers over scikit-learn (accuracy, macro-F1, tag P/R/F1) and seqeval
(span F1 over BIO tags). Each registered metric declares the task kind it applies to, its
direction, and whether it is computed for every task of that kind or only when a task
names it as its main metric (``span_f1`` needs BIO tags, so it is opt-in).

Input shapes: classification ``gold``/``pred`` are lists of label strings (one per example);
tagging ``gold``/``pred`` are lists of tag sequences (one sequence per example, the same
length as the example's tokens).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from taskaffinity._registry import Registry
from taskaffinity.errors import InputError

__all__ = ["METRICS", "Metric", "check_metric", "evaluate", "higher_is_better", "register_metric"]

MetricFn = Callable[[Sequence[Any], Sequence[Any]], dict[str, float]]


@dataclass(frozen=True)
class Metric:
    """A registered metric: ``fn(gold, pred) -> {name: value, ...}`` (may add sub-scores)."""

    name: str
    kind: str
    fn: MetricFn
    higher_is_better: bool = True
    default: bool = True
    outputs: tuple[str, ...] = ()


METRICS: Registry[Metric] = Registry("metric", field="metric")


def register_metric(
    name: str,
    kind: str,
    *,
    higher_is_better: bool = True,
    default: bool = True,
    outputs: tuple[str, ...] = (),
) -> Callable[[MetricFn], MetricFn]:
    """Decorator registering ``fn`` under ``name`` for tasks of ``kind``.

    ``outputs`` lists the extra keys ``fn`` returns besides ``name`` (same direction).
    Registering a taken name replaces that metric.
    """

    def deco(fn: MetricFn) -> MetricFn:
        METRICS.add(name, Metric(name, kind, fn, higher_is_better, default, outputs), replace=True)
        return fn

    return deco


def higher_is_better(metric: str) -> bool:
    """Whether larger values of ``metric`` are better (all built-in metrics: True).

    Accepts registered names, their extra outputs (``tag_precision``) and ``dev_`` names.
    """
    base = metric.removeprefix("dev_")
    for m in METRICS.in_registration_order():
        if base == m.name or base in m.outputs:
            return m.higher_is_better
    raise InputError(f"unknown metric {metric!r}; known: {sorted(METRICS)}", field="metric")


def check_metric(metric: Any, kind: str, task: str | None = None) -> None:
    """Raise :class:`InputError` (field ``metric``) unless ``metric`` names a registered
    main metric of tasks of ``kind`` (``task`` names the task in the message)."""
    who = f"task {task!r}: " if task else ""
    if not isinstance(metric, str) or metric not in METRICS:
        names = sorted(n for n, m in METRICS.items() if m.kind == kind)
        raise InputError(
            f"{who}unknown metric {metric!r}; {kind} tasks take one of {names}", field="metric"
        )
    if METRICS[metric].kind != kind:
        names = sorted(n for n, m in METRICS.items() if m.kind == kind)
        raise InputError(
            f"{who}metric {metric!r} is for {METRICS[metric].kind} tasks, not {kind}; "
            f"{kind} tasks take one of {names}",
            field="metric",
        )


def evaluate(task: Any, gold: Sequence[Any], pred: Sequence[Any]) -> dict[str, float]:
    """All metrics of ``task``'s kind on (gold, pred); always includes ``task.metric``.

    Returns a flat ``{metric name: value}`` dict; values are floats in [0, 1].
    """
    check_metric(task.metric, task.kind, task.name)
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    out: dict[str, float] = {}
    for m in METRICS.in_registration_order():
        if m.kind == task.kind and (m.default or m.name == task.metric):
            out.update(m.fn(gold, pred))
    return out
