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
from taskaffinity.backends._loop import fit_loop
from taskaffinity.backends._sampling import step_counts
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
    def batch(self, name: str, idx: np.ndarray) -> dict[str, Any]:
        import torch

        sel = torch.as_tensor(idx, dtype=torch.long, device=self.device)
        return {k: v[sel] for k, v in self.states[name].splits["train"].items()}

    def fit(self, probe: Any = None) -> None:
        """Train for ``total_steps`` (:func:`~taskaffinity.backends._loop.fit_loop`): the
        body's parameter groups and every head at ``lr``; per-task best checkpoints."""
        params = self.body.param_groups(self.cfg.lr)
        for s in self.states.values():
            params.append({"params": list(s.head.parameters()), "lr": self.cfg.lr})
        fit_loop(self, params, probe)
