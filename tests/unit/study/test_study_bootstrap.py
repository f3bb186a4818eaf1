"""Bootstrap over test examples: scores on resamples equal the task's metric on the
resampled lists, resamples are paired across groups, and StudyData lays them out like
its ScoreTable."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import numpy as np
import pytest

from taskaffinity.config import StudyConfig
from taskaffinity.metrics import METRICS, evaluate, register_metric
from taskaffinity.study import StudyData, resampled_scores
from taskaffinity.tasks import Example, Task, TaskSuite
from taskaffinity.testing import synthetic_suite
from taskaffinity.types import RunResult, ScoreTable


def labelled(kind: str, metric: str, gold: list[Any]) -> Task:
    if kind == "tagging":
        exs = tuple(Example(tokens=tuple("x" * len(g)), tags=tuple(g)) for g in gold)
    else:
        exs = tuple(Example(text="x", label=g) for g in gold)
    return Task("t", kind, "basic", metric, exs, exs, exs)  # type: ignore[arg-type]


def noisy(values: list[str], choices: list[str], rng: random.Random, p: float = 0.3) -> list[str]:
    return [rng.choice(choices) if rng.random() < p else v for v in values]


def case(metric: str, n: int = 12) -> tuple[Task, list[Any], list[Any]]:
    """A task of ``metric`` with ``n`` test examples, its gold and noisy predictions."""
    rng = random.Random(metric)
    if metric in ("accuracy", "macro_f1"):
        labels = ["a", "b", "c", "d"]
        gold = [rng.choice(labels) for _ in range(n)]
        pred = noisy(gold, [*labels, "never in gold"], rng)
        return labelled("classification", metric, gold), gold, pred
    if metric == "tag_f1":
        tags = ["O", "", "P", "Q"]
        gold = [[rng.choice(tags) for _ in range(rng.randint(0, 5))] for _ in range(n)]
        pred = [noisy(g, tags, rng) for g in gold]
        return labelled("tagging", metric, gold), gold, pred
    if metric == "span_f1":
        tags = ["O", "B-X", "I-X", "B-Y", "I-Y"]
        gold = [[rng.choice(tags) for _ in range(rng.randint(1, 6))] for _ in range(n)]
        pred = [noisy(g, tags, rng) for g in gold]
        return labelled("tagging", metric, gold), gold, pred
    words = ["the cat", "sat on", "a mat", "春 风", "fine"]
    gold = [" ".join(rng.choice(words) for _ in range(3)) for _ in range(n)]
    pred = noisy(gold, gold, rng, 0.5)
    return labelled("generation", metric, gold), gold, pred


@pytest.mark.parametrize("metric", ["accuracy", "macro_f1", "tag_f1", "span_f1", "bleu", "chrf"])
def test_resampled_scores_equal_the_metric_on_each_resample(metric) -> None:
    task, gold, pred = case(metric)
    idx = np.random.default_rng(1).integers(0, len(gold), size=(40, len(gold)))
    got = resampled_scores(task, gold, pred, idx)
    want = [
        evaluate(task, [gold[i] for i in row], [pred[i] for i in row])[task.metric] for row in idx
    ]
    assert got.shape == (40,)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    assert len(set(want)) > 1  # the case is not degenerate


def test_other_metrics_are_called_on_each_resample() -> None:
    def hits_on_a(gold, pred):  # a registered metric with no counted form
        return {"hits_on_a": sum(g == p == "a" for g, p in zip(gold, pred, strict=True)) / 7}

    register_metric("hits_on_a", "classification", default=False)(hits_on_a)
    try:
        _, gold, pred = case("accuracy")
        task = labelled("classification", "hits_on_a", gold)
        idx = np.random.default_rng(2).integers(0, len(gold), size=(20, len(gold)))
        want = [hits_on_a([gold[i] for i in row], [pred[i] for i in row]) for row in idx]
        assert list(resampled_scores(task, gold, pred, idx)) == [w["hits_on_a"] for w in want]
    finally:
        METRICS.pop("hits_on_a")


def mark_task() -> Task:
    """Tagging (tag_f1): ``P`` on every ``x``, else ``O``; 24 test examples."""
    rng = random.Random("mark")
    splits = []
    for n in (8, 8, 24):
        texts = ["".join(rng.choice("abx") for _ in range(rng.randint(3, 7))) for _ in range(n)]
        splits.append(
            tuple(
                Example(tokens=tuple(s), tags=tuple("P" if c == "x" else "O" for c in s))
                for s in texts
            )
        )
    return Task("mark", "tagging", "synthetic", "tag_f1", *splits)


SUITE = TaskSuite("mixed", (*synthetic_suite(("first", "count")).tasks, mark_task()))
GROUPS = [("first",), ("count",), ("mark",), ("count", "first"), ("first", "mark")]


def predictions(task: Task, salt: str) -> tuple[Any, ...]:
    rng = random.Random(f"{task.name}:{salt}")
    if task.kind == "tagging":
        return tuple(tuple(noisy(list(ex.tags), ["O", "P"], rng)) for ex in task.test)
    return tuple(noisy([ex.label for ex in task.test], list(task.labels), rng))


def run(group: tuple[str, ...], seed: int = 0, *, keep: bool = True) -> RunResult:
    """``first`` alone and with ``mark`` predicts the same; everything else differs."""
    salt = "same" if group in (("first",), ("first", "mark")) else "+".join(group)
    preds = {
        t: predictions(SUITE.task(t), salt if t == "first" else "+".join(group)) for t in group
    }
    scores = {t: 0.5 for t in group}
    key = "+".join(group) + f"/{seed}"
    return RunResult(key, group, seed, scores, predictions=preds if keep else {})


def study(results: list[RunResult], seeds: list[int] | None = None) -> StudyData:
    config = StudyConfig(suite="taskaffinity.testing:synthetic_suite", seeds=seeds or [0])
    data = StudyData(path=None, config=config, results=results)  # type: ignore[arg-type]
    data.suite = SUITE  # type: ignore[misc]
    return data


def test_bootstrap_scores_layout_pairing_and_values() -> None:
    data = study([run(g) for g in GROUPS])
    table = data.score_table()
    boot = data.bootstrap_scores(0, n_resamples=30)
    assert boot.shape == (30, len(table.groups), len(table.tasks)) == (30, 5, 3)
    assert table.groups == tuple(GROUPS) and table.tasks == ("first", "count", "mark")
    assert np.array_equal(np.isnan(boot), np.isnan(np.broadcast_to(table.scores, boot.shape)))
    first = table.tasks.index("first")
    alone, with_mark, with_count = (
        table.groups.index(g) for g in (GROUPS[0], GROUPS[4], GROUPS[3])
    )
    assert np.array_equal(boot[:, alone, first], boot[:, with_mark, first])  # paired
    assert not np.array_equal(boot[:, alone, first], boot[:, with_count, first])
    assert np.array_equal(boot, data.bootstrap_scores(0, n_resamples=30), equal_nan=True)
    other = data.bootstrap_scores(0, n_resamples=30, rng_seed=1)
    assert not np.array_equal(boot, other, equal_nan=True)

    rng = np.random.default_rng(0)  # indices: one (n_resamples, n_test) draw per task, in order
    sizes = {t: len(SUITE.task(t).test) for t in table.tasks}
    draws = {t: rng.integers(0, n, size=(30, n)) for t, n in sizes.items()}
    results = {tuple(r.tasks): r for r in data.complete}
    for g, group in enumerate(table.groups):
        for name in group:
            task = SUITE.task(name)
            gold = [list(ex.tags) if task.kind == "tagging" else ex.label for ex in task.test]
            pred = [
                list(p) if task.kind == "tagging" else p for p in results[group].predictions[name]
            ]
            for b in (0, 17):
                row = draws[name][b]
                want = evaluate(task, [gold[i] for i in row], [pred[i] for i in row])[task.metric]
                assert boot[b, g, table.tasks.index(name)] == pytest.approx(want, abs=1e-12)


def test_bootstrap_scores_of_one_seed_only() -> None:
    data = study([*(run(g) for g in GROUPS), run(("count",), seed=1)], seeds=[0, 1])
    boot = data.bootstrap_scores(1, n_resamples=5)
    count = data.score_table().groups.index(("count",))
    assert np.isnan(np.delete(boot, count, axis=1)).all()
    assert not np.isnan(boot[:, count, 1]).any()


def test_runs_without_predictions() -> None:
    data = study([*(run(g) for g in GROUPS[:-1]), run(GROUPS[-1], keep=False)])
    assert not data.has_predictions
    with pytest.raises(ValueError, match="no stored test predictions"):
        data.bootstrap_scores(0)
    with pytest.raises(ValueError, match="n_resamples"):
        data.bootstrap_scores(0, n_resamples=0)
    table = data.score_table()
    assert getattr(table, "bootstrap_scores", None) is None


def test_score_table_carries_the_bootstrap_of_a_single_seed_study() -> None:
    data = study([run(g) for g in GROUPS])
    assert data.has_predictions
    table = data.score_table()
    if "bootstrap_scores" in {f.name for f in dataclasses.fields(ScoreTable)}:
        assert np.array_equal(table.bootstrap_scores, data.bootstrap_scores(0), equal_nan=True)
    two_seeds = study([*(run(g) for g in GROUPS), run(("count",), seed=1)], seeds=[0, 1])
    assert getattr(two_seeds.score_table(), "bootstrap_scores", None) is None
