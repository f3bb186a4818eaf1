"""The training loop shared by every trainer (task heads or a shared LoRA adapter).

AdamW with linear warm-up (``warmup`` share of the steps) then linear (``schedule:
linear``) or cosine decay to zero; one task per optimizer step (``grad_accum`` batches of
that task, their mean loss's gradient), drawn by ``task_probabilities``, its batch from
the run's streams
(:func:`~taskaffinity.backends.heads._sampling.run_streams`: one generator per run by
default, or the paired design, each task's batch order from its own ``(seed, task)``
generator; the probe's batches from streams seeded ``seed + 7919``). Dev
is scored every ``eval_every`` steps (default once per epoch) and at the last step (only
there with ``checkpoint: last``), with
the exponential moving average of the weights when ``ema > 0``
(:class:`~taskaffinity.backends.heads._averaging.WeightAverage`).

:class:`Trainer` states what :func:`fit_loop` (and the
:class:`~taskaffinity.backends.ProbeContext` it hands to a probe) uses of a trainer.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from taskaffinity.backends._capabilities import ProbeContext
from taskaffinity.backends.heads._averaging import WeightAverage
from taskaffinity.backends.heads._sampling import run_streams, task_probabilities

if TYPE_CHECKING:
    from torch import Tensor

    from taskaffinity.backends._capabilities import Probe
    from taskaffinity.backends._train_config import TrainConfig

__all__ = ["PROBE_SEED_OFFSET", "Trainer", "fit_loop"]

PROBE_SEED_OFFSET = 7919


class Trainer(Protocol):
    """What :func:`fit_loop` needs from a trainer.

    * ``cfg``: the run's hyperparameters (``lr``, ``weight_decay``, ``warmup``,
      ``temperature``, ``batch_size``, ``eval_every``); ``seed``: the run's seed;
    * ``train_sizes``: task name -> number of training examples, in sorted name order
      (the order tasks are drawn in);
    * ``steps_per_epoch``, ``total_steps``: the run length; ``steps`` and ``examples``:
      counters the loop advances (optimizer steps taken, training examples seen);
    * ``loss``, ``set_training``, ``shared_parameters`` and ``head_parameters`` are also
      what the :class:`~taskaffinity.backends.ProbeContext` handed to a probe uses.
    """

    cfg: TrainConfig
    seed: int
    train_sizes: dict[str, int]
    steps_per_epoch: int
    total_steps: int
    steps: int
    examples: int

    def batch(self, name: str, idx: np.ndarray) -> dict[str, Tensor]:
        """The training batch of task ``name`` made of its training examples ``idx``."""
        ...

    def loss(self, name: str, batch: dict[str, Tensor]) -> Tensor:
        """Scalar training loss of task ``name`` on ``batch`` (has grad)."""
        ...

    def set_training(self, mode: bool) -> None:
        """Dropout on (``True``) or off in every trained module."""
        ...

    def evaluate_dev(self, step: int) -> None:
        """Score every task's dev split after ``step`` steps; keep per-task best checkpoints."""
        ...

    def shared_parameters(self) -> list[Tensor]:
        """The trainable parameters shared by every task."""
        ...

    def head_parameters(self, name: str) -> list[Tensor]:
        """The parameters of task ``name`` alone (``[]`` when it has no head)."""
        ...


def fit_loop(
    trainer: Trainer,
    params: Iterable[Tensor] | Iterable[dict[str, Any]],
    probe: Probe | None = None,
) -> None:
    """Train ``trainer`` for ``trainer.total_steps`` steps on ``params`` (an iterable of
    tensors or AdamW parameter groups); call ``probe.on_step`` every ``probe.every`` steps
    and ``probe.on_end`` (when the probe has one) once after the last step."""
    import torch

    cfg, total = trainer.cfg, trainer.total_steps
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    warm = int(cfg.warmup * total)

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / (warm + 1)
        left = max(0.0, (total - step) / max(1, total - warm))  # 1 -> 0 after warm-up
        return left if cfg.schedule == "linear" else 0.5 * (1.0 - math.cos(math.pi * left))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    average = None
    if cfg.ema > 0:
        average = WeightAverage((p for g in opt.param_groups for p in g["params"]), cfg.ema)
    sizes = dict(trainer.train_sizes)
    names = list(sizes)
    probs = task_probabilities(np.array(list(sizes.values()), dtype=float), cfg.temperature)
    streams = run_streams(cfg.random_streams, trainer.seed, sizes, cfg.batch_size)
    rng, iters = streams.order, streams.batches
    if streams.torch_seed is not None:
        torch.manual_seed(streams.torch_seed)
    probe_iters = None
    if probe is not None:
        probe_iters = run_streams(
            cfg.random_streams, trainer.seed, sizes, cfg.batch_size, offset=PROBE_SEED_OFFSET
        ).batches
    every = cfg.eval_every or trainer.steps_per_epoch
    if cfg.checkpoint == "last":
        every = total + 1  # dev only after the last step
    trainer.set_training(True)
    for step in range(1, total + 1):
        if probe is not None and probe_iters is not None and step % probe.every == 0:
            batches = {n: trainer.batch(n, next(probe_iters[n])) for n in names}
            probe.on_step(ProbeContext(trainer, step, batches, sched.get_last_lr()[0], opt))
            trainer.set_training(True)
        name = names[int(rng.choice(len(names), p=probs))] if len(names) > 1 else names[0]
        opt.zero_grad(set_to_none=True)
        for _ in range(cfg.grad_accum):
            idx = next(iters[name])
            loss = trainer.loss(name, trainer.batch(name, idx))
            (loss / cfg.grad_accum).backward() if cfg.grad_accum > 1 else loss.backward()
            trainer.examples += len(idx)
        opt.step()
        sched.step()
        trainer.steps += 1
        if average is not None:
            average.update(step)
        if step % every == 0 or step == total:
            with average.swapped() if average is not None else contextlib.nullcontext():
                trainer.evaluate_dev(step)
    on_end = getattr(probe, "on_end", None)
    if on_end is not None:
        on_end(ProbeContext(trainer, total, {}, sched.get_last_lr()[0], opt))
    trainer.set_training(False)
