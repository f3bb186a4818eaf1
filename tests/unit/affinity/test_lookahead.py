"""The TAG lookahead step: each parameter group's own learning rate, and the optimizer's
own update (with its state) for ``step="optimizer"``."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from _fake import TensorContext

from taskaffinity.affinity import lookahead_step
from taskaffinity.errors import InputError

F64 = torch.float64


def _zeros(n: int) -> torch.Tensor:
    return torch.zeros(n, dtype=F64, requires_grad=True)


@pytest.mark.parametrize("step", ["sgd", "adam", "optimizer"])
def test_each_parameter_group_steps_at_its_own_rate(step):
    # a head-like group at 1e-3 and an encoder-like group at 5e-5 (fine-tuned encoder)
    u, v = _zeros(3), _zeros(3)
    opt = torch.optim.AdamW([{"params": [u], "lr": 1e-3}, {"params": [v], "lr": 5e-5}])
    losses = {
        "src": lambda p: p[0].sum() + p[1].sum(),  # gradient 1 on every coordinate
        "on_u": lambda p: 10 + p[0].mean(),  # Z[src -> on_u] = displacement of u / 10
        "on_v": lambda p: 10 + p[1].mean(),
    }
    tasks = ("src", "on_u", "on_v")
    out = lookahead_step(TensorContext([u, v], losses, opt), tasks, step=step)
    # unit gradients: every option moves each coordinate by its group's rate
    assert out[1, 0] == pytest.approx(1e-3 / 10, rel=1e-6)
    assert out[2, 0] == pytest.approx(5e-5 / 10, rel=1e-6)


def _primed_adamw(w: torch.Tensor, lr: float = 1e-2) -> torch.optim.Optimizer:
    """AdamW on ``w`` after 5 steps of unit gradients (moments no longer at zero)."""
    opt = torch.optim.AdamW([w], lr=lr, weight_decay=0.0)
    for _ in range(5):
        w.grad = torch.ones_like(w)
        opt.step()
    w.grad = None
    return opt


def _real_step(w: torch.Tensor, opt: torch.optim.Optimizer, grad: torch.Tensor) -> torch.Tensor:
    """The displacement ``w - w_after`` of one real ``opt.step()`` on copies of both."""
    w2, opt2 = copy.deepcopy((w, opt))
    w2.grad = grad.clone()
    opt2.step()
    return (w - w2).detach()


def test_optimizer_step_keeps_gradient_size():
    w = _zeros(4)
    opt = _primed_adamw(w)
    losses = {
        "big": lambda p: p[0].sum(),  # gradient 1
        "small": lambda p: 0.01 * p[0].sum(),  # gradient 0.01: 100x smaller
        "t": lambda p: 10 + p[0].mean(),
    }
    tasks = ("big", "small", "t")
    ctx = TensorContext([w], losses, opt)
    state = copy.deepcopy(opt.state_dict())
    out = lookahead_step(ctx, tasks, step="optimizer")
    start = float(w.detach().mean())
    for src, scale in (("big", 1.0), ("small", 0.01)):
        d = _real_step(w, opt, torch.full_like(w, scale))
        expected = 1 - (10 + start - float(d.mean())) / (10 + start)
        assert out[2, tasks.index(src)] == pytest.approx(expected, rel=1e-9)
    assert out[2, 0] > 1.05 * out[2, 1]  # the smaller gradient moves the target less
    # the optimizer's state is read, never written
    after = opt.state_dict()
    for key in ("exp_avg", "exp_avg_sq", "step"):
        assert torch.equal(after["state"][0][key], state["state"][0][key])
    # the unit-RMS option erases the difference
    adam = lookahead_step(ctx, tasks, step="adam")
    assert adam[2, 0] == pytest.approx(adam[2, 1], rel=1e-9)


@pytest.mark.parametrize(
    "make",
    [
        lambda w: torch.optim.AdamW([w], lr=1e-2, weight_decay=0.1),
        lambda w: torch.optim.Adam([w], lr=1e-2, weight_decay=0.1, amsgrad=True),
        lambda w: torch.optim.Adam([w], lr=1e-2, maximize=True),
        lambda w: torch.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.01),
        lambda w: torch.optim.SGD([w], lr=0.1, momentum=0.9, dampening=0.5),
        lambda w: torch.optim.SGD([w], lr=0.1, momentum=0.9, nesterov=True),
        lambda w: torch.optim.SGD([w], lr=0.1),
    ],
    ids=["adamw", "adam-amsgrad", "adam-maximize", "sgd-wd", "sgd-dampening", "nesterov", "sgd"],
)
def test_optimizer_step_equals_a_real_step(make):
    from taskaffinity.affinity import lookahead_displacements

    gen = torch.Generator().manual_seed(0)
    w = torch.randn(5, dtype=F64, generator=gen).requires_grad_()
    opt = make(w)
    for _ in range(3):
        w.grad = torch.randn(5, dtype=F64, generator=gen)
        opt.step()
    grad = torch.randn(5, dtype=F64, generator=gen)
    (d,) = lookahead_displacements(opt, [w], [grad], step="optimizer")
    torch.testing.assert_close(d, _real_step(w, opt, grad), rtol=1e-12, atol=1e-15)
    # a fixed lookahead rate replaces the group's
    (d2,) = lookahead_displacements(opt, [w], [grad], step="optimizer", lr=0.5)
    opt.param_groups[0]["lr"] = 0.5
    torch.testing.assert_close(d2, _real_step(w, opt, grad), rtol=1e-12, atol=1e-15)


def test_optimizer_step_before_the_first_update_and_bad_input():
    from taskaffinity.affinity import lookahead_displacements

    w = _zeros(3)
    grad = torch.tensor([1.0, -2.0, 0.5], dtype=F64)
    opt = torch.optim.AdamW([w], lr=1e-2)
    (d,) = lookahead_displacements(opt, [w], [grad], step="optimizer")
    torch.testing.assert_close(d, _real_step(w, opt, grad))  # empty state: sign-like step
    assert opt.state_dict()["state"] == {}
    with pytest.raises(InputError, match="RMSprop"):
        lookahead_displacements(torch.optim.RMSprop([w]), [w], [grad], step="optimizer")
    with pytest.raises(ValueError, match="not in the optimizer"):
        lookahead_displacements(opt, [_zeros(3)], [grad], step="sgd")
    with pytest.raises(InputError, match="unknown lookahead step"):
        lookahead_displacements(opt, [w], [grad], step="nope")
    assert lookahead_displacements(opt, [w], [None], step="optimizer") == [None]
    np.testing.assert_array_equal(w.detach().numpy(), 0.0)


class _Recorder:
    """Every task's loss at each probed step; then, with ``step``, one lookahead probe."""

    def __init__(self, every: int, step: str | None) -> None:
        self.every, self.step = every, step
        self.losses: list[dict[str, float]] = []
        self.z: list[np.ndarray] = []

    def on_step(self, ctx) -> None:
        self.losses.append({n: ctx.loss(n, b).item() for n, b in ctx.batches.items()})
        if self.step is not None:
            self.z.append(lookahead_step(ctx, tuple(ctx.tasks), step=self.step))


def test_optimizer_lookahead_in_a_real_run_leaves_training_unchanged(suite, backend):
    names = list(suite.names)
    plain, probed = _Recorder(every=3, step=None), _Recorder(every=3, step="optimizer")
    backend.train_with_probe(names, suite, 0, plain)
    backend.train_with_probe(names, suite, 0, probed)
    assert len(probed.z) == len(plain.losses) >= 2
    assert probed.losses == plain.losses  # AdamW's state read, not written
    off = ~np.eye(len(names), dtype=bool)
    assert all(np.isfinite(z[off]).all() for z in probed.z)
    assert np.mean([np.diag(z).mean() for z in probed.z]) > 0  # a step on a task helps it
