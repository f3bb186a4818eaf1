"""The lora backend on a tiny randomly initialised Llama written to a temporary folder (no
download, seconds): tagging by generation end to end, runs sharing one cached base without
copies, KV-cached generation, bf16 and gradient checkpointing switches, saved adapters."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from _tiny_lm import write_tiny_causal_lm

from taskaffinity.backends import LoraConfig, get_backend
from taskaffinity.errors import InputError
from taskaffinity.metrics import evaluate
from taskaffinity.tasks import Example, Task, TaskSuite
from taskaffinity.testing import check_backend

pytest.importorskip("peft")

SPLITS = {"train": 8, "dev": 4, "test": 4}


def _strings(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice("abcdefgh") for _ in range(rng.randint(3, 6))) for _ in range(n)]


def _punct(text: str) -> tuple[str, ...]:
    return tuple(
        "，" if c == "h" else ("。" if i == len(text) - 1 else "O") for i, c in enumerate(text)
    )


def _tones(text: str) -> tuple[str, ...]:
    return tuple("O" if c == "，" else ("平" if c in "abcd" else "仄") for c in text)


def make_suite(seed: int = 0) -> TaskSuite:
    """``punct`` (tagging, marks after characters: insert), ``tone`` (tagging, one tag per
    character, O on commas: tags), ``size`` (classification), ``upper`` (generation)."""
    rng = random.Random(seed)
    parts: dict[str, list[tuple[Example, ...]]] = {
        n: [] for n in ("punct", "tone", "size", "upper")
    }
    for n in SPLITS.values():
        texts = _strings(rng, n)
        parts["punct"].append(tuple(Example(tokens=tuple(t), tags=_punct(t)) for t in texts))
        poems = [t[:2] + "，" + t[2:] for t in texts]
        parts["tone"].append(tuple(Example(tokens=tuple(t), tags=_tones(t)) for t in poems))
        parts["size"].append(
            tuple(Example(text=t, label="long" if len(t) > 4 else "short") for t in texts)
        )
        parts["upper"].append(tuple(Example(text=t, label=t.upper()) for t in texts))
    kinds = {"punct": "tagging", "tone": "tagging", "size": "classification"}
    metrics = {"tagging": "tag_f1", "classification": "accuracy", "generation": "bleu"}
    tasks = []
    for name, splits in parts.items():
        kind = kinds.get(name, "generation")
        tasks.append(Task(name, kind, "toy", metrics[kind], *splits))  # type: ignore[arg-type]
    return TaskSuite("tiny", tuple(tasks))


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread, as ``Backend.run`` sets with ``threads: 1`` (tests that drive the
    trainer directly would otherwise oversubscribe a shared CPU)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_tiny_causal_lm(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="module")
def suite() -> TaskSuite:
    return make_suite()


def _options(model: str, **kw: object) -> dict[str, object]:
    base = {"model": model, "batch_size": 4, "max_len": 64, "max_new_tokens": 16,
            "eval_batch_size": 3, "threads": 1, "max_steps": 3, "lr": 1e-2}  # fmt: skip
    return {**base, **kw}


def test_tagging_tasks_run_by_generation_end_to_end(model, suite) -> None:
    backend = get_backend("lora", _options(model))
    result = check_backend(backend, suite, ["punct", "tone"])
    assert result.ok
    for name in ("punct", "tone"):
        metrics, task = result.metrics[name], suite.task(name)
        keys = {"tag_f1", "tag_precision", "tag_recall", "token_accuracy", "unparsable"}
        assert keys | {f"dev_{k}" for k in keys} == set(metrics)
        assert all(0.0 <= v <= 1.0 for v in metrics.values())
        pred = result.predictions[name]
        assert [len(p) for p in pred] == [len(ex.tokens) for ex in task.test]
        assert all(set(p) <= set(task.labels) for p in pred)
        scored = evaluate(task, [list(ex.tags) for ex in task.test], [list(p) for p in pred])
        assert scored == {k: v for k, v in metrics.items() if k in scored}


def test_unparsable_is_the_share_of_outputs_that_do_not_align(model, suite) -> None:
    from taskaffinity.backends.lora import LoraTrainer, with_adapter

    cfg = LoraConfig(**_options(model, classify_by="generate"))
    tasks = [suite.task("punct"), suite.task("size")]
    with with_adapter(cfg, 0) as (tok, peft_model):
        trainer = LoraTrainer(peft_model, tok, tasks, cfg, 0, null=False)
        trainer.fit()
        for split in ("dev", "test"):
            punct, size = trainer.score("punct", split), trainer.score("size", split)
            answers = trainer.states["punct"].encoder.answers
            examples = suite.task("punct").split(split)
            texts = trainer.generate("punct", split)
            bad = [
                not answers.parse(ex.tokens, t).ok for ex, t in zip(examples, texts, strict=True)
            ]
            assert punct["unparsable"] == pytest.approx(np.mean(bad))
            outputs = trainer.generate("size", split)
            assert size["unparsable"] == pytest.approx(
                np.mean([o not in ("long", "short") for o in outputs])
            )
            assert size["accuracy"] == pytest.approx(
                np.mean(
                    [
                        o == ex.label
                        for o, ex in zip(outputs, suite.task("size").split(split), strict=True)
                    ]
                )
            )


def _base_state(model: str) -> dict[str, object]:
    from peft.tuners.tuners_utils import BaseTunerLayer

    from taskaffinity.backends.lora import load_base

    _, base = load_base(model, None)
    q = base.model.layers[0].self_attn.q_proj
    return {
        "base": id(base),
        "q_module": id(q),
        "q_ptr": q.weight.data_ptr(),
        "embed_ptr": base.model.embed_tokens.weight.data_ptr(),
        "n_params": sum(p.numel() for p in base.parameters()),
        "tuner_layers": sum(isinstance(m, BaseTunerLayer) for m in base.modules()),
        "lora_names": [n for n, _ in base.named_modules() if "lora" in n],
        "peft_config": hasattr(base, "peft_config"),
        "trainable": sum(p.requires_grad for p in base.parameters()),
        "training": base.training,
        "checkpointing": base.is_activation_checkpointing,
    }


def test_runs_share_the_cached_base_and_leave_nothing_in_it(model, suite) -> None:
    from taskaffinity.backends.lora import load_base, with_adapter

    before = _base_state(model)
    assert before["tuner_layers"] == 0 and before["trainable"] == 0
    cfg = LoraConfig(**_options(model))
    _, base = load_base(model, None)
    with with_adapter(cfg, 0) as (_, peft_model):
        assert peft_model.get_base_model() is base  # injected in place: no copy of the base
        adapted = peft_model.base_model.model.model.layers[0].self_attn.q_proj
        assert adapted.base_layer.weight.data_ptr() == before["q_ptr"]
        assert _base_state(model)["tuner_layers"] > 0
    backend = get_backend("lora", _options(model))
    for tasks, seed in ((["punct"], 0), (["size", "tone"], 1)):
        backend.run(backend.spec(tasks, seed, suite), suite)
        assert _base_state(model) == before


def test_consecutive_runs_in_one_process_equal_runs_alone(model, suite) -> None:
    from taskaffinity.backends.lora import with_adapter
    from taskaffinity.models import load_causal_lm

    cfg = LoraConfig(**_options(model))

    def initial_adapter(seed: int) -> dict[str, np.ndarray]:
        with with_adapter(cfg, seed) as (_, m):
            return {
                k: v.detach().numpy().copy() for k, v in m.named_parameters() if v.requires_grad
            }

    first, again, other = initial_adapter(0), initial_adapter(0), initial_adapter(1)
    assert first.keys() == again.keys() and all(np.array_equal(first[k], again[k]) for k in first)
    assert any(not np.array_equal(first[k], other[k]) for k in first if "lora_A" in k)

    backend = get_backend("lora", _options(model))
    a = backend.spec(["punct", "size"], 0, suite)
    b = backend.spec(["tone", "upper"], 1, suite)
    in_a_row = [backend.run(a, suite), backend.run(b, suite)]
    alone = []
    for spec in (a, b):
        load_causal_lm.cache_clear()  # as a fresh process: the base loaded again
        alone.append(backend.run(spec, suite))
    for x, y in zip(in_a_row, alone, strict=True):
        assert x.metrics == y.metrics and x.predictions == y.predictions
        assert x.gold_log_probs == y.gold_log_probs


def test_generation_is_batched_left_padded_and_uses_the_kv_cache(model, suite) -> None:
    from taskaffinity.backends.lora import LoraTrainer, with_adapter

    cfg = LoraConfig(**_options(model))
    with with_adapter(cfg, 0) as (tok, peft_model):
        trainer = LoraTrainer(peft_model, tok, [suite.task("upper")], cfg, 0, null=False)
        widths: list[int] = []
        embed = peft_model.get_base_model().model.embed_tokens
        hook = embed.register_forward_hook(lambda m, args, out: widths.append(args[0].shape[1]))
        try:
            prompts = [e.prompt for e in trainer.states["upper"].encoded("test")][:3]
            assert len({len(p) for p in prompts}) > 1  # prompts of different lengths
            together = trainer.greedy(prompts)
        finally:
            hook.remove()
        # one prefill of the batch's width, then one token per step: the cache is used
        assert widths[0] == max(len(p) for p in prompts) and len(widths) > 1
        assert set(widths[1:]) == {1}
        assert [trainer.greedy([p])[0] for p in prompts] == together


def test_logits_are_computed_only_where_answers_are_predicted(model, suite) -> None:
    import torch

    from taskaffinity.backends.lora import LoraTrainer, with_adapter

    cfg = LoraConfig(**_options(model, dropout=0.0))
    with with_adapter(cfg, 0) as (tok, peft_model):
        trainer = LoraTrainer(peft_model, tok, [suite.task("size")], cfg, 0, null=False)
        batch = trainer.batch("size", np.arange(4))
        head = peft_model.get_base_model().lm_head
        rows: list[int] = []
        hook = head.register_forward_hook(lambda m, a, out: rows.append(a[0].shape[:-1].numel()))
        try:
            loss = trainer.loss("size", batch)
        finally:
            hook.remove()
        answer_columns = int((batch["labels"][:, 1:] != -100).any(0).sum())
        assert rows == [4 * answer_columns] and answer_columns < batch["labels"].shape[1] - 1
        with torch.no_grad():
            reference = peft_model(**batch).loss  # the model's own loss over all logits
        assert torch.allclose(loss, reference, rtol=1e-5, atol=1e-6)
        full = peft_model(**{k: v for k, v in batch.items() if k != "labels"}).logits
        logp = torch.log_softmax(full[:, :-1].float(), -1)
        target = batch["labels"][:, 1:]
        keep = target != -100
        gold = logp.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1) * keep
        scored = trainer.answer_log_probs(trainer.states["size"].train_rows[:4])  # = batch
        np.testing.assert_allclose(scored, gold.sum(1).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_bf16_is_part_of_the_identity_checkpointing_and_saving_are_not(model, suite) -> None:
    import torch

    from taskaffinity.backends.lora import LoraTrainer, with_adapter

    keys = {}
    for opts in ({}, {"bf16": True}, {"bf16": False}, {"gradient_checkpointing": True},
                 {"save_adapters": True}, {"artifacts_dir": "/tmp/elsewhere"}):  # fmt: skip
        backend = get_backend("lora", _options(model, **opts))
        keys[json.dumps(opts)] = backend.spec(["punct"], 0, suite).key
    assert len({keys["{}"], keys['{"bf16": true}'], keys['{"bf16": false}']}) == 3
    same = [k for o, k in keys.items() if "bf16" not in o]
    assert len(set(same)) == 1

    dtypes = {}
    for bf16 in (True, "auto"):
        cfg = LoraConfig(**_options(model, bf16=bf16))
        with with_adapter(cfg, 0) as (tok, peft_model):
            trainer = LoraTrainer(peft_model, tok, [suite.task("size")], cfg, 0, null=False)
            head = peft_model.get_base_model().lm_head
            seen: list[torch.dtype] = []
            hook = head.register_forward_hook(lambda m, a, out, seen=seen: seen.append(out.dtype))
            try:
                loss = trainer.loss("size", trainer.batch("size", np.arange(4)))
                loss.backward()
            finally:
                hook.remove()
            dtypes[bf16] = seen[0]
            assert loss.dtype == torch.float32 and torch.isfinite(loss)
            assert all(p.dtype == torch.float32 for p in trainer.shared_parameters())
    assert dtypes == {True: torch.bfloat16, "auto": torch.float32}  # auto: off on cpu
    with pytest.raises(InputError) as err:
        LoraConfig(**_options(model, bf16="yes"))
    assert err.value.field == "bf16"


def test_gradient_checkpointing_recomputes_and_changes_no_number(model, suite) -> None:
    from taskaffinity.backends.lora import LoraTrainer, load_base, with_adapter

    calls = {}
    for on in (True, False):
        cfg = LoraConfig(**_options(model, gradient_checkpointing=on))
        with with_adapter(cfg, 0) as (tok, peft_model):
            trainer = LoraTrainer(peft_model, tok, [suite.task("size")], cfg, 0, null=False)
            layer = peft_model.get_base_model().model.layers[0].input_layernorm
            count: list[int] = []
            hook = layer.register_forward_hook(lambda m, a, out, count=count: count.append(1))
            trainer.set_training(True)
            try:
                trainer.loss("size", trainer.batch("size", np.arange(4))).backward()
            finally:
                hook.remove()
            calls[on] = len(count)
    assert calls == {True: 2, False: 1}  # forward, then again in the backward pass
    assert not load_base(model, None)[1].is_activation_checkpointing
    results = [
        get_backend("lora", _options(model, gradient_checkpointing=on)).run(
            get_backend("lora", _options(model)).spec(["size", "punct"], 0, suite), suite
        )
        for on in (True, False)
    ]
    assert results[0].metrics == results[1].metrics
    assert results[0].predictions == results[1].predictions


def _write_study(tmp: Path, model: str, suite: TaskSuite, save: bool) -> Path:
    tasks = []
    for name in ("punct", "size"):
        task = suite.task(name)
        data = {}
        for split in ("train", "dev", "test"):
            rows = [
                {"tokens": "".join(ex.tokens), "tags": list(ex.tags)}
                if task.kind == "tagging"
                else {"text": ex.text, "label": ex.label}
                for ex in task.split(split)
            ]
            path = tmp / f"{name}.{split}.jsonl"
            path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
            data[split] = path.name
        tasks.append({"name": name, "kind": task.kind, "category": "toy", "data": data,
                      "metric": task.metric})  # fmt: skip
    config = {
        "name": "tiny-lora",
        "tasks": tasks,
        "backend": {"name": "lora", **_options(model), "save_adapters": save},
        "plan": {"singles": True, "pairs": False, "all": False},
        "seeds": [0],
    }
    (tmp / "study.yaml").write_text(json.dumps(config))
    return tmp / "study.yaml"


def test_save_adapters_writes_each_tasks_adapter_loadable_by_peft(tmp_path, model, suite) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from taskaffinity.backends.lora import LoraTrainer, load_base
    from taskaffinity.config import load_config
    from taskaffinity.study import open_study, run_study

    out = tmp_path / "out"
    summary = run_study(
        load_config(_write_study(tmp_path, model, suite, True)), out, progress=False
    )
    assert summary.ok
    study = open_study(out)
    tok, _ = load_base(model, None)
    cfg = LoraConfig(**_options(model))
    for result in study.complete:
        (name,) = result.tasks
        folder = out / "adapters" / result.key / name
        assert (folder / "adapter_config.json").is_file()
        fresh = AutoModelForCausalLM.from_pretrained(model)  # a base of its own
        loaded = PeftModel.from_pretrained(fresh, folder)
        assert any("lora_A" in k for k, _ in loaded.named_parameters())
        trainer = LoraTrainer(loaded, tok, [study.suite.task(name)], cfg, 0, null=False)
        pred = [
            tuple(p) if isinstance(p, list | tuple) else p for p in trainer.predict(name, "test")
        ]
        assert tuple(pred) == result.predictions[name]
    # not part of the run identity: the same runs without saving are already stored
    again = run_study(load_config(_write_study(tmp_path, model, suite, False)), out, progress=False)
    assert again.ok and again.trained == 0 and again.skipped == 2


@pytest.mark.parametrize("task", ["upper", "tone"])
def test_micro_batches_follow_the_gradient_of_the_whole_batch(model, suite, task) -> None:
    """Answers of different lengths: each piece's mean token loss weighted by its share of
    the answer tokens (``loss_terms``) gives the adapter the whole batch's gradient."""
    import torch

    from taskaffinity.backends.lora import LoraTrainer, with_adapter
    from taskaffinity.backends.training._loop import _backward_in_pieces

    cfg = LoraConfig(**_options(model, dropout=0.0))
    with with_adapter(cfg, 0) as (tok, peft_model):
        trainer = LoraTrainer(peft_model, tok, [suite.task(task)], cfg, 0, null=False)
        trainer.set_training(True)
        params = trainer.shared_parameters()
        idx = np.array([0, 5, 2, 7, 3])
        trainer.loss(task, trainer.batch(task, idx)).backward()
        whole = [p.grad.clone() for p in params]
        for p in params:
            p.grad = None
        _backward_in_pieces(trainer, task, idx, 2, 1)
        pieces = [p.grad.clone() for p in params]
        terms = [trainer.loss_terms(task, trainer.batch(task, idx[s : s + 2])) for s in (0, 2, 4)]
        assert len(set(terms)) > 1  # pieces of unequal token counts: the weighting matters
        for a, b in zip(whole, pieces, strict=True):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
