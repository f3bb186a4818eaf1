"""The training loop shared by every trainer (task heads or a shared LoRA adapter).

AdamW with linear warm-up (``warmup`` share of the steps) then linear (``schedule:
linear``) or cosine decay to zero; one task per optimizer step (``grad_accum`` batches of
``batch_size`` examples of that task, their mean loss's gradient), drawn by
``task_probabilities``, its batches from the run's streams
(:func:`~taskaffinity.backends.training.run_streams`: one generator per run by default,
or the paired design, each task's batch order from its own ``(seed, task)`` generator;
the probe's batches from streams seeded ``seed + 7919``). Dev is scored every
``eval_every`` steps (default once per epoch) and at the last step (only there with
``checkpoint: last``), with the exponential moving average of the weights when ``ema > 0``
(:class:`~taskaffinity.backends.training.WeightAverage`).

Micro-batches: with ``micro_batch`` below ``batch_size`` (set by the user, or by the
out-of-memory retry, :mod:`taskaffinity.backends.training._memory`), each batch drawn is
cut into consecutive pieces of at most ``micro_batch`` examples, one forward and backward
pass each, their gradients summed with the weights of :func:`micro_weights`: the step
draws the same examples and follows the gradient of the same mean loss (up to floating
point rounding), only with less memory. At ``micro_batch >= batch_size`` (the default)
each batch is one pass, exactly as before micro-batches existed.

What the loop uses of a trainer is the :class:`~taskaffinity.backends.training.Trainer`
protocol.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.backends.training._averaging import WeightAverage
from taskaffinity.backends.training._probe import ProbeContext
from taskaffinity.backends.training._sampling import run_streams, task_probabilities

if TYPE_CHECKING:
    from torch import Tensor

    from taskaffinity.backends.training._probe import Probe
    from taskaffinity.backends.training._protocol import Trainer

__all__ = ["PROBE_SEED_OFFSET", "fit_loop", "micro_weights"]

PROBE_SEED_OFFSET = 7919


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
    micro = cfg.micro_batch or cfg.batch_size
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
            if micro >= len(idx):  # one pass (the default)
                loss = trainer.loss(name, trainer.batch(name, idx))
                (loss / cfg.grad_accum).backward() if cfg.grad_accum > 1 else loss.backward()
            else:
                _backward_in_pieces(trainer, name, idx, micro, cfg.grad_accum)
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


def micro_weights(terms: list[int]) -> list[float]:
    """The weight of each micro-batch's mean loss, given ``terms``, how many loss terms
    each averages over: its share of the batch's terms, so that the weighted sum is the
    whole batch's mean loss (by the shares of examples when no piece has a term)."""
    total = sum(terms)
    if total == 0:
        return [1.0 / len(terms)] * len(terms)
    return [n / total for n in terms]


def _backward_in_pieces(
    trainer: Trainer, name: str, idx: np.ndarray, micro: int, accum: int
) -> None:
    """Accumulate the gradient of task ``name``'s mean loss over the batch ``idx``
    (``(B,)`` training positions) in pieces of at most ``micro`` examples, scaled by
    ``1 / accum`` as a whole batch is; pieces without a loss term are skipped."""
    pieces = [idx[s : s + micro] for s in range(0, len(idx), micro)]
    batches = [trainer.batch(name, piece) for piece in pieces]
    count = getattr(trainer, "loss_terms", None)
    terms = [int(count(name, b)) if count else len(p) for b, p in zip(batches, pieces, strict=True)]
    if sum(terms) == 0:
        terms = [len(p) for p in pieces]
    for batch, n, weight in zip(batches, terms, micro_weights(terms), strict=True):
        if n == 0:
            continue
        loss = trainer.loss(name, batch)
        (loss * (weight / accum)).backward()
