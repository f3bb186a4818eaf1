"""``IGNORE``: the label id of positions without a gold label.

Padded or cut tokens, labels outside a task's label set and the prompt tokens of the
``lora`` backend carry it; every trainer's loss (``ignore_index``), its count of loss
terms and its gold log-probabilities skip them.
"""

from __future__ import annotations

__all__ = ["IGNORE"]

IGNORE = -100
"""Label id skipped by the losses (PyTorch's default ``ignore_index``)."""
