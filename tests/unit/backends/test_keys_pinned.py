"""Run keys are pinned: the values below were computed by the code before the backends
were laid out one folder per backend and before ``micro_batch``/``oom_retry`` existed, so
a store made then still finds every run (no retraining)."""

from __future__ import annotations

import hashlib
import itertools

import pytest

from taskaffinity.backends import get_backend
from taskaffinity.demo import DEMO_CONFIG, demo_config


def test_the_demo_study_keys_are_unchanged() -> None:
    suite = demo_config().load_suite()
    params = {k: v for k, v in DEMO_CONFIG["backend"].items() if k != "name"}
    names = suite.names
    groups = [(n,) for n in names] + list(itertools.combinations(names, 2)) + [tuple(names)]
    for extra in ({}, {"oom_retry": True, "micro_batch": 4, "threads": 1}):
        backend = get_backend("scratch", {**params, **extra})
        keys = [backend.spec(g, s, suite).key for s in (0, 1, 2) for g in groups]
        assert len(keys) == 66
        assert keys[:3] == ["b7641ceec0d7f567", "301410dd7550e535", "f58f67db110f3075"]
        digest = hashlib.sha256(",".join(keys).encode()).hexdigest()
        assert digest == "819b01bd4e8f03e61df549bd1c6cfba423cfd8d5014a03cd628668606897f128"


@pytest.mark.parametrize(
    ("name", "options", "keys"),
    [
        ("scratch", {}, ["ac503efca8fe0d63", "8b8ae1fe283a6254"]),
        ("scratch", {"batch_size": "auto"}, ["ac503efca8fe0d63", "8b8ae1fe283a6254"]),
        (
            "scratch",
            {"grad_accum": 2, "ema": 0.9, "checkpoint": "last", "schedule": "cosine"},
            ["1161b7e0b4242630", "105e2ea5265b5832"],
        ),
        ("encoder", {"model": "x"}, ["c6cd0010165c4e7c", "a304ee88a70af700"]),
        ("encoder", {"model": "x", "oom_retry": True}, ["c6cd0010165c4e7c", "a304ee88a70af700"]),
        ("lora", {}, ["dfe069cbde8eaea0", "b30b51e4e0bd240a"]),
        (
            "lora",
            {"batch_size": "auto", "micro_batch": 2},
            ["dfe069cbde8eaea0", "b30b51e4e0bd240a"],
        ),
        (
            "lora",
            {"bf16": False, "classify_by": "generate"},
            ["8a0ab00192ef7603", "2faba0033edab65a"],
        ),
    ],
)
def test_backend_keys_are_unchanged(suite, name: str, options: dict, keys: list[str]) -> None:
    backend = get_backend(name, options)
    got = [backend.spec(["vowel"], 0, suite).key, backend.spec(["vowel", "mark"], 3, suite).key]
    assert got == keys
