"""Task and batch sampling shared by every trainer (same schedule for every backend).

One optimizer step trains one task, drawn with probability ``p_i ~ n_i^(1/T)``
(``T = temperature``; ``T = 1`` is examples-proportional sampling, Raffel et al. 2020);
its batch comes from an endless stream over that task's shuffled training set. The run
length is ``epochs`` passes over the union of the run's training sets.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from taskaffinity.backends._train_config import TrainConfig

__all__ = ["batch_streams", "step_counts", "task_probabilities"]


def step_counts(sizes: Mapping[str, int], cfg: TrainConfig) -> tuple[int, int]:
    """``(steps_per_epoch, total_steps)`` for training-set sizes ``sizes`` (task name ->
    training examples) under ``cfg``."""
    per_epoch = max(1, math.ceil(sum(sizes.values()) / cfg.batch_size))
    total = max(math.ceil(cfg.epochs * per_epoch), cfg.min_steps)
    return per_epoch, (min(total, cfg.max_steps) if cfg.max_steps else total)


def task_probabilities(sizes: np.ndarray, temperature: float) -> np.ndarray:
    """``(n_tasks,)`` sampling probabilities ``n_i^(1/T) / sum_j n_j^(1/T)`` of the
    ``(n_tasks,)`` float training-set sizes ``sizes``."""
    weights = sizes ** (1.0 / temperature)
    return weights / weights.sum()


def batch_streams(
    rng: np.random.Generator, sizes: Mapping[str, int], batch_size: int
) -> dict[str, Iterator[np.ndarray]]:
    """Endless per-task streams of batch indices over reshuffled training sets."""

    def gen(n: int) -> Iterator[np.ndarray]:
        while True:
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                yield order[start : start + batch_size]

    return {name: gen(n) for name, n in sizes.items()}
