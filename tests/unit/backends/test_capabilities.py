"""Estimator capabilities: gold log-probabilities (PVI) and training probes (TAG, cosine)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from taskaffinity.backends import get_backend
from taskaffinity.errors import InputError


def test_gold_log_probs_shapes_and_null_model(suite, tiny_config) -> None:
    backend = get_backend("scratch", tiny_config)
    vowel, cost = backend.gold_log_probs("vowel", suite, 0, null_input=False, split="dev")
    assert vowel.shape == (len(suite.task("vowel").dev),) and cost.steps > 0
    assert np.all(np.isfinite(vowel)) and np.all(vowel <= 0)
    real, _ = backend.gold_log_probs("mark", suite, 0, null_input=False)
    null, _ = backend.gold_log_probs("mark", suite, 0, null_input=True)
    assert real.shape == null.shape == (len(suite.task("mark").test),)
    assert np.all(np.isfinite(null)) and np.all(null <= 0)
    # the mark task is learnable from the input: V-information clearly positive
    assert (real - null).mean() / np.log(2) > 0.2
    with pytest.raises(InputError, match="split"):
        backend.gold_log_probs("mark", suite, 0, null_input=True, split="valid")


class _TagProbe:
    """Reference TAG lookahead (Fifty et al. 2021) and gradient cosine (Yu et al. 2020)."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.lookahead: list[dict[tuple[str, str], float]] = []
        self.cosine: list[float] = []

    def on_step(self, ctx) -> None:
        shared = ctx.shared_parameters()
        names = list(ctx.batches)
        grads = {}
        for name in names:
            g = torch.autograd.grad(ctx.loss(name, ctx.batches[name]), shared)
            grads[name] = torch.cat([x.flatten() for x in g])
        a, b = names[0], names[1]
        self.cosine.append(float(torch.nn.functional.cosine_similarity(grads[a], grads[b], 0)))
        z = {}
        for i in names:
            with ctx.preserved():
                before = {j: ctx.loss(j, ctx.batches[j]).item() for j in names}
                g = torch.autograd.grad(ctx.loss(i, ctx.batches[i]), shared)
                with torch.no_grad():
                    for p, gi in zip(shared, g, strict=True):
                        p -= ctx.lr * gi
                for j in names:
                    z[(i, j)] = 1 - ctx.loss(j, ctx.batches[j]).item() / before[j]
        self.lookahead.append(z)


class _Recorder:
    """Records every task's loss at each probed step, changing nothing."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.losses: list[dict[str, float]] = []

    def on_step(self, ctx) -> None:
        self.losses.append({n: ctx.loss(n, b).item() for n, b in ctx.batches.items()})


def test_probe_reference_and_trajectory_unchanged(suite, tiny_config) -> None:
    backend = get_backend("scratch", {**tiny_config, "max_steps": 12})
    probe = _TagProbe(every=4)
    cost = backend.train_with_probe(["vowel", "mark"], suite, 0, probe)
    assert cost.steps == 12
    assert len(probe.lookahead) == 3 and len(probe.cosine) == 3
    assert all(-1.0 <= c <= 1.0 for c in probe.cosine)
    assert all(np.isfinite(v) for z in probe.lookahead for v in z.values())
    # a lookahead step on a task's own loss lowers that loss
    assert np.mean([z[("mark", "mark")] for z in probe.lookahead]) > 0
    # deterministic, and the lookahead (restored by ctx.preserved) leaves training as is
    again = _TagProbe(every=4)
    backend.train_with_probe(["vowel", "mark"], suite, 0, again)
    assert again.lookahead == probe.lookahead
    recorder = _Recorder(every=4)
    backend.train_with_probe(["vowel", "mark"], suite, 0, recorder)
    lookahead_run = _Recorder(every=4)

    class Both(_TagProbe):
        def on_step(self, ctx) -> None:
            lookahead_run.on_step(ctx)
            super().on_step(ctx)

    backend.train_with_probe(["vowel", "mark"], suite, 0, Both(every=4))
    assert lookahead_run.losses == recorder.losses


def test_probe_validation(suite, tiny_config) -> None:
    with pytest.raises(InputError, match="probe"):
        get_backend("scratch", tiny_config).train_with_probe(["vowel"], suite, 0, object())
