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

from taskaffinity.backends._loop import fit_loop
from taskaffinity.backends._lora_infer import LoraInference
from taskaffinity.backends._lora_prompts import PromptEncoder, collate
from taskaffinity.backends._sampling import step_counts

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
        """Train the adapter for ``total_steps`` (:func:`~taskaffinity.backends._loop.fit_loop`),
        scoring dev and keeping per-task best adapters."""
        fit_loop(self, self.shared_parameters(), probe)


def _name(task: Any) -> str:
    return task.name
