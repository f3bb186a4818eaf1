"""``EncoderConfig``: a Hugging Face encoder with a shared layer and task heads.

Extends :class:`~taskaffinity.backends.TrainConfig` with the fields of the encoder body.
"""

from __future__ import annotations

from dataclasses import dataclass

from taskaffinity._fields import option
from taskaffinity.backends._train_config import TrainConfig

__all__ = ["EncoderConfig"]


@dataclass
class EncoderConfig(TrainConfig):
    """A Hugging Face encoder (hub name or local path) with a shared layer and task heads."""

    model: str = option(
        "sentence-transformers/all-MiniLM-L6-v2",
        "hub name or local path",
        kind=str,
        nonempty=True,
        message="must name a hub model or a local path",
    )
    freeze: bool = option(
        False, "freeze the encoder; train only the shared layer and heads", kind=bool
    )
    encoder_lr: float = option(
        5e-5,
        "learning rate of the encoder's weights when fine-tuned",
        kind=float,
        gt=0,
        message="must be positive, got {value!r}",
    )
    shared_dim: int = option(
        256, "width of the trainable shared layer on top of the encoder", kind=int, gt=0
    )
    pooling: str = option(
        "mean", "sentence pooling for classification: 'mean' or 'cls'", choices=("mean", "cls")
    )
    max_len: int = option(128, "sub-word tokens kept per example", kind=int, gt=0)
    epochs: float = option(
        3.0, "passes over the union of the run's training sets", kind=float, gt=0
    )
