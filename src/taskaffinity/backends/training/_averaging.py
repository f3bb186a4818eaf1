"""Exponential moving average (EMA) of a run's trained weights, used for scoring.

With ``ema = d > 0`` (:class:`~taskaffinity.backends.TrainConfig`), after every optimizer
step each trained parameter ``w`` updates its average ``a <- a + (1 - d_t) (w - a)``,
with the warm-up ``d_t = min(d, (1 + t) / (10 + t))`` after step ``t`` (as TensorFlow's
``ExponentialMovingAverage`` with ``num_updates``), so early averages are not dominated
by the random initialisation. Dev scoring (and so every per-task checkpoint, and the
test scores taken from it) sees the averaged weights: :meth:`WeightAverage.swapped`
exchanges the live and the averaged values in place for the duration of a ``with``
block, and training continues from the live weights afterwards.

An average of the iterates over the last ~``1 / (1 - d)`` steps has a smaller
seed-to-seed variance than the last iterate (Polyak-Ruppert averaging; Izmailov et al.
2018, SWA), which is what a gain matrix needs: ``benchmarks/reliability.py`` measures it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from torch import Tensor

__all__ = ["WeightAverage"]


class WeightAverage:
    """The EMA (decay ``decay`` in (0, 1)) of ``params``, the tensors an optimizer trains."""

    def __init__(self, params: Iterable[Tensor], decay: float) -> None:
        import torch

        self.decay = decay
        # detached views of the trained tensors (same storage), made once, not every step
        self.live = [p.detach() for p in params if p.requires_grad]
        with torch.no_grad():
            self.average = [w.clone() for w in self.live]

    def rate(self, step: int) -> float:
        """``1 - d_t`` after optimizer step ``step`` (1-based)."""
        return 1.0 - min(self.decay, (1.0 + step) / (10.0 + step))

    def update(self, step: int) -> None:
        """Move the average toward the live weights after optimizer step ``step``."""
        import torch

        with torch.no_grad():
            torch._foreach_lerp_(self.average, self.live, self.rate(step))

    @contextmanager
    def swapped(self) -> Iterator[None]:
        """Inside the block the parameters hold the averaged values; on leaving, the live
        values are back (and the average is unchanged)."""
        import torch

        with torch.no_grad():
            kept = [w.clone() for w in self.live]
            torch._foreach_copy_(self.live, self.average)
        try:
            yield
        finally:
            with torch.no_grad():
                torch._foreach_copy_(self.live, kept)
