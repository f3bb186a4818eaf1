"""A fake backend with hand-made losses, so directions and formulas can be checked exactly.

Shared parameter ``w`` (2 values, starting at 0). Task losses (``TASK_LOSSES``):
``a = (w0 - 1)^2 + 100``, ``b = (w0 - 1)^2 + 0.1``, ``c = (w0 + 1)^2 + 1``,
``d = (w1 - 1)^2 + 1``. A step on ``a`` moves ``w0`` towards 1: it helps ``b`` (much, in
relative terms: ``b``'s loss is small), hurts ``c``, and leaves ``d`` alone.
``TensorContext`` is the same kind of probe context over any tensors, losses and optimizer.
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


class TensorContext:
    """A probe context over given tensors: ``losses[task](params) -> scalar``, stepped by a
    real torch ``optimizer`` (its parameter groups carry the learning rates)."""

    def __init__(self, params: list[Any], losses: dict[str, Any], optimizer: Any) -> None:
        self.batches = {t: None for t in losses}
        self.optimizer = optimizer
        self.lr = float(optimizer.param_groups[0]["lr"])
        self._params = list(params)
        self._losses = losses

    def loss(self, task: str, batch: Any) -> Any:
        return self._losses[task](self._params)

    def shared_parameters(self) -> list[Any]:
        return list(self._params)

    @contextmanager
    def preserved(self) -> Any:
        import torch

        saved = [p.detach().clone() for p in self._params]
        try:
            yield
        finally:
            with torch.no_grad():
                for p, v in zip(self._params, saved, strict=True):
                    p.copy_(v)


class FakeContext(TensorContext):
    """The losses of ``TASK_LOSSES`` over ``w``, one parameter group at ``lr`` (plain SGD)."""

    def __init__(self, tasks: list[str], w: Any, lr: float) -> None:
        import torch

        losses = {t: (lambda p, f=TASK_LOSSES[t]: f(p[0])) for t in tasks}
        super().__init__([w], losses, torch.optim.SGD([w], lr=lr))


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
