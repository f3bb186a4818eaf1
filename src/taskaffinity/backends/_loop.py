"""The training loop shared by every trainer (task heads or a shared LoRA adapter).

AdamW with linear warm-up (``warmup`` share of the steps) then linear decay to zero; one
task per optimizer step, drawn by :func:`~taskaffinity.backends._sampling.task_probabilities`,
its batch from :func:`~taskaffinity.backends._sampling.batch_streams` (seeded by the run's
seed; the probe's batches from a second stream seeded ``seed + 7919``). Dev is scored every
``eval_every`` steps (default once per epoch) and at the last step.

A trainer passed to :func:`fit_loop` provides ``cfg``, ``seed``, ``states`` (task name ->
state with a ``task`` and a torch ``head`` module), ``sizes``, ``total_steps``,
``steps_per_epoch``, ``body``, ``batch(name, idx)``, ``loss(name, batch)`` and
``_evaluate_dev(step)``; it counts ``steps`` and ``examples``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from taskaffinity.backends._sampling import batch_streams, task_probabilities

__all__ = ["fit_loop"]

PROBE_SEED_OFFSET = 7919


def fit_loop(trainer: Any, params: Any, probe: Any = None) -> None:
    """Train ``trainer`` for ``trainer.total_steps`` steps on ``params`` (an iterable of
    tensors or AdamW parameter groups); call ``probe.on_step`` every ``probe.every`` steps."""
    import torch

    cfg, total = trainer.cfg, trainer.total_steps
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    warm = int(cfg.warmup * total)

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / (warm + 1)
        return max(0.0, (total - step) / max(1, total - warm))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    names = list(trainer.states)
    probs = task_probabilities(trainer.sizes, cfg.temperature)
    rng = np.random.default_rng(trainer.seed)
    sizes = {name: len(s.task.train) for name, s in trainer.states.items()}
    iters = batch_streams(rng, sizes, cfg.batch_size)
    probe_iters = None
    if probe is not None:
        probe_rng = np.random.default_rng(trainer.seed + PROBE_SEED_OFFSET)
        probe_iters = batch_streams(probe_rng, sizes, cfg.batch_size)
    every = cfg.eval_every or trainer.steps_per_epoch
    trainer.body.train()
    for step in range(1, total + 1):
        if probe is not None and step % probe.every == 0:
            from taskaffinity.backends._capabilities import ProbeContext

            batches = {n: trainer.batch(n, next(probe_iters[n])) for n in names}
            probe.on_step(ProbeContext(trainer, step, batches, sched.get_last_lr()[0]))
            trainer.body.train()
        name = names[int(rng.choice(len(names), p=probs))] if len(names) > 1 else names[0]
        idx = next(iters[name])
        batch = trainer.batch(name, idx)
        trainer.states[name].head.train()
        loss = trainer.loss(name, batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        trainer.steps += 1
        trainer.examples += len(idx)
        if step % every == 0 or step == total:
            trainer._evaluate_dev(step)
    trainer.body.eval()
