"""The head trainer: hard parameter sharing, sampled tasks, per-task best checkpoints.

One shared body (a :class:`~taskaffinity.backends.heads.Body`) and one linear head per
task. One optimizer step trains one task: the task is drawn with probability
``p_i ~ n_i^(1/T)`` (``T = temperature``; ``T = 1`` is examples-proportional sampling,
Raffel et al. 2020), then a batch of that task is drawn from its shuffled training set
(:func:`~taskaffinity.backends.training.fit_loop`). The dev split of every task is scored
every ``eval_every`` steps (default: once per epoch over the union of the training sets)
and at the end. **Checkpoint selection is per task**: for each task, the shared body and
that task's head are kept from the evaluation where the task's dev main score was best;
its test score comes from that checkpoint
(:class:`~taskaffinity.backends.training.CheckpointSelection`). With ``checkpoint: last``
dev is scored once, after the last step, and every task is tested with the last weights;
with ``ema > 0`` the weights scored (and kept) are the moving average.

Scoring: ``predict`` takes the argmax of the head's logits (per token for tagging);
``gold_log_probs`` reads the gold label's log-softmax probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.backends.heads._body import make_head
from taskaffinity.backends.heads._task_state import TaskState
from taskaffinity.backends.training import (
    IGNORE,
    CheckpointSelection,
    fit_loop,
    step_counts,
)

if TYPE_CHECKING:
    from torch import Tensor

    from taskaffinity.backends._train_config import TrainConfig
    from taskaffinity.backends.heads._body import Body
    from taskaffinity.backends.training import Probe
    from taskaffinity.tasks import Task

__all__ = ["HeadTrainer"]


class HeadTrainer(CheckpointSelection[TaskState]):
    """Trains ``body`` with one head per task of ``tasks`` (see module docstring).

    Implements :class:`~taskaffinity.backends.training.Trainer` (what ``fit_loop`` needs).
    """

    def __init__(
        self, body: Body, tasks: Sequence[Task], config: TrainConfig, seed: int, *, null: bool
    ) -> None:
        import torch

        self.cfg, self.seed, self.device = config, seed, torch.device(config.device)
        self.body = body.to(self.device)
        self.states: dict[str, TaskState] = {}
        for task in sorted(tasks, key=lambda t: t.name):
            head = make_head(body.out_dim, len(task.labels), seed, task.name).to(self.device)
            self.states[task.name] = TaskState(task, body, head, null, self.device)
        self.train_sizes = {name: len(s.task.train) for name, s in self.states.items()}
        self.steps_per_epoch, self.total_steps = step_counts(self.train_sizes, config)
        self.steps = 0
        self.examples = 0

    # ---- model pieces -------------------------------------------------------------
    def logits(self, name: str, batch: dict[str, Tensor]) -> Tensor:
        """``(B, n_labels)`` or ``(B, T, n_tags)`` logits of task ``name`` on ``batch``."""
        state = self.states[name]
        return state.head(self.body(batch, state.task.kind))

    def loss(self, name: str, batch: dict[str, Tensor]) -> Tensor:
        """Mean cross-entropy of task ``name`` on ``batch`` (ignores padded tokens)."""
        import torch.nn.functional as F

        logits = self.logits(name, batch)
        labels = batch["labels"]
        if logits.dim() == 3:
            labels = labels[:, : logits.shape[1]]
        return F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE
        )

    def loss_terms(self, name: str, batch: dict[str, Tensor]) -> int:
        """How many labels (classification) or tokens (tagging) :meth:`loss` averages
        over: those not :data:`~taskaffinity.backends.training.IGNORE`."""
        return int((batch["labels"] != IGNORE).sum())

    def shared_parameters(self) -> list[Tensor]:
        """The body's trainable parameters."""
        return [p for p in self.body.parameters() if p.requires_grad]

    def head_parameters(self, name: str) -> list[Tensor]:
        """The parameters of task ``name``'s head."""
        return list(self.states[name].head.parameters())

    def set_training(self, mode: bool) -> None:
        self.body.train(mode)
        for state in self.states.values():
            state.head.train(mode)

    # ---- training -----------------------------------------------------------------
    def batch(self, name: str, idx: np.ndarray) -> dict[str, Tensor]:
        import torch

        sel = torch.as_tensor(idx, dtype=torch.long, device=self.device)
        return {k: v[sel] for k, v in self.states[name].splits["train"].items()}

    def split_batch(self, name: str, split: str, idx: np.ndarray) -> dict[str, Tensor]:
        """The batch of task ``name``'s examples ``idx`` of ``split`` (train/dev/test)."""
        import torch

        sel = torch.as_tensor(idx, dtype=torch.long, device=self.device)
        return {k: v[sel] for k, v in self.states[name].splits[split].items()}

    def split_size(self, name: str, split: str) -> int:
        """Number of examples in task ``name``'s ``split``."""
        return int(self.states[name].splits[split]["labels"].shape[0])

    def fit(self, probe: Probe | None = None) -> None:
        """Train for ``total_steps`` (:func:`~taskaffinity.backends.training.fit_loop`): the
        body's parameter groups and every head at ``lr``; per-task best checkpoints."""
        params = self.body.param_groups(self.cfg.lr)
        for s in self.states.values():
            params.append({"params": list(s.head.parameters()), "lr": self.cfg.lr})
        fit_loop(self, params, probe)

    # ---- checkpoints --------------------------------------------------------------
    def snapshot(self, name: str) -> dict[str, Any]:
        """Copies of the body's and task ``name``'s head's weights."""
        body = {k: v.detach().clone() for k, v in self.body.state_dict().items()}
        head = {k: v.detach().clone() for k, v in self.states[name].head.state_dict().items()}
        return {"body": body, "head": head}

    def restore(self, name: str, snap: dict[str, Any]) -> None:
        self.body.load_state_dict(snap["body"])
        self.states[name].head.load_state_dict(snap["head"])

    # ---- inference ----------------------------------------------------------------
    def _forward_split(self, name: str, split: str) -> list[Tensor]:
        """Log-probabilities per eval batch: ``(b, C)`` or ``(b, T, C)`` tensors."""
        import torch

        state = self.states[name]
        data = state.splits[split]
        n = data["labels"].shape[0]
        self.body.eval()
        state.head.eval()
        out = []
        with torch.inference_mode():
            for start in range(0, n, self.cfg.eval_batch_size):
                batch = {k: v[start : start + self.cfg.eval_batch_size] for k, v in data.items()}
                out.append(torch.log_softmax(self.logits(name, batch).float(), dim=-1).cpu())
        return out

    def predict(self, name: str, split: str) -> list[Any]:
        """Predicted labels (classification) or tag lists (tagging) for ``split``.

        Tokens beyond the body's length limit get the task's majority train tag.
        """
        state = self.states[name]
        labels = state.task.labels
        examples = state.task.split(split)
        preds: list[Any] = []
        for lp in self._forward_split(name, split):
            ids = lp.argmax(-1).tolist()
            preds.extend(ids)
        if state.task.kind != "tagging":
            return [labels[i] for i in preds]
        out = []
        for ex, row in zip(examples, preds, strict=True):
            tags = [labels[i] for i in row[: len(ex.tags)]]
            out.append(tags + [state.majority] * (len(ex.tags) - len(tags)))
        return out

    def gold_log_probs(self, name: str, split: str) -> np.ndarray:
        """``(N,)`` natural-log probability of each example's gold label; for tagging the
        mean over its represented tokens of the gold tag's log-probability."""
        import torch

        labels = self.states[name].splits[split]["labels"].cpu()
        out, start = [], 0
        for lp in self._forward_split(name, split):
            gold = labels[start : start + lp.shape[0]]
            start += lp.shape[0]
            if lp.dim() == 3:
                gold = gold[:, : lp.shape[1]]
                keep = gold != IGNORE
                picked = lp.gather(-1, gold.clamp(min=0).unsqueeze(-1)).squeeze(-1) * keep
                out.append(picked.sum(1) / keep.sum(1).clamp(min=1))
            else:
                out.append(lp.gather(-1, gold.clamp(min=0).unsqueeze(-1)).squeeze(-1))
        return torch.cat(out).numpy().astype(np.float64)
