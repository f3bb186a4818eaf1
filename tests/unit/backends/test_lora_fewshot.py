"""Few-shot prompting on the lora backend (no training): prompt assembly with
demonstrations, the ``few_shot`` capability on a tiny random Llama, and the study-level
baseline written to a study folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _tiny_lm import write_tiny_causal_lm
from test_lora_tiny import make_suite

from taskaffinity.backends import LoraConfig, get_backend
from taskaffinity.backends.lora import load_base
from taskaffinity.backends.lora._prompts import DEMO_SEPARATOR, PromptEncoder
from taskaffinity.config import config_from_dict
from taskaffinity.study import FEWSHOT_NAME, demonstrations, read_fewshot, run_fewshot

pytest.importorskip("peft")


def make_fewshot_suite():
    """The tiny suite of ``test_lora_tiny`` (a plug-in suite factory for the study)."""
    return make_suite()


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_tiny_causal_lm(tmp_path_factory.mktemp("tiny-llama-fewshot"))


def _cfg(model: str, **extra) -> dict:
    return {"model": model, "max_len": 96, "max_new_tokens": 12, "threads": 1, **extra}


@pytest.mark.parametrize("name", ["size", "upper", "punct"])
def test_demonstrations_precede_the_prompt(model: str, name: str) -> None:
    tok, _ = load_base(model, None)
    cfg = LoraConfig.from_dict(_cfg(model))
    task = make_suite().task(name)
    demos = task.train[:2]
    plain = PromptEncoder(tok, task, cfg)
    shots = PromptEncoder(tok, task, cfg, demos)
    sep = list(tok(DEMO_SEPARATOR, add_special_tokens=False)["input_ids"])
    expect = []
    for d in demos:
        e = plain.encode(d, null=False)
        expect += e.prompt + e.answer[:-1] + sep  # the gold answer without its EOS
    ex = task.test[0]
    assert shots.encode(ex, False).prompt == expect + plain.encode(ex, False).prompt
    assert shots.encode(ex, False).answer == plain.encode(ex, False).answer
    assert tok.eos_token_id not in expect


@pytest.mark.parametrize("name", ["size", "upper", "punct"])
def test_few_shot_scores_the_test_split_without_training(model: str, name: str) -> None:
    suite = make_suite()
    backend = get_backend("lora", _cfg(model))
    task = suite.task(name)
    _, base = load_base(model, None)
    before = {k: v.clone() for k, v in base.state_dict().items()}
    pred, metrics, cost = backend.few_shot(name, suite, task.train[:2], seed=0)
    assert len(pred) == len(task.test) and task.metric in metrics
    assert cost.steps == 0 and cost.examples == 0
    after = base.state_dict()
    assert set(after) == set(before)  # no adapter left in the shared base
    assert all((after[k] == v).all() for k, v in before.items())
    again, metrics2, _ = backend.few_shot(name, suite, task.train[:2], seed=5)
    assert list(again) == list(pred) and metrics2 == metrics  # no randomness in prompting


def test_baseline_of_a_study_is_written_and_read_back(model: str, tmp_path: Path) -> None:
    config = config_from_dict(
        {
            "name": "tiny-fewshot",
            "suite": "test_lora_fewshot:make_fewshot_suite",
            "backend": {"name": "lora", **_cfg(model)},
            "seeds": [0],
        }
    )
    result = run_fewshot(config, tmp_path, shots=None)
    suite = make_suite()
    assert set(result.score) == set(suite.names)
    assert result.shots["size"] == 2  # one demonstration per class by default
    assert result.shots["upper"] == 3 and result.shots["punct"] == 3
    for name in suite.names:
        lo, hi = result.ci[name]
        assert lo <= result.score[name] <= hi
    assert read_fewshot(tmp_path) == result
    stored = json.loads((tmp_path / FEWSHOT_NAME).read_text())
    assert stored["ci_kind"] == "test_bootstrap"
    labels = [d.label for d in demonstrations(suite.task("size"), 2, 0)]
    assert sorted(labels) == ["long", "short"]


def test_few_shot_answers_stop_where_a_demonstration_would(model: str) -> None:
    import torch

    from taskaffinity.backends.lora import LoraTrainer, with_adapter

    suite = make_suite()
    task = suite.task("upper")
    cfg = LoraConfig.from_dict(_cfg(model, max_new_tokens=40))
    with with_adapter(cfg, 0) as (tok, lm):
        plain = LoraTrainer(lm, tok, [task], cfg, 0, null=False)
        shots = LoraTrainer(lm, tok, [task], cfg, 0, null=False, demos={"upper": task.train[:2]})
        assert plain.stop is None and shots.stop == DEMO_SEPARATOR
        sep = tok(DEMO_SEPARATOR, add_special_tokens=False)["input_ids"]
        prompt = shots.states["upper"].encoded("test")[0].prompt
        raw = tok.decode(lm.generate(
            input_ids=torch.tensor([prompt]), max_new_tokens=40, do_sample=False,
            pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id,
        )[0, len(prompt):].tolist(), skip_special_tokens=True)  # fmt: skip
        assert shots.greedy([prompt]) == [raw.split(DEMO_SEPARATOR)[0].strip()]
        assert sep  # the separator is real tokens
