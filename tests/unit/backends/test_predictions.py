"""Test predictions in RunResult: one per test example, from the checkpoint that gave the
reported score, predicted once (CheckpointSelection, the base of every trainer)."""

from __future__ import annotations

from typing import Any

from taskaffinity.backends import get_backend
from taskaffinity.backends.heads import HeadTrainer
from taskaffinity.backends.training import CheckpointSelection, TaskCheckpoint
from taskaffinity.metrics import evaluate
from taskaffinity.tasks import Example, Task
from taskaffinity.testing import TINY_SCRATCH

EXAMPLES = (Example(text="a", label="x"), Example(text="b", label="y"))


class Fixed(CheckpointSelection[TaskCheckpoint]):
    """Predicts from a table that changes with the loaded checkpoint; counts predict calls."""

    def __init__(self, task: Task) -> None:
        self.states = {task.name: TaskCheckpoint(task)}
        self.calls: list[str] = []
        self.weights = 0

    def predict(self, name: str, split: str) -> list[Any]:
        self.calls.append(split)
        return [["x", "y"], ["y", "y"], ["x", "x"]][self.weights]

    def snapshot(self, name: str) -> dict[str, Any]:
        return {"w": self.weights}

    def restore(self, name: str, snap: dict[str, Any]) -> None:
        self.weights = snap["w"]

    def set_training(self, mode: bool) -> None:
        pass


def test_final_metrics_keeps_the_best_checkpoints_test_predictions_predicting_once() -> None:
    task = Task("t", "classification", "basic", "accuracy", EXAMPLES, EXAMPLES, EXAMPLES)
    sel = Fixed(task)
    assert sel.test_predictions == {}
    sel.evaluate_dev(1)  # weights 0: dev accuracy 1.0, the best
    sel.weights = 1
    sel.evaluate_dev(2)  # dev accuracy 0.5: not kept
    sel.weights = 2
    sel.calls.clear()
    metrics = sel.final_metrics()
    assert sel.test_predictions == {"t": ("x", "y")} and metrics["t"]["accuracy"] == 1.0
    assert sel.calls.count("test") == 1


def test_scratch_run_reports_predictions_behind_its_scores(suite, monkeypatch) -> None:
    calls: list[str] = []
    predict = HeadTrainer.predict

    def counted(self: HeadTrainer, name: str, split: str) -> list[Any]:
        calls.append(split)
        return predict(self, name, split)

    monkeypatch.setattr(HeadTrainer, "predict", counted)
    backend = get_backend("scratch", dict(TINY_SCRATCH))
    result = backend.run(backend.spec(("first", "mark"), 0, suite), suite)
    assert set(result.predictions) == {"first", "mark"}
    assert calls.count("test") == 2  # once per task
    for name, pred in result.predictions.items():
        task = suite.task(name)
        assert isinstance(pred, tuple) and len(pred) == len(task.test)
        if task.kind == "tagging":
            assert all(isinstance(p, tuple) for p in pred)
            assert [len(p) for p in pred] == [len(ex.tags) for ex in task.test]
            gold: list[Any] = [list(ex.tags) for ex in task.test]
            pred_lists: list[Any] = [list(p) for p in pred]
        else:
            assert set(pred) <= set(task.labels)
            gold, pred_lists = [ex.label for ex in task.test], list(pred)
        assert evaluate(task, gold, pred_lists)[task.metric] == result.scores[name]
    assert "predictions" not in repr(result)
