"""Lookahead task affinity (TAG): Fifty, Amid, Zhao, Yu, Anil and Finn, "Efficiently
Identifying Task Groupings for Multi-Task Learning", NeurIPS 2021.

During one joint training run of all tasks, every ``every`` steps and for every source
task ``i``: move the shared parameters by one lookahead step ``d_i`` on task ``i``'s loss
alone, measure every task ``j``'s loss on its own batch before and after, and restore the
parameters::

    Z[i -> j] = 1 - L_j(theta - d_i) / L_j(theta)

``Z[i -> j] > 0``: a step on ``i`` lowers ``j``'s loss (``i`` helps ``j``). Averaged over
the probed steps.

Each shared tensor moves at the current learning rate ``lr_g`` of its own parameter group
of the run's optimizer (a fine-tuned encoder's group at ``encoder_lr``, the layers above
it at ``lr``); ``lookahead_lr`` replaces every group's rate. The lookahead step
``d_i`` per tensor, with ``g = grad L_i`` (``step``, the keys of :data:`LOOKAHEAD_STEPS`):

* ``"optimizer"``: the update the run's optimizer would make with ``g`` from its current
  state, which is read and never written. AdamW/Adam: ``exp_avg`` and ``exp_avg_sq``
  advanced by ``g``, bias-corrected for the next step count, plus the (decoupled) weight
  decay; SGD: the momentum buffer advanced by ``g`` (dampening, Nesterov, weight decay).
  Fifty et al.'s code steps this way (SGD with momentum in their experiments). The
  moments built by the joint gradients are common to every source; what differs is ``g``,
  with its size: a source whose gradient is 100x smaller moves the parameters less.
* ``"adam"``: ``lr_g * g / rms(g)``, the size of an Adam step without its state. Every
  source moves each tensor by the same amount whatever its gradient's size; only the
  directions differ.
* ``"sgd"``: ``lr_g * g``. With small gradients the loss changes by less than float32
  resolution (relative changes near 1e-7 were measured on a frozen-encoder run).

The default is ``"optimizer"``. Measured on zh_classical (``benchmarks/tag_step.py``:
scratch backend, truth = mean gain rates over 4 seeds, estimator seeds 0 and 1,
``every=20``), no option ranks the measured transfer. Spearman of the off-diagonal
estimate with the truth, per seed: ``optimizer`` -0.16 / -0.09, ``adam`` -0.16 / 0.09,
``sgd`` 0.06 / 0.10; of the seed-mean estimate -0.11, -0.08, 0.11 (p >= 0.57 each). The
95% bootstrap intervals of their differences to ``optimizer`` contain zero, so the options
cannot be told apart there, and the default is the paper's step.

Returned as ``values[j, i] = Z[i -> j]`` (row = target ``j``, column = source ``i``).
Cost: the joint run plus ``n`` lookahead steps and ``n * (n + 1)`` loss evaluations per
probed step (counted in ``Cost.steps`` as ``n + n (n + 1) / 3``
training-step equivalents).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.affinity._base import Estimator, register_estimator
from taskaffinity.affinity._budget import Budget
from taskaffinity.affinity._probe import run_probe
from taskaffinity.errors import InputError
from taskaffinity.types import AffinityMatrix

if TYPE_CHECKING:
    from torch import Tensor
    from torch.optim import Optimizer

    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite

__all__ = ["LOOKAHEAD_STEPS", "LookaheadAffinity", "lookahead_displacements", "lookahead_step"]

# A rule: (optimizer state of p, p's parameter group, p, gradient, rate) -> displacement d,
# the lookahead parameters being p - d. Every rule runs under torch.no_grad().
Rule = Callable[[dict, dict, "Tensor", "Tensor", float], "Tensor"]


def _gradient_update(state: dict, group: dict, p: Tensor, g: Tensor, rate: float) -> Tensor:
    """``rate * g``."""
    return rate * g


def _unit_rms_update(state: dict, group: dict, p: Tensor, g: Tensor, rate: float) -> Tensor:
    """``rate * g / rms(g)``: a step of Adam's size per tensor, without its moments."""
    return rate * g / g.pow(2).mean().sqrt().clamp(min=1e-12)


def _adam_update(
    state: dict, group: dict, p: Tensor, g: Tensor, rate: float, *, decoupled: bool
) -> Tensor:
    """The displacement one ``torch.optim.Adam``/``AdamW`` step would make with gradient
    ``g`` from the moments in ``state`` (zero when empty), ``state`` left unchanged."""
    import torch

    beta1, beta2 = (float(b) for b in group["betas"])
    eps, wd = float(group["eps"]), float(group["weight_decay"])
    decoupled = bool(group.get("decoupled_weight_decay", decoupled))
    if group.get("maximize", False):
        g = -g
    d = torch.zeros_like(p)
    if wd != 0:
        if decoupled:
            d = rate * wd * p
        else:
            g = g.add(p, alpha=wd)
    step = float(state.get("step", 0)) + 1
    m = state.get("exp_avg", torch.zeros_like(p)).lerp(g, 1 - beta1)
    v = state.get("exp_avg_sq", torch.zeros_like(p)).mul(beta2).addcmul(g, g, value=1 - beta2)
    if group.get("amsgrad", False) and "max_exp_avg_sq" in state:
        v = torch.maximum(state["max_exp_avg_sq"], v)
    denom = (v.sqrt() / (1 - beta2**step) ** 0.5).add(eps)
    return d + (rate / (1 - beta1**step)) * m / denom


def _sgd_update(state: dict, group: dict, p: Tensor, g: Tensor, rate: float) -> Tensor:
    """The displacement one ``torch.optim.SGD`` step would make with gradient ``g`` from
    the momentum buffer in ``state`` (none before the first step), ``state`` unchanged."""
    if group.get("maximize", False):
        g = -g
    wd, momentum = float(group["weight_decay"]), float(group["momentum"])
    if wd != 0:
        g = g.add(p, alpha=wd)
    if momentum != 0:
        buf = state.get("momentum_buffer")
        buf = g.clone() if buf is None else buf.mul(momentum).add(g, alpha=1 - group["dampening"])
        g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
    return rate * g


def _optimizer_rule(optimizer: Optimizer) -> Rule:
    """The update rule of ``optimizer``'s exact class (Adam, AdamW or SGD)."""
    import torch

    rules: dict[type, Rule] = {
        torch.optim.Adam: partial(_adam_update, decoupled=False),
        torch.optim.AdamW: partial(_adam_update, decoupled=True),
        torch.optim.SGD: _sgd_update,
    }
    rule = rules.get(type(optimizer))
    if rule is None:
        raise InputError(
            f"step 'optimizer' reproduces the update of Adam, AdamW or SGD, not "
            f"{type(optimizer).__name__}; use step 'adam' or 'sgd'",
            field="step",
        )
    return rule


#: step name -> the rule it applies, given the run's optimizer (see the module docstring).
LOOKAHEAD_STEPS: dict[str, Callable[[Any], Rule]] = {
    "optimizer": _optimizer_rule,
    "adam": lambda optimizer: _unit_rms_update,
    "sgd": lambda optimizer: _gradient_update,
}


def _check_step(step: str) -> None:
    if step not in LOOKAHEAD_STEPS:
        raise InputError(
            f"unknown lookahead step {step!r}; use one of {', '.join(map(repr, LOOKAHEAD_STEPS))}",
            field="step",
        )


def lookahead_displacements(
    optimizer: Optimizer,
    params: Sequence[Tensor],
    grads: Sequence[Tensor | None],
    step: str = "optimizer",
    lr: float | None = None,
) -> list[Tensor | None]:
    """The lookahead displacement ``d`` of each tensor of ``params`` (same shape; the
    lookahead parameters are ``p - d``) for one source task's gradients ``grads`` (None:
    the tensor does not depend on that task; its ``d`` is None).

    Each tensor moves at the current learning rate of its own parameter group of
    ``optimizer`` (``lr``, when given, replaces every group's rate). ``step`` is a key of
    :data:`LOOKAHEAD_STEPS`; ``"optimizer"`` reads the optimizer's state (moments, step
    count, momentum buffer) and never writes it."""
    import torch

    _check_step(step)
    rule = LOOKAHEAD_STEPS[step](optimizer)
    groups = {id(p): group for group in optimizer.param_groups for p in group["params"]}
    out: list[Tensor | None] = []
    with torch.no_grad():
        for p, g in zip(params, grads, strict=True):
            if g is None:
                out.append(None)
                continue
            group = groups.get(id(p))
            if group is None:
                raise ValueError(
                    f"a shared tensor of shape {tuple(p.shape)} is not in the optimizer"
                )
            rate = float(group["lr"]) if lr is None else float(lr)
            out.append(rule(optimizer.state.get(p, {}), group, p.detach(), g, rate))
    return out


def lookahead_step(
    ctx: Any, tasks: tuple[str, ...], lr: float | None = None, step: str = "optimizer"
) -> np.ndarray:
    """One probed step: ``(n, n)`` array ``out[j, i] = Z[i -> j]`` (row = target ``j``,
    column = source ``i``), each source's lookahead made by
    :func:`lookahead_displacements` with ``ctx.optimizer`` (``step``, ``lr``: see there).
    Tasks absent from ``ctx.batches`` give NaN rows and columns."""
    import torch

    _check_step(step)
    n = len(tasks)
    out = np.full((n, n), np.nan)
    present = [t for t in tasks if t in ctx.batches]
    with torch.no_grad():
        before = {j: float(ctx.loss(j, ctx.batches[j])) for j in present}
    for src in present:
        i = tasks.index(src)
        with ctx.preserved():
            shared = ctx.shared_parameters()
            loss = ctx.loss(src, ctx.batches[src])
            grads = torch.autograd.grad(loss, shared, allow_unused=True)
            moves = lookahead_displacements(ctx.optimizer, shared, grads, step, lr)
            with torch.no_grad():
                for p, d in zip(shared, moves, strict=True):
                    if d is not None:
                        p -= d
                for tgt in present:
                    after = float(ctx.loss(tgt, ctx.batches[tgt]))
                    if before[tgt] > 0:
                        out[tasks.index(tgt), i] = 1.0 - after / before[tgt]
    return out


@register_estimator("tag")
class LookaheadAffinity(Estimator):
    """Lookahead task affinity (Fifty et al. 2021).

    Parameters
    ----------
    every:
        probe period ``k`` in optimizer steps.
    lookahead_lr:
        one learning rate for every shared tensor's lookahead step; None (default): each
        tensor's parameter group's current rate.
    step:
        the lookahead step, a key of :data:`LOOKAHEAD_STEPS`: "optimizer" (default: the
        run optimizer's own update with its state), "adam" (the gradient scaled to unit
        RMS per tensor) or "sgd" (``lr * grad``); see the module docstring.
    """

    def __init__(
        self, *, every: int = 10, lookahead_lr: float | None = None, step: str = "optimizer"
    ) -> None:
        self.every = every
        self.lookahead_lr = lookahead_lr
        self.step = step

    def estimate(
        self, suite: TaskSuite, backend: Backend, budget: Budget | None = None
    ) -> AffinityMatrix:
        """``values[j, i]`` = mean ``Z[i -> j]`` (row = target ``j``, column = source ``i``),
        in ``suite.names`` order, diagonal NaN (self-affinity is measured but not kept)."""
        budget = budget or Budget()
        lr, step = self.lookahead_lr, self.step
        _check_step(step)

        def measure(ctx: Any, tasks: tuple[str, ...]) -> np.ndarray:
            return lookahead_step(ctx, tasks, lr, step)

        n = len(suite.names)
        work = n + n * (n + 1) / 3.0  # n lookahead backward passes, n(n+1) forward losses
        values, cost, _ = run_probe(
            suite, backend, budget.seed, self.every, budget.max_steps, measure, work
        )
        return self._matrix(suite.names, values, cost, budget)
