"""Inference half of the multi-task trainer: scoring, gold log-probabilities, checkpoints.

:class:`TrainerInference` is a mixin of :class:`~taskaffinity.backends._train.Trainer`.
Checkpoint selection is per task: ``_evaluate_dev`` keeps, for each task, the shared body
and that task's head from the evaluation where the task's dev main score was best;
``final_metrics`` scores every task's test split from its own best checkpoint.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from taskaffinity.backends._config import TrainConfig
from taskaffinity.backends._task_state import IGNORE, _TaskState
from taskaffinity.metrics import evaluate

__all__ = ["TrainerInference"]


class TrainerInference:
    """Dev/test scoring and per-task best checkpoints of a trainer (a mixin).

    The trainer provides ``body``, ``cfg``, ``states`` and ``logits(name, batch)``.
    """

    body: Any
    cfg: TrainConfig
    states: dict[str, _TaskState]
    logits: Any

    # ---- checkpoints --------------------------------------------------------------
    def _snapshot(self, name: str) -> dict[str, Any]:
        body = {k: v.detach().clone() for k, v in self.body.state_dict().items()}
        head = {k: v.detach().clone() for k, v in self.states[name].head.state_dict().items()}
        return {"body": body, "head": head}

    def _restore(self, name: str, snap: dict[str, Any]) -> None:
        self.body.load_state_dict(snap["body"])
        self.states[name].head.load_state_dict(snap["head"])

    def _evaluate_dev(self, step: int) -> None:
        for name, state in self.states.items():
            score = self.score(name, "dev")[state.task.metric]
            if score > state.best_score or state.best_state is None:
                state.best_score, state.best_step = score, step
                state.best_state = self._snapshot(name)
        self.body.train()

    # ---- inference ----------------------------------------------------------------
    def _forward_split(self, name: str, split: str) -> list[Any]:
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

    def score(self, name: str, split: str) -> dict[str, float]:
        task = self.states[name].task
        examples = task.split(split)
        gold = [list(ex.tags) if task.kind == "tagging" else ex.label for ex in examples]
        return evaluate(task, gold, self.predict(name, split))

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

    def use_best(self, name: str) -> None:
        """Load task ``name``'s best dev checkpoint (body + its head)."""
        state = self.states[name]
        if state.best_state is not None:
            self._restore(name, state.best_state)

    def final_metrics(self) -> dict[str, dict[str, float]]:
        """Per task: test metrics and ``dev_`` metrics from its best dev checkpoint."""
        out: dict[str, dict[str, float]] = {}
        for name in self.states:
            self.use_best(name)
            test = self.score(name, "test")
            dev = self.score(name, "dev")
            out[name] = {**test, **{f"dev_{k}": v for k, v in dev.items()}}
        return out
