"""The :class:`Trainer` protocol: what the shared training loop and a probe use of a trainer.

Both trainers of this package implement it: the head trainer
(:class:`~taskaffinity.backends.heads.HeadTrainer`, one shared body and one head per task)
and the ``lora`` backend's :class:`~taskaffinity.backends.lora.LoraTrainer` (one shared
adapter, no heads). :func:`~taskaffinity.backends.training.fit_loop` trains one, and the
:class:`~taskaffinity.backends.training.ProbeContext` handed to a probe reads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np
    from torch import Tensor

    from taskaffinity.backends._train_config import TrainConfig

__all__ = ["Trainer"]


class Trainer(Protocol):
    """What :func:`~taskaffinity.backends.training.fit_loop` needs from a trainer.

    * ``cfg``: the run's hyperparameters (``lr``, ``weight_decay``, ``warmup``,
      ``temperature``, ``batch_size``, ``micro_batch``, ``eval_every``); ``seed``: the
      run's seed;
    * ``train_sizes``: task name -> number of training examples, in sorted name order
      (the order tasks are drawn in);
    * ``steps_per_epoch``, ``total_steps``: the run length; ``steps`` and ``examples``:
      counters the loop advances (optimizer steps taken, training examples seen);
    * ``loss``, ``set_training``, ``shared_parameters`` and ``head_parameters`` are also
      what the :class:`~taskaffinity.backends.training.ProbeContext` handed to a probe
      uses.

    Optional: ``loss_terms(name, batch) -> int``, how many terms ``loss`` averages over
    (labelled examples or tokens). With it, a batch split into micro-batches
    (``micro_batch < batch_size``) weighs each micro-batch's mean loss by its share of
    the terms, so the step's gradient is the gradient of the whole batch's mean loss;
    without it, by its share of the examples.
    """

    cfg: TrainConfig
    seed: int
    train_sizes: dict[str, int]
    steps_per_epoch: int
    total_steps: int
    steps: int
    examples: int

    def batch(self, name: str, idx: np.ndarray) -> dict[str, Tensor]:
        """The training batch of task ``name`` made of its training examples ``idx``
        (``(B,)`` positions in its training split)."""
        ...

    def loss(self, name: str, batch: dict[str, Tensor]) -> Tensor:
        """Scalar training loss of task ``name`` on ``batch`` (has grad)."""
        ...

    def set_training(self, mode: bool) -> None:
        """Dropout on (``True``) or off in every trained module."""
        ...

    def evaluate_dev(self, step: int) -> None:
        """Score every task's dev split after ``step`` steps; keep per-task best checkpoints."""
        ...

    def shared_parameters(self) -> list[Tensor]:
        """The trainable parameters shared by every task."""
        ...

    def head_parameters(self, name: str) -> list[Tensor]:
        """The parameters of task ``name`` alone (``[]`` when it has no head)."""
        ...
