"""What a probe is handed during a training run: :class:`Probe` and :class:`ProbeContext`.

``train_with_probe`` (:mod:`taskaffinity.backends._capabilities`) runs
:func:`~taskaffinity.backends.training.fit_loop` with a :class:`Probe`: every
``probe.every`` optimizer steps, before that step's update, the loop calls
``probe.on_step(ctx)`` with a :class:`ProbeContext` (the trainer's state at that step:
one fresh training batch per task, the learning rate, the optimizer, losses and
parameters); an optional ``probe.on_end(ctx)`` is called once after the last step.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from torch import Tensor
    from torch.optim import Optimizer

    from taskaffinity.backends.training._protocol import Trainer

__all__ = ["Probe", "ProbeContext"]


@runtime_checkable
class Probe(Protocol):
    """What ``train_with_probe`` calls: ``every`` (steps) and ``on_step(ctx)``; an optional
    ``on_end(ctx)`` is called once after the last step."""

    every: int

    def on_step(self, ctx: ProbeContext) -> None: ...


class ProbeContext:
    """The state of a joint training run at one probed step.

    * ``step``: 1-based step about to be taken; ``total_steps``; ``tasks``: sorted names;
    * ``batches``: ``{task: batch}``, one fresh training batch per task;
    * ``lr``: the current learning rate of the optimizer's first parameter group;
    * ``optimizer``: the run's torch optimizer, for what a probe reads of it (each
      parameter group's current ``lr``, the per-parameter state); a probe never steps it
      nor writes its state.
    """

    def __init__(
        self,
        trainer: Trainer,
        step: int,
        batches: dict[str, dict[str, Tensor]],
        lr: float,
        optimizer: Optimizer,
    ) -> None:
        self._trainer = trainer
        self.step = step
        self.total_steps = trainer.total_steps
        self.tasks = tuple(trainer.train_sizes)
        self.batches = batches
        self.lr = lr
        self.optimizer = optimizer

    def loss(self, task: str, batch: dict[str, Tensor], *, train_mode: bool = False) -> Tensor:
        """Scalar loss of ``task`` on ``batch`` with the current parameters (has grad).

        ``train_mode=False`` (default) turns dropout off for a deterministic measurement.
        """
        tr = self._trainer
        tr.set_training(train_mode)
        try:
            return tr.loss(task, batch)
        finally:
            tr.set_training(True)

    def _held_out(self, what: str) -> Any:
        from taskaffinity.errors import InputError

        found = getattr(self._trainer, what, None)
        if found is None:
            raise InputError(
                f"this backend's trainer gives no batches of held-out splits ({what})",
                field="backend",
            )
        return found

    def examples(self, task: str, split: str, idx: Sequence[int]) -> dict[str, Tensor]:
        """The batch made of ``task``'s examples ``idx`` (positions in its ``split``:
        ``"train"``, ``"dev"`` or ``"test"``). Raises
        :class:`~taskaffinity.errors.InputError` when the backend's trainer cannot build
        batches of held-out splits."""
        return self._held_out("split_batch")(task, split, np.asarray(idx, dtype=np.int64))

    def split_size(self, task: str, split: str) -> int:
        """How many examples ``task``'s ``split`` has (what :meth:`examples` indexes)."""
        return int(self._held_out("split_size")(task, split))

    def shared_parameters(self) -> list[Tensor]:
        """The trainable parameters of the shared body (no task head)."""
        return self._trainer.shared_parameters()

    def head_parameters(self, task: str) -> list[Tensor]:
        """The parameters of ``task``'s own head (``[]`` when the backend has no heads)."""
        return self._trainer.head_parameters(task)

    @contextmanager
    def preserved(self) -> Iterator[None]:
        """Snapshot every trainable parameter (body and heads); restore them on exit."""
        import torch

        tr = self._trainer
        params = self.shared_parameters()
        for name in self.tasks:
            params += self.head_parameters(name)
        saved = [p.detach().clone() for p in params]
        try:
            yield
        finally:
            with torch.no_grad():
                for p, v in zip(params, saved, strict=True):
                    p.copy_(v)
                    p.grad = None
            tr.set_training(True)
