"""Multi-task trainer: hard parameter sharing, sampled tasks, per-task best checkpoints.

One optimizer step trains one task: the task is drawn with probability
``p_i ~ n_i^(1/T)`` (``T = temperature``; ``T = 1`` is examples-proportional sampling,
Raffel et al. 2020), then a batch of that task is drawn from its shuffled training set.
The dev split of every task is scored every ``eval_every`` steps (default: once per epoch
over the union of the training sets) and at the end. **Checkpoint selection is per
task**: for each task, the shared body and that task's head are kept from the evaluation
where the task's dev main score was best; its test score comes from that checkpoint.

The per-task state lives in :mod:`taskaffinity.backends._task_state`; scoring and
checkpoint selection in :mod:`taskaffinity.backends._inference`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from taskaffinity.backends._body import make_head
from taskaffinity.backends._config import TrainConfig
from taskaffinity.backends._inference import TrainerInference
from taskaffinity.backends._sampling import batch_streams, step_counts, task_probabilities
from taskaffinity.backends._task_state import IGNORE, _TaskState

__all__ = ["Trainer"]


class Trainer(TrainerInference):
    """Trains ``body`` with one head per task of ``tasks`` (see module docstring)."""

    def __init__(
        self, body: Any, tasks: Sequence[Any], config: TrainConfig, seed: int, *, null: bool
    ) -> None:
        import torch

        self.cfg, self.seed, self.device = config, seed, torch.device(config.device)
        self.body = body.to(self.device)
        self.states: dict[str, _TaskState] = {}
        for task in sorted(tasks, key=lambda t: t.name):
            head = make_head(body.out_dim, len(task.labels), seed, task.name).to(self.device)
            self.states[task.name] = _TaskState(task, body, head, null, self.device)
        self.sizes = np.array([len(s.task.train) for s in self.states.values()], dtype=float)
        self.steps_per_epoch, self.total_steps = step_counts(self.sizes, config)
        self.steps = 0
        self.examples = 0

    # ---- model pieces -------------------------------------------------------------
    def logits(self, name: str, batch: dict[str, Any]) -> Any:
        state = self.states[name]
        return state.head(self.body(batch, state.task.kind))

    def loss(self, name: str, batch: dict[str, Any]) -> Any:
        """Mean cross-entropy of task ``name`` on ``batch`` (ignores padded tokens)."""
        import torch.nn.functional as F

        logits = self.logits(name, batch)
        labels = batch["labels"]
        if logits.dim() == 3:
            labels = labels[:, : logits.shape[1]]
        return F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE
        )

    def shared_parameters(self) -> list[Any]:
        return [p for p in self.body.parameters() if p.requires_grad]

    # ---- training -----------------------------------------------------------------
    def _batches(self, rng: np.random.Generator) -> dict[str, Any]:
        """Endless per-task batch index generators over shuffled training sets."""
        sizes = {name: len(s.task.train) for name, s in self.states.items()}
        return batch_streams(rng, sizes, self.cfg.batch_size)

    def batch(self, name: str, idx: np.ndarray) -> dict[str, Any]:
        import torch

        sel = torch.as_tensor(idx, dtype=torch.long, device=self.device)
        return {k: v[sel] for k, v in self.states[name].splits["train"].items()}

    def fit(self, probe: Any = None) -> None:
        """Train for ``total_steps``, scoring dev and keeping per-task best checkpoints."""
        import torch

        cfg = self.cfg
        params = self.body.param_groups(cfg.lr)
        for s in self.states.values():
            params.append({"params": list(s.head.parameters()), "lr": cfg.lr})
        opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
        warm = int(cfg.warmup * self.total_steps)

        def factor(step: int) -> float:
            if step < warm:
                return (step + 1) / (warm + 1)
            return max(0.0, (self.total_steps - step) / max(1, self.total_steps - warm))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
        names = list(self.states)
        probs = task_probabilities(self.sizes, cfg.temperature)
        rng = np.random.default_rng(self.seed)
        iters = self._batches(rng)
        probe_iters = self._batches(np.random.default_rng(self.seed + 7919)) if probe else None
        every = cfg.eval_every or self.steps_per_epoch
        self.body.train()
        for step in range(1, self.total_steps + 1):
            if probe is not None and step % probe.every == 0:
                from taskaffinity.backends._capabilities import ProbeContext

                batches = {n: self.batch(n, next(probe_iters[n])) for n in names}
                probe.on_step(ProbeContext(self, step, batches, sched.get_last_lr()[0]))
                self.body.train()
            name = names[int(rng.choice(len(names), p=probs))] if len(names) > 1 else names[0]
            batch = self.batch(name, next(iters[name]))
            self.states[name].head.train()
            loss = self.loss(name, batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            self.steps += 1
            self.examples += int(batch["labels"].shape[0])
            if step % every == 0 or step == self.total_steps:
                self._evaluate_dev(step)
        self.body.eval()
