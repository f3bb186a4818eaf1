"""A fake backend with hand-made losses, so directions and formulas can be checked exactly.

Shared parameter ``w`` (2 values, starting at 0). Task losses (``TASK_LOSSES``):
``a = (w0 - 1)^2 + 100``, ``b = (w0 - 1)^2 + 0.1``, ``c = (w0 + 1)^2 + 1``,
``d = (w1 - 1)^2 + 1``. A step on ``a`` moves ``w0`` towards 1: it helps ``b`` (much, in
relative terms: ``b``'s loss is small), hurts ``c``, and leaves ``d`` alone.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import numpy as np

from taskaffinity.types import Cost

TASK_LOSSES = {
    "a": lambda w: (w[0] - 1) ** 2 + 100,
    "b": lambda w: (w[0] - 1) ** 2 + 0.1,
    "c": lambda w: (w[0] + 1) ** 2 + 1,
    "d": lambda w: (w[1] - 1) ** 2 + 1,
}


class FakeContext:
    def __init__(self, tasks: list[str], w: Any, lr: float) -> None:
        self.batches = {t: None for t in tasks}
        self.lr = lr
        self._w = w

    def loss(self, task: str, batch: Any) -> Any:
        return TASK_LOSSES[task](self._w)

    def shared_parameters(self) -> list[Any]:
        return [self._w]

    @contextmanager
    def preserved(self) -> Any:
        saved = self._w.detach().clone()
        try:
            yield
        finally:
            with __import__("torch").no_grad():
                self._w.copy_(saved)


class FakeBackend:
    """``train_with_probe``: ``steps`` steps, probing the fake context every ``probe.every``;
    ``gold_log_probs``: fixed arrays from ``logp[(task, null)]``."""

    def __init__(self, steps: int = 6, lr: float = 0.1, logp: dict | None = None) -> None:
        self.steps, self.lr, self.logp = steps, lr, logp or {}
        self.calls: list[tuple] = []

    def train_with_probe(self, tasks: list[str], suite: Any, seed: int, probe: Any) -> Cost:
        import torch

        w = torch.zeros(2, requires_grad=True)
        ctx = FakeContext(list(tasks), w, self.lr)
        for step in range(1, self.steps + 1):
            if step % probe.every == 0:
                probe.on_step(ctx)
        return Cost(0.5, self.steps, 10 * self.steps)

    def gold_log_probs(
        self, task: str, suite: Any, seed: int, *, null_input: bool, split: str = "test"
    ) -> tuple[np.ndarray, Cost]:
        self.calls.append((task, null_input, split))
        return np.asarray(self.logp[(task, null_input)], dtype=float), Cost(0.25, 3, 30)
