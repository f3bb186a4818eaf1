"""examples/zh_classical_llm.yaml: the anchor study's hyperparameters, the nine
zh-classical tasks, singles + pairs + all on the lora backend."""

from __future__ import annotations

from pathlib import Path

from taskaffinity.backends import LoraConfig
from taskaffinity.config import load_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "zh_classical_llm.yaml"
NINE = (
    "punctuation",
    "tonal",
    "poet",
    "dynasty",
    "ci_tune",
    "shijing",
    "idiom_explain",
    "reverse_dict",
    "next_line",
)
ANCHOR = {
    "r": 64,
    "lr": 1e-4,
    "schedule": "cosine",
    "warmup": 0.1,
    "epochs": 1,
    "batch_size": 8,
    "grad_accum": 2,
    "max_len": 1024,
    "bf16": True,
}


def test_the_example_has_the_anchor_study_hyperparameters() -> None:
    cfg = load_config(EXAMPLE)
    assert cfg.backend.name == "lora" and cfg.backend.params["model"] == "gemma3-270m"
    assert {k: cfg.backend.params[k] for k in ANCHOR} == ANCHOR
    assert (cfg.plan.singles, cfg.plan.pairs, cfg.plan.all, cfg.plan.groups) == (
        True,
        True,
        True,
        [],
    )
    assert cfg.suite == "zh_classical" and tuple(cfg.suite_tasks) == NINE


def test_the_example_is_a_valid_lora_config_and_study() -> None:
    cfg = load_config(EXAMPLE)
    lora = LoraConfig.from_dict(dict(cfg.backend.params))
    assert (lora.r, lora.lr, lora.max_len, lora.epochs, lora.warmup) == (64, 1e-4, 1024, 1, 0.1)
    assert (lora.schedule, lora.grad_accum, lora.bf16) == ("cosine", 2, True)
    assert cfg.load_suite().names == NINE
    kinds = {t.kind for t in cfg.load_suite().tasks}
    assert kinds == {"tagging", "classification", "generation"}  # every kind on lora
