"""Metrics by name: every metric is a function of gold and predicted labels, registered in
:data:`METRICS` (a :class:`taskaffinity._registry.Registry` of :class:`Metric` values).

Metrics are thin wrappers over scikit-learn (accuracy, macro-F1, tag P/R/F1), seqeval
(span F1 over BIO tags), sacrebleu (BLEU, chrF) and bert-score, or a model-graded rubric.
Each registered metric declares the task kind it applies to, its direction, and whether it
is computed for every task of that kind or only when a task names it as its main metric
(``span_f1`` needs BIO tags, the model-based metrics load a model: they are opt-in).

A metric may also declare

* ``inputs=True``: ``fn`` takes ``inputs=``, the example input texts (one per example);
* ``options=Cls``: ``fn`` takes ``options=``, an instance of the frozen dataclass ``Cls``
  built from the task's ``metric_options[name]`` mapping (every field has a default);
* ``per_example=True``: ``fn`` returns one value per example for each output (sequences
  of length ``n``) and the metric is their mean, so a bootstrap over examples computes
  the values once (:meth:`Metric.example_scores`) and averages them over each resample.

Input shapes: classification ``gold``/``pred`` are lists of label strings (one per example);
tagging ``gold``/``pred`` are lists of tag sequences (one sequence per example, the same
length as the example's tokens); generation ``gold``/``pred`` are lists of texts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from taskaffinity._registry import Registry
from taskaffinity.errors import InputError, did_you_mean

__all__ = [
    "METRICS",
    "Metric",
    "check_metric",
    "check_metric_options",
    "evaluate",
    "higher_is_better",
    "register_metric",
]

MetricFn = Callable[..., Mapping[str, Any]]


@dataclass(frozen=True)
class Metric:
    """A registered metric: ``fn(gold, pred[, inputs=...][, options=...])`` returns
    ``{name: value, ...}`` (may add the sub-scores listed in ``outputs``, in the metric's
    direction except those in ``lower_is_better_outputs``); with ``per_example`` each
    value is a sequence of one value per example."""

    name: str
    kind: str
    fn: MetricFn
    higher_is_better: bool = True
    default: bool = True
    outputs: tuple[str, ...] = ()
    inputs: bool = False
    options: type | None = None
    per_example: bool = False
    lower_is_better_outputs: tuple[str, ...] = ()

    def parse_options(self, given: Mapping[str, Any] | None) -> Any:
        """The options object of this metric from a task's ``metric_options[name]``
        mapping (``None``: all defaults); ``None`` for a metric without options. Raises
        :class:`InputError` on field ``metric_options.<name>[.<key>]``."""
        where = f"metric_options.{self.name}"
        if self.options is None:
            if given:
                raise InputError(f"metric {self.name!r} takes no options", field=where)
            return None
        if given is None:
            given = {}
        if not isinstance(given, Mapping):
            raise InputError(
                f"must be a mapping of option names to values, got {given!r}", field=where
            )
        known = [f.name for f in dataclasses.fields(self.options)]
        for key in given:
            if key not in known:
                raise InputError(
                    f"metric {self.name!r} has no option {key!r}; its options are {known}",
                    field=f"{where}.{key}",
                )
        try:
            return self.options(**given)
        except InputError as err:
            field = f"{where}.{err.field}" if err.field else where
            raise InputError(err.message, field=field) from None

    def _call(
        self,
        gold: Sequence[Any],
        pred: Sequence[Any],
        inputs: Sequence[str] | None,
        options: Mapping[str, Any] | None,
    ) -> Mapping[str, Any]:
        kwargs: dict[str, Any] = {}
        if self.inputs:
            if inputs is None:
                raise ValueError(
                    f"metric {self.name!r} needs the example inputs: pass inputs= (one input "
                    "text per example)"
                )
            if len(inputs) != len(gold):
                raise ValueError(f"{len(inputs)} inputs but {len(gold)} gold labels")
            kwargs["inputs"] = list(inputs)
        if self.options is not None:
            kwargs["options"] = self.parse_options(options)
        elif options:
            self.parse_options(options)  # raises
        return self.fn(gold, pred, **kwargs)

    def example_scores(
        self,
        gold: Sequence[Any],
        pred: Sequence[Any],
        *,
        inputs: Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> dict[str, np.ndarray]:
        """Per-example values of a ``per_example`` metric: ``{output: array of shape
        (n,)}`` for ``name`` and every name in ``outputs``, example order of ``gold``."""
        if not self.per_example:
            raise ValueError(f"metric {self.name!r} is not a mean over examples")
        out = self._call(gold, pred, inputs, options)
        return {k: np.asarray(v, dtype=float).reshape(len(gold)) for k, v in out.items()}

    def scores(
        self,
        gold: Sequence[Any],
        pred: Sequence[Any],
        *,
        inputs: Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> dict[str, float]:
        """``{name: value, **sub-scores}`` on the whole lists (floats); a ``per_example``
        metric's values are the means of its per-example values (0.0 with no examples)."""
        if self.per_example:
            per = self.example_scores(gold, pred, inputs=inputs, options=options)
            return {k: float(v.mean()) if len(v) else 0.0 for k, v in per.items()}
        return {k: float(v) for k, v in self._call(gold, pred, inputs, options).items()}


METRICS: Registry[Metric] = Registry("metric", field="metric")


def register_metric(
    name: str,
    kind: str,
    *,
    higher_is_better: bool = True,
    default: bool = True,
    outputs: tuple[str, ...] = (),
    inputs: bool = False,
    options: type | None = None,
    per_example: bool = False,
    lower_is_better_outputs: tuple[str, ...] = (),
) -> Callable[[MetricFn], MetricFn]:
    """Decorator registering ``fn`` under ``name`` for tasks of ``kind``.

    ``outputs`` lists the extra keys ``fn`` returns besides ``name`` (same direction,
    except those also in ``lower_is_better_outputs``, e.g. a failure rate);
    ``inputs``, ``options`` and ``per_example`` as in the module docstring (``options``
    is a dataclass whose fields all have defaults). Registering a taken name replaces
    that metric.
    """
    if options is not None:
        missing = [
            f.name
            for f in dataclasses.fields(options)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ]
        if missing:
            raise TypeError(f"options of metric {name!r} need defaults: {missing}")

    def deco(fn: MetricFn) -> MetricFn:
        metric = Metric(
            name,
            kind,
            fn,
            higher_is_better,
            default,
            outputs,
            inputs,
            options,
            per_example,
            lower_is_better_outputs,
        )
        METRICS.add(name, metric, replace=True)
        return fn

    return deco


def higher_is_better(metric: str) -> bool:
    """Whether larger values of ``metric`` are better (every built-in metric and output
    but ``judge_failures`` and ``table_loss``).

    Accepts registered names, their extra outputs (``tag_precision``) and ``dev_`` names.
    """
    base = metric.removeprefix("dev_")
    for m in METRICS.in_registration_order():
        if base in m.lower_is_better_outputs:
            return False
        if base == m.name or base in m.outputs:
            return m.higher_is_better
    raise InputError(
        f"unknown metric {metric!r}{did_you_mean(metric, METRICS)}; known: {sorted(METRICS)}",
        field="metric",
    )


def check_metric(metric: Any, kind: str, task: str | None = None) -> None:
    """Raise :class:`InputError` (field ``metric``) unless ``metric`` names a registered
    main metric of tasks of ``kind`` (``task`` names the task in the message)."""
    who = f"task {task!r}: " if task else ""
    if not isinstance(metric, str) or metric not in METRICS:
        names = sorted(n for n, m in METRICS.items() if m.kind == kind)
        raise InputError(
            f"{who}unknown metric {metric!r}{did_you_mean(metric, names)}; {kind} tasks take "
            f"one of {names}",
            field="metric",
        )
    if METRICS[metric].kind != kind:
        names = sorted(n for n, m in METRICS.items() if m.kind == kind)
        raise InputError(
            f"{who}metric {metric!r} is for {METRICS[metric].kind} tasks, not {kind}; "
            f"{kind} tasks take one of {names}",
            field="metric",
        )


def _computed(kind: str, main: str) -> list[Metric]:
    """The metrics :func:`evaluate` computes for a task of ``kind`` whose main metric is
    ``main``, in registration order."""
    return [
        m
        for m in METRICS.in_registration_order()
        if m.kind == kind and (m.default or m.name == main)
    ]


def check_metric_options(
    options: Any, kind: str, metric: str, task: str | None = None
) -> dict[str, dict[str, Any]]:
    """``options`` (a task's ``metric_options``: metric name -> mapping of that metric's
    options) checked and copied as plain dicts. Raises :class:`InputError` on field
    ``metric_options[.<metric>[.<option>]]`` unless every name is a metric computed for a
    task of ``kind`` with main metric ``metric`` and its options are valid for it, and
    every computed metric that needs an option (the judge's ``model``) is given it."""
    who = f"task {task!r}: " if task else ""
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise InputError(
            f"{who}metric_options must map metric names to their options, got {options!r}",
            field="metric_options",
        )
    computed = {m.name for m in _computed(kind, metric)}
    out: dict[str, dict[str, Any]] = {}
    for name, given in options.items():
        field = f"metric_options.{name}"
        if not isinstance(name, str) or name not in METRICS:
            raise InputError(f"{who}unknown metric {name!r}; known: {sorted(METRICS)}", field=field)
        if name not in computed:
            raise InputError(
                f"{who}metric {name!r} is not computed for this task (computed: "
                f"{sorted(computed)}); name it as the task's metric to use its options",
                field=field,
            )
        if not isinstance(given, Mapping):
            raise InputError(
                f"{who}must be a mapping of option names to values, got {given!r}", field=field
            )
        try:
            METRICS[name].parse_options(given)
        except InputError as err:
            raise InputError(who + err.message, field=err.field) from None
        out[name] = dict(given)
    for m in _computed(kind, metric):  # options without defaults (the judge's model)
        if m.name not in out:
            try:
                m.parse_options(None)
            except InputError as err:
                raise InputError(who + err.message, field=err.field) from None
    return out


def evaluate(
    task: Any,
    gold: Sequence[Any],
    pred: Sequence[Any],
    inputs: Sequence[str] | None = None,
) -> dict[str, float]:
    """All metrics of ``task``'s kind on (gold, pred); always includes ``task.metric``.

    ``inputs`` are the examples' input texts (one per example), needed by the metrics that
    declare ``inputs`` (e.g. ``judge``; ValueError when they get none); each metric with
    options gets ``task.metric_options[name]`` (defaults when absent). Returns a flat
    ``{metric name: value}`` dict of floats.
    """
    check_metric(task.metric, task.kind, task.name)
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    options = getattr(task, "metric_options", None) or {}
    out: dict[str, float] = {}
    for m in _computed(task.kind, task.metric):
        out.update(m.scores(gold, pred, inputs=inputs, options=options.get(m.name)))
    return out
