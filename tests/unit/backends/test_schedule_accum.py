"""Learning-rate schedule (linear or cosine decay) and gradient accumulation of the shared
training loop, and that neither changes the keys of runs that leave them at defaults."""

from __future__ import annotations

import math

import numpy as np
import pytest

from taskaffinity.backends import ScratchConfig, get_backend
from taskaffinity.errors import InputError


class LrProbe:
    """Records the learning rate the loop hands to a probe at every step."""

    every = 1

    def __init__(self) -> None:
        self.lrs: list[float] = []

    def on_step(self, ctx) -> None:
        self.lrs.append(ctx.lr)


def _lrs(suite, config: dict) -> tuple[list[float], int]:
    backend = get_backend("scratch", config)
    probe = LrProbe()
    cost = backend.train_with_probe(["vowel"], suite, 0, probe)
    return probe.lrs, cost.steps


@pytest.mark.parametrize("schedule", ["linear", "cosine"])
def test_schedule_follows_its_formula(suite, tiny_config, schedule: str) -> None:
    cfg = {**tiny_config, "warmup": 0.2, "schedule": schedule, "lr": 1e-2}
    lrs, total = _lrs(suite, cfg)
    warm = int(0.2 * total)
    expect = []
    for s in range(total):  # the rate used at step s + 1 (after s scheduler steps)
        if s < warm:
            f = (s + 1) / (warm + 1)
        else:
            left = (total - s) / (total - warm)
            f = left if schedule == "linear" else 0.5 * (1 - math.cos(math.pi * left))
        expect.append(1e-2 * f)
    np.testing.assert_allclose(lrs, expect, rtol=1e-9)


def test_cosine_differs_from_linear_midway(suite, tiny_config) -> None:
    lin, total = _lrs(suite, {**tiny_config, "schedule": "linear"})
    cos, _ = _lrs(suite, {**tiny_config, "schedule": "cosine"})
    mid = (total + int(0.1 * total)) // 2 + total // 4  # past the middle of the decay
    assert cos[mid] < lin[mid]


def test_grad_accum_equals_one_larger_batch(suite, tiny_config) -> None:
    """Two accumulated batches of 4 = one batch of 8: the same examples in the same order
    (a task's stream is a permutation cut into batches) and the mean of two equal-size
    means (no dropout)."""
    base = {**tiny_config, "dropout": 0.0, "epochs": 2.0}
    big = get_backend("scratch", {**base, "batch_size": 8})
    small = get_backend("scratch", {**base, "batch_size": 4, "grad_accum": 2})
    a = big.run(big.spec(["vowel"], 1, suite), suite)
    b = small.run(small.spec(["vowel"], 1, suite), suite)
    assert a.cost.steps == b.cost.steps and a.cost.examples == b.cost.examples
    for name, value in a.metrics["vowel"].items():
        assert b.metrics["vowel"][name] == pytest.approx(value, abs=1e-6)


def test_new_options_are_keyed_only_when_set(suite, tiny_config) -> None:
    plain = get_backend("scratch", tiny_config).spec(["vowel"], 0, suite)
    assert "schedule" not in plain.backend_config and "grad_accum" not in plain.backend_config
    same = get_backend("scratch", {**tiny_config, "schedule": "linear", "grad_accum": 1})
    assert same.spec(["vowel"], 0, suite).key == plain.key
    cos = get_backend("scratch", {**tiny_config, "schedule": "cosine"}).spec(["vowel"], 0, suite)
    acc = get_backend("scratch", {**tiny_config, "grad_accum": 2}).spec(["vowel"], 0, suite)
    assert len({plain.key, cos.key, acc.key}) == 3


def test_bad_values_are_refused() -> None:
    with pytest.raises(InputError, match="schedule"):
        ScratchConfig.from_dict({"schedule": "step"})
    with pytest.raises(InputError, match="grad_accum"):
        ScratchConfig.from_dict({"grad_accum": 0})
