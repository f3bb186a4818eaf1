"""The shared body interface of hard parameter sharing, the task heads, and ``pad_2d``.

A backend supplies a :class:`Body` (the parameters shared by every task of a run); the
trainer adds one linear head per task. Data flow for a batch of ``B`` examples:

* classification: ``body(batch, "classification")`` -> ``(B, H)`` pooled vectors ->
  head -> ``(B, n_labels)`` logits;
* tagging: ``body(batch, "tagging")`` -> ``(B, T, H)``, one vector per token (the first
  sub-unit of each token: first character or first sub-word) -> head -> ``(B, T, n_tags)``.
  ``T`` is trimmed to the longest token sequence of the batch.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from torch import Tensor

    from taskaffinity.tasks import Example, Task

__all__ = ["Body", "head_seed", "make_head", "pad_2d"]


class Body:
    """Mixin documenting what the trainer needs from a backend's shared body.

    Concrete bodies are ``torch.nn.Module`` subclasses that also implement:

    * ``out_dim: int`` - width ``H`` of the vectors given to the heads;
    * ``featurize(task, examples, null) -> dict[str, Tensor]`` - tensors whose first
      dimension is ``len(examples)``; tagging tasks must include ``tmask`` ``(N, T)``
      (bool, True where token ``t`` is represented; a prefix per row: tokens beyond the
      body's length limit are not). ``null=True`` replaces every input by the empty input
      (classification: empty text; tagging: one placeholder symbol per token);
    * ``forward(batch, kind)`` - see the module docstring;
    * ``param_groups(lr) -> list[dict]`` - optimizer groups of the trainable parameters.
    """

    out_dim: int

    def featurize(self, task: Task, examples: Sequence[Example], null: bool) -> dict[str, Tensor]:
        raise NotImplementedError

    def param_groups(self, lr: float) -> list[dict[str, Any]]:
        params = [p for p in self.parameters() if p.requires_grad]  # type: ignore[attr-defined]
        return [{"params": params, "lr": lr}]


def head_seed(seed: int, task_name: str) -> int:
    """Seed of a task head's initialisation: the same in every run containing the task."""
    return (seed * 1_000_003 + zlib.crc32(task_name.encode())) % (2**63 - 1)


def make_head(in_dim: int, n_out: int, seed: int, task_name: str) -> torch.nn.Linear:
    """Linear task head, initialised from its own generator (independent of run members)."""
    import torch

    head = torch.nn.Linear(in_dim, n_out)
    gen = torch.Generator().manual_seed(head_seed(seed, task_name))
    bound = 1.0 / in_dim**0.5
    with torch.no_grad():
        head.weight.copy_(torch.rand(n_out, in_dim, generator=gen) * 2 * bound - bound)
        head.bias.zero_()
    return head


def pad_2d(rows: Sequence[Sequence[int]], value: int, width: int | None = None) -> Tensor:
    """``(N, width)`` long tensor of ``rows`` right-padded with ``value``."""
    import torch

    width = max((len(r) for r in rows), default=0) if width is None else width
    out = torch.full((len(rows), max(width, 1)), value, dtype=torch.long)
    for i, r in enumerate(rows):
        if r:
            out[i, : len(r)] = torch.as_tensor(r, dtype=torch.long)
    return out
