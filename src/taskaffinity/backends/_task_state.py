"""Per-task training state of the multi-task trainer: featurized splits, head, best checkpoint.

``IGNORE`` is the label id of positions without a gold label (padded or cut tokens, labels
outside the task's label set); the loss and the gold log-probabilities skip them.
"""

from __future__ import annotations

import math
from typing import Any

from taskaffinity.metrics import majority_label

__all__ = ["IGNORE"]

IGNORE = -100


class _TaskState:
    """One task's data (featurized splits, label ids), head and best checkpoint."""

    def __init__(self, task: Any, body: Any, head: Any, null: bool, device: Any) -> None:
        import torch

        self.task, self.head = task, head
        self.index = {label: i for i, label in enumerate(task.labels)}
        self.majority = majority_label(task)
        self.splits: dict[str, dict[str, Any]] = {}
        for split in ("train", "dev", "test"):
            examples = task.split(split)
            data = body.featurize(task, examples, null)
            if task.kind == "tagging":
                width = data["tmask"].shape[1]
                labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
                for i, ex in enumerate(examples):
                    n = min(len(ex.tags), width)
                    labels[i, :n] = torch.as_tensor(
                        [self.index.get(t, IGNORE) for t in ex.tags[:n]], dtype=torch.long
                    )
                labels[~data["tmask"]] = IGNORE
            else:
                labels = torch.as_tensor(
                    [self.index.get(ex.label, IGNORE) for ex in examples], dtype=torch.long
                )
            data["labels"] = labels
            self.splits[split] = {k: v.to(device) for k, v in data.items()}
        self.best_score = -math.inf
        self.best_state: dict[str, Any] | None = None
        self.best_step = 0
