"""Trainer of the ``lora`` backend: one LoRA adapter shared by every task of a run.

Same schedule as :class:`~taskaffinity.backends._train.Trainer` (one task per optimizer
step, examples-proportional sampling, ``epochs`` over the union of the training sets,
AdamW with linear warm-up and decay; :mod:`taskaffinity.backends._sampling`). The loss
is the mean token cross-entropy of the answer tokens (prompt and padding ignored).
Dev is scored every ``eval_every`` steps (default once per epoch) and at the end; each
task keeps the adapter weights of its best dev score (only the adapter is copied).

It exposes what :class:`~taskaffinity.backends._capabilities.ProbeContext` uses
(``body``, ``states``, ``loss``, ``shared_parameters``, ``total_steps``); a task's
``head`` is an empty module: the adapter is shared, nothing is task-specific.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from taskaffinity.backends._lora_infer import LoraInference
from taskaffinity.backends._lora_prompts import PromptEncoder, collate
from taskaffinity.backends._sampling import batch_streams, step_counts, task_probabilities

__all__ = ["LoraTrainer"]


class _LoraTask:
    """One task's prompts (per split), scoring state and best adapter checkpoint."""

    def __init__(self, task: Any, tok: Any, cfg: Any, null: bool) -> None:
        import torch

        self.task, self.null = task, null
        self.head = torch.nn.Module()  # no task-specific parameters
        self.encoder = PromptEncoder(tok, task, cfg)
        self.train_rows = self.encoder.rows(task.train, null)
        self.best_score = -math.inf
        self.best_state: dict[str, Any] | None = None
        self.best_step = 0


class LoraTrainer(LoraInference):
    """Trains the adapter of ``model`` (a peft model) on ``tasks``; see module docstring."""

    def __init__(
        self, model: Any, tok: Any, tasks: Sequence[Any], cfg: Any, seed: int, *, null: bool
    ) -> None:
        import torch

        self.body, self.tok, self.cfg, self.seed = model, tok, cfg, seed
        self.device = torch.device(cfg.device)
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        self.states = {t.name: _LoraTask(t, tok, cfg, null) for t in sorted(tasks, key=_name)}
        self.sizes = np.array([len(s.task.train) for s in self.states.values()], dtype=float)
        self.steps_per_epoch, self.total_steps = step_counts(self.sizes, cfg)
        self.steps = 0
        self.examples = 0

    def shared_parameters(self) -> list[Any]:
        """The adapter's weights (the only trainable parameters)."""
        return [p for p in self.body.parameters() if p.requires_grad]

    def batch(self, name: str, idx: np.ndarray) -> dict[str, Any]:
        rows = self.states[name].train_rows
        return collate([rows[int(i)] for i in idx], self.pad_id, self.device)

    def loss(self, name: str, batch: dict[str, Any]) -> Any:
        """Mean cross-entropy over the answer tokens of ``batch`` (scalar, has grad)."""
        return self.body(**batch).loss

    def train_loss(self, name: str) -> float:
        """Mean cross-entropy per answer token over task ``name``'s training set
        (dropout off, no gradient)."""
        import torch

        self.body.eval()
        rows, tokens, total = self.states[name].train_rows, 0, 0.0
        with torch.inference_mode():
            for s in range(0, len(rows), self.cfg.eval_batch_size):
                batch = collate(rows[s : s + self.cfg.eval_batch_size], self.pad_id, self.device)
                n = int((batch["labels"][:, 1:] != -100).sum())
                total, tokens = total + float(self.loss(name, batch)) * n, tokens + n
        return total / max(tokens, 1)

    def fit(self, probe: Any = None) -> None:
        """Train for ``total_steps``, scoring dev and keeping per-task best adapters."""
        import torch

        cfg, names = self.cfg, list(self.states)
        opt = torch.optim.AdamW(self.shared_parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        warm = int(cfg.warmup * self.total_steps)

        def factor(step: int) -> float:
            if step < warm:
                return (step + 1) / (warm + 1)
            return max(0.0, (self.total_steps - step) / max(1, self.total_steps - warm))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
        probs = task_probabilities(self.sizes, cfg.temperature)
        rng = np.random.default_rng(self.seed)
        sizes = {n: len(s.task.train) for n, s in self.states.items()}
        iters = batch_streams(rng, sizes, cfg.batch_size)
        probe_iters = None
        if probe is not None:
            probe_iters = batch_streams(
                np.random.default_rng(self.seed + 7919), sizes, cfg.batch_size
            )
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
            loss = self.loss(name, batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            self.steps += 1
            self.examples += int(batch["input_ids"].shape[0])
            if step % every == 0 or step == self.total_steps:
                self._evaluate_dev(step)
        self.body.eval()


def _name(task: Any) -> str:
    return task.name
