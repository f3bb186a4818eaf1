"""Per-task training state of the head trainer: featurized splits, head, best checkpoint.

Positions without a gold label (padded or cut tokens, labels outside the task's label
set) carry :data:`~taskaffinity.backends.training.IGNORE`; the losses and the gold
log-probabilities skip them. With the null input (tagging) a token counts only where
the real input represents it too: one placeholder per token fits more tokens under the
length limit than the real characters or sub-words, and the two models of PVI must be
trained on and scored over the same tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taskaffinity.backends.training._labels import IGNORE
from taskaffinity.backends.training._selection import TaskCheckpoint
from taskaffinity.metrics import majority_label

if TYPE_CHECKING:
    import torch
    from torch import Tensor

    from taskaffinity.backends.heads._body import Body
    from taskaffinity.tasks import Task

__all__ = ["TaskState"]


class TaskState(TaskCheckpoint):
    """One task's data (featurized splits, label ids), head and best checkpoint.

    ``splits[split]``: the body's features of that split plus ``labels``, ``(N,)`` label
    ids (classification) or ``(N, T)`` tag ids (tagging, ``IGNORE`` where no token is
    represented; with ``null``, also where the real input would not represent it), on
    ``device``.
    """

    def __init__(
        self, task: Task, body: Body, head: torch.nn.Module, null: bool, device: torch.device
    ) -> None:
        import torch

        super().__init__(task)
        self.head = head
        self.index = {label: i for i, label in enumerate(task.labels)}
        self.majority = majority_label(task)
        self.splits: dict[str, dict[str, Tensor]] = {}
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
                if null:  # only the tokens the real input keeps
                    real = body.featurize(task, examples, False)["tmask"]
                    keep = torch.zeros_like(data["tmask"])
                    w = min(width, real.shape[1])
                    keep[:, :w] = real[:, :w]
                    labels[~keep] = IGNORE
            else:
                labels = torch.as_tensor(
                    [self.index.get(ex.label, IGNORE) for ex in examples], dtype=torch.long
                )
            data["labels"] = labels
            self.splits[split] = {k: v.to(device) for k, v in data.items()}
