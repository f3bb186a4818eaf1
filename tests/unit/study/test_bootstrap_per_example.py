"""Bootstrap of metrics that are means over examples (bleu4, the model-based metrics): the
per-example values are computed once and averaged over each resample; metrics reading the
example inputs get the resampled inputs."""

from __future__ import annotations

import random

import numpy as np
import pytest

from taskaffinity.metrics import METRICS, evaluate, register_metric
from taskaffinity.study import resampled_scores
from taskaffinity.tasks import Example, Task


def _task(metric: str, n: int) -> Task:
    exs = tuple(Example(text=f"in{i}", label="x") for i in range(n))
    return Task("t", "generation", "basic", metric, exs, exs, exs)


def test_bleu4_resamples_equal_the_metric_on_each_resample() -> None:
    rng = random.Random(0)
    words = ["春", "风", "the", "cat", "明", "月"]
    gold = [" ".join(rng.choice(words) for _ in range(4)) for _ in range(10)]
    pred = [g if rng.random() < 0.4 else " ".join(rng.sample(words, 4)) for g in gold]
    task = _task("bleu4", len(gold))
    idx = np.random.default_rng(3).integers(0, len(gold), size=(30, len(gold)))
    got = resampled_scores(task, gold, pred, idx)
    want = [evaluate(task, [gold[i] for i in row], [pred[i] for i in row])["bleu4"] for row in idx]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    assert len(set(np.round(want, 12))) > 1


def test_a_per_example_metric_is_computed_once() -> None:
    calls: list[int] = []

    def length_ratio(gold, pred, *, inputs):
        calls.append(len(gold))
        return {"length_ratio": [len(p) / len(x) for p, x in zip(pred, inputs, strict=True)]}

    register_metric("length_ratio", "generation", default=False, inputs=True, per_example=True)(
        length_ratio
    )
    try:
        gold = ["a"] * 6
        pred = ["a" * k for k in range(1, 7)]
        inputs = ["xy"] * 3 + ["xyzw"] * 3
        task = _task("length_ratio", 6)
        idx = np.random.default_rng(1).integers(0, 6, size=(25, 6))
        got = resampled_scores(task, gold, pred, idx, inputs=inputs)
        values = np.array([k / len(x) for k, x in zip(range(1, 7), inputs, strict=True)])
        np.testing.assert_allclose(got, values[idx].mean(axis=1), rtol=0, atol=1e-12)
        assert calls == [6]  # once, on the whole test set
        with pytest.raises(ValueError, match="needs the example inputs"):
            resampled_scores(task, gold, pred, idx)
    finally:
        METRICS.pop("length_ratio")


def test_other_metrics_get_the_resampled_inputs() -> None:
    def input_hits(gold, pred, *, inputs):  # not a mean over examples: called per resample
        return {"input_hits": sum(x.endswith(p) for x, p in zip(inputs, pred, strict=True)) ** 0.5}

    register_metric("input_hits", "generation", default=False, inputs=True)(input_hits)
    try:
        inputs = [f"in{i}" for i in range(8)]
        pred = [str(i) if i % 3 else "no" for i in range(8)]
        task = _task("input_hits", 8)
        idx = np.random.default_rng(2).integers(0, 8, size=(15, 8))
        got = resampled_scores(task, ["x"] * 8, pred, idx, inputs=inputs)
        want = [
            input_hits(None, [pred[i] for i in row], inputs=[inputs[i] for i in row])["input_hits"]
            for row in idx
        ]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    finally:
        METRICS.pop("input_hits")
