"""scratch backend: learns, deterministic, picklable, clear errors."""

from __future__ import annotations

import pickle

import pytest

from taskaffinity.backends import ScratchConfig, available, get_backend
from taskaffinity.errors import InputError
from taskaffinity.metrics import baseline
from taskaffinity.types import RunSpec


def test_registry() -> None:
    assert {"scratch", "encoder"} <= set(available())
    with pytest.raises(InputError, match="backend"):
        get_backend("nope")


def test_learns_above_baseline_and_is_deterministic(suite, tiny_config) -> None:
    backend = get_backend("scratch", tiny_config)
    spec = backend.spec(["mark", "vowel"], seed=3, suite=suite)
    first = backend.run(spec, suite)
    assert first.ok and first.key == spec.key and first.tasks == ("mark", "vowel")
    assert first.scores["mark"] > baseline(suite.task("mark")) + 0.5
    assert set(first.metrics["mark"]) >= {"tag_f1", "token_accuracy", "dev_tag_f1"}
    assert first.cost.steps > 0 and first.cost.examples > 0 and first.cost.seconds > 0
    again = backend.run(spec, suite)
    assert again.scores == first.scores and again.metrics == first.metrics


def test_spec_and_pickle(suite, tiny_config) -> None:
    backend = get_backend("scratch", {**tiny_config, "device": "cpu", "threads": 1})
    spec = backend.spec(["vowel"], 0, suite)
    assert "device" not in spec.backend_config and "threads" not in spec.backend_config
    assert spec.backend_config["d_model"] == 32
    clone = pickle.loads(pickle.dumps(backend))
    assert clone.config == backend.config
    assert pickle.loads(pickle.dumps(spec)).key == spec.key
    # the device is not part of a run's identity
    other = get_backend("scratch", {**tiny_config, "device": "meta"})
    assert other.spec(["vowel"], 0, suite).key == spec.key


def test_config_validation() -> None:
    with pytest.raises(InputError, match="'heads'"):
        ScratchConfig(d_model=30, heads=4)
    with pytest.raises(InputError, match="'lr'"):
        get_backend("scratch", {"lr": -1})
    with pytest.raises(InputError, match="'learning_rate'"):
        get_backend("scratch", {"learning_rate": 0.1})
    assert "help" not in ScratchConfig.help()
    assert ScratchConfig.help()["epochs"]


def test_bad_runs_fail_before_training(suite, tiny_config) -> None:
    backend = get_backend("scratch", tiny_config)
    with pytest.raises(InputError, match="unknown task"):
        backend.spec(["nope"], 0, suite)
    spec = RunSpec(("vowel",), "encoder", backend.config.to_dict(), 0)
    with pytest.raises(InputError, match="backend"):
        backend.run(spec, suite)
    stale = RunSpec(("vowel",), "scratch", backend.config.to_dict(), 0, suite="0" * 12)
    with pytest.raises(InputError, match="suite"):
        backend.run(stale, suite)


def test_runs_in_a_spawned_process_pool(suite, tiny_config) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    backend = get_backend("scratch", {**tiny_config, "max_steps": 3})
    spec = backend.spec(["vowel"], 0, suite)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        remote = pool.submit(backend.run, spec, suite).result(timeout=120)
    assert remote.scores == backend.run(spec, suite).scores


def test_threads_do_not_change_results(suite, tiny_config) -> None:
    """``threads`` is left out of a run's key on the claim that it cannot change results:
    the same run on 1 and on 2 torch threads gives the same scores, metrics and steps."""
    runs = []
    for threads in (1, 2):
        backend = get_backend("scratch", {**tiny_config, "threads": threads})
        spec = backend.spec(["mark", "vowel"], seed=5, suite=suite)
        runs.append(backend.run(spec, suite))
    one, two = runs
    assert one.key == two.key
    assert one.scores == two.scores and one.metrics == two.metrics
    assert one.cost.steps == two.cost.steps
