"""Task and batch sampling shared by every trainer (same schedule for every backend).

One optimizer step trains one task, drawn with probability ``p_i ~ n_i^(1/T)``
(``T = temperature``; ``T = 1`` is examples-proportional sampling, Raffel et al. 2020);
its batch comes from an endless stream over that task's shuffled training set. The run
length is ``epochs`` passes over the union of the run's training sets.

Random streams (:func:`run_streams`). The paired (common-random-number) design: with
``random_streams="per_task"`` each task's batch order comes from its own
generator seeded by ``(seed, task name)``, so for one seed a task sees the same sequence
of batches in its single-task run and in every joint run that contains it (a joint run
only interleaves those sequences), while the interleaving and dropout are seeded per run
by ``(seed, the run's tasks)``. Together with a body initialised from ``seed`` alone and
heads initialised from ``(seed, task)``, a gain ``pair - single`` measured with one seed
then contains no noise from a different data order of the target task.
``random_streams="per_task_shared_torch"`` pairs the batch streams the same way but
leaves torch's generator (dropout) as the initialisation left it, common to the task's
single and joint runs as in ``per_run``.
``random_streams="per_run"`` (the default) draws the interleaving and every task's batches
from one generator seeded by ``seed`` (the batch order then depends on the partner) and
leaves torch's generator as the body's initialisation left it (so single and joint runs
of one seed start from the same dropout state). Measured on zh_classical with the demo's
design and ten seeds (``benchmarks/reliability.py``), ``per_task`` grids reproduce better
(replicate Spearman 0.80 against 0.69 with three seeds per replicate), so the demo uses
it; ``per_run`` stays the default, which keeps every stored run's key. Smaller, earlier
measurements (4 and 6 seeds) had shown no difference, and on en_text (frozen MiniLM) the
two are within 0.03. ``per_task_shared_torch`` gave results identical to ``per_task``
(the ``scratch`` defaults have no dropout).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from taskaffinity.backends._train_config import TrainConfig

__all__ = [
    "RUN_STREAMS",
    "RunStreams",
    "batch_streams",
    "run_streams",
    "stable_id",
    "step_counts",
    "task_probabilities",
]

RUN_STREAMS = ("per_run", "per_task", "per_task_shared_torch")
"""The values of ``TrainConfig.random_streams``."""


def step_counts(sizes: Mapping[str, int], cfg: TrainConfig) -> tuple[int, int]:
    """``(steps_per_epoch, total_steps)`` for training-set sizes ``sizes`` (task name ->
    training examples) under ``cfg``; an optimizer step takes ``cfg.grad_accum`` batches of
    ``cfg.batch_size``."""
    per_epoch = max(1, math.ceil(sum(sizes.values()) / (cfg.batch_size * cfg.grad_accum)))
    total = max(math.ceil(cfg.epochs * per_epoch), cfg.min_steps)
    return per_epoch, (min(total, cfg.max_steps) if cfg.max_steps else total)


def task_probabilities(sizes: np.ndarray, temperature: float) -> np.ndarray:
    """``(n_tasks,)`` sampling probabilities ``n_i^(1/T) / sum_j n_j^(1/T)`` of the
    ``(n_tasks,)`` float training-set sizes ``sizes``."""
    weights = sizes ** (1.0 / temperature)
    return weights / weights.sum()


def _stream(rng: np.random.Generator, n: int, batch_size: int) -> Iterator[np.ndarray]:
    while True:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield order[start : start + batch_size]


def batch_streams(
    rng: np.random.Generator, sizes: Mapping[str, int], batch_size: int
) -> dict[str, Iterator[np.ndarray]]:
    """Endless per-task streams of batch indices over reshuffled training sets, all drawn
    from the one generator ``rng``."""
    return {name: _stream(rng, n, batch_size) for name, n in sizes.items()}


def stable_id(*parts: str) -> int:
    """A 64-bit integer from ``parts`` (SHA-256), the same in every process and release."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


@dataclass(frozen=True, eq=False)
class RunStreams:
    """The random streams of one run: ``order`` (which task each step trains),
    ``batches`` (task -> endless stream of batch indices) and ``torch_seed``, the seed
    torch's generator (dropout) is reset to before training, or None to leave it as the
    initialisation left it."""

    order: np.random.Generator
    batches: dict[str, Iterator[np.ndarray]]
    torch_seed: int | None


def run_streams(
    mode: str, seed: int, sizes: Mapping[str, int], batch_size: int, *, offset: int = 0
) -> RunStreams:
    """The streams of a run of the tasks in ``sizes`` (task -> training examples) under
    ``seed``; ``mode`` is ``"per_task"`` (paired design, see the module docstring) or
    ``"per_run"``. ``offset`` shifts every seed (a probe's batches use another stream)."""
    names: Sequence[str] = sorted(sizes)
    if mode == "per_run":
        rng = np.random.default_rng(seed + offset)
        return RunStreams(rng, batch_streams(rng, sizes, batch_size), None)
    if mode not in ("per_task", "per_task_shared_torch"):
        raise ValueError(f"random_streams must be one of {RUN_STREAMS}, got {mode!r}")
    run = stable_id("run", *names)
    batches = {
        name: _stream(
            np.random.default_rng([seed + offset, stable_id("task", name)]), n, batch_size
        )
        for name, n in sizes.items()
    }
    order = np.random.default_rng([seed + offset, run])
    if mode == "per_task_shared_torch":
        return RunStreams(order, batches, None)
    torch_seed = int(np.random.default_rng([seed + offset, run, 1]).integers(2**62))
    return RunStreams(order, batches, torch_seed)
