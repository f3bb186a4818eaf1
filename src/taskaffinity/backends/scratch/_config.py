"""``ScratchConfig``: the hyperparameters of the ``scratch`` backend's character Transformer.

Extends :class:`~taskaffinity.backends.TrainConfig` with the fields of the body.
"""

from __future__ import annotations

from dataclasses import dataclass

from taskaffinity._fields import option
from taskaffinity.backends._train_config import TrainConfig
from taskaffinity.errors import InputError

__all__ = ["ScratchConfig"]


@dataclass
class ScratchConfig(TrainConfig):
    """Character-level Transformer encoder trained from random initialisation.

    Defaults were tuned on zh-classical for the demo's budget (2 CPU cores): one layer of
    width 128 scored as well as two layers (or width 96) and trains ~35% faster; dropout
    0 scored as well as 0.1 within 3 epochs (best-dev checkpoints guard against
    over-fitting) and saves another ~25% of CPU time.
    """

    epochs: float = option(
        3.0, "passes over the union of the run's training sets", kind=float, gt=0
    )
    lr: float = option(
        2e-3, "peak AdamW learning rate of the trained body and the heads", kind=float, gt=0
    )
    dropout: float = option(0.0, "dropout probability in the shared body", kind=float, ge=0, lt=1)
    d_model: int = option(128, "width of the character Transformer", kind=int, gt=0)
    layers: int = option(1, "Transformer encoder layers", kind=int, gt=0)
    heads: int = option(4, "attention heads (must divide d_model)", kind=int, gt=0)
    ff_dim: int = option(256, "feed-forward width inside each layer", kind=int, gt=0)
    max_len: int = option(
        64, "characters kept per example (longer inputs are truncated)", kind=int, gt=0
    )
    min_char_count: int = option(
        1, "characters rarer than this in the suite's train text -> UNK", kind=int, gt=0
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.d_model % self.heads:
            raise InputError(f"d_model {self.d_model} is not divisible by it", field="heads")
