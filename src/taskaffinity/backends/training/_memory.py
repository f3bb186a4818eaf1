"""Out of memory: recognised, retried with smaller micro-batches, or told in one line.

A run that runs out of memory (CUDA's ``torch.OutOfMemoryError``, the MPS backend's
"out of memory" ``RuntimeError``, a CPU ``MemoryError`` or the CPU allocator's "can't
allocate memory", the messages accelerate's ``find_executable_batch_size`` looks for) is
handled by :func:`fit_in_memory`:

* with ``oom_retry: true`` (or ``batch_size: auto``) it is trained again from the start
  with half the micro-batch (``micro_batch``), so twice as many forward and backward
  passes per batch, down to a micro-batch of 1. Every optimizer step still draws the same
  ``batch_size * grad_accum`` examples and follows the gradient of their mean loss
  (:func:`~taskaffinity.backends.training.fit_loop`), so the run's key, its data and its
  schedule are unchanged; scoring uses ``eval_batch_size`` divided by the same factor.
  The micro-batch that fitted is what :func:`fit_in_memory` returns (a run stores it as
  the ``micro_batch`` entry of each task's metrics);
* otherwise, or when even a micro-batch of 1 does not fit, it raises
  :class:`RunOutOfMemoryError`, whose one-line message names the run, the device,
  ``batch_size``, ``max_len`` and what to lower (a study stores it as the run's error).

Between attempts the memory the failed attempt held is released (garbage collection,
then the CUDA / MPS caching allocator's cache).
"""

from __future__ import annotations

import dataclasses
import gc
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from taskaffinity.errors import TaskAffinityError

if TYPE_CHECKING:
    from taskaffinity.backends._train_config import TrainConfig

__all__ = [
    "OUT_OF_MEMORY_MESSAGES",
    "RunOutOfMemoryError",
    "fit_in_memory",
    "is_out_of_memory",
    "release_memory",
]

T = TypeVar("T")

OUT_OF_MEMORY_MESSAGES = (
    "CUDA out of memory",
    "CUDA error: out of memory",
    "CUBLAS_STATUS_ALLOC_FAILED",
    "MPS backend out of memory",
    "DefaultCPUAllocator: can't allocate memory",
)
"""Texts of a ``RuntimeError`` that reports an allocation failure (older torch releases
raise CUDA's as a plain ``RuntimeError``)."""


class RunOutOfMemoryError(TaskAffinityError, RuntimeError):
    """A run ran out of memory and was not (or could not be) retried; ``str(err)`` is one
    line naming the run, the device, ``batch_size``, ``max_len`` and what to lower."""


def is_out_of_memory(err: BaseException) -> bool:
    """Whether ``err`` reports that memory ran out (see the module docstring)."""
    if isinstance(err, MemoryError):
        return True
    torch = sys.modules.get("torch")  # an error of torch means torch is imported
    if torch is not None:
        cuda = getattr(torch, "cuda", None)
        kinds = (getattr(torch, "OutOfMemoryError", None), getattr(cuda, "OutOfMemoryError", None))
        if any(k is not None and isinstance(err, k) for k in kinds):
            return True
    return isinstance(err, RuntimeError) and any(m in str(err) for m in OUT_OF_MEMORY_MESSAGES)


def release_memory() -> None:
    """Collect garbage and empty torch's CUDA and MPS caches (where in use)."""
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is None:
        return
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.empty_cache()
    mps = getattr(torch, "mps", None)
    if mps is not None and torch.backends.mps.is_available():
        mps.empty_cache()


def fit_in_memory(
    cfg: TrainConfig, label: str, attempt: Callable[[TrainConfig], T], *, retry: bool = True
) -> tuple[T, int]:
    """``(attempt(cfg), micro-batch used)``, retried on out-of-memory as the module
    docstring says. ``label`` names the run in the error message (e.g. ``"run 3f2a...
    (tasks a+b, seed 0)"``); ``attempt`` trains and scores from scratch under the config
    it is given (``cfg`` with ``micro_batch`` and ``eval_batch_size`` set). ``retry=False``:
    never retried, whatever ``oom_retry`` says (an attempt with side effects, e.g. a
    probe's, must run once)."""
    micro = min(cfg.micro_batch or cfg.batch_size, cfg.batch_size)
    evaluate = cfg.eval_batch_size
    while True:
        trial = dataclasses.replace(cfg, micro_batch=micro, eval_batch_size=evaluate)
        try:
            return attempt(trial), micro
        except Exception as err:  # MemoryError is an Exception too
            if not is_out_of_memory(err):
                raise
            reason = _first_line(err)
        # outside the handler: the failed attempt's frames (and tensors) are unreachable
        release_memory()
        if not (retry and cfg.oom_retry) or micro <= 1:
            raise RunOutOfMemoryError(_message(cfg, label, micro, reason, retry))
        micro, evaluate = math.ceil(micro / 2), math.ceil(evaluate / 2)


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    first = text[0] if text else ""
    first = first if len(first) <= 160 else first[:157] + "..."
    return f"{type(err).__name__}: {first}" if first else type(err).__name__


def _message(cfg: TrainConfig, label: str, micro: int, reason: str, retry: bool) -> str:
    """The one-line error of a run that ran out of memory at micro-batch ``micro``
    (``retry``: whether ``oom_retry`` could have retried it)."""
    max_len = getattr(cfg, "max_len", None)
    sizes = f"batch_size {cfg.batch_size}"
    if micro < cfg.batch_size:
        sizes += f", micro-batch {micro}"
    if max_len is not None:
        sizes += f", max_len {max_len}"
    lower = "max_len" if max_len is not None else "the model's size"
    first = "micro_batch" if micro < cfg.batch_size else "batch_size (or set micro_batch)"
    also = " or max_len" if max_len is not None else ""
    if retry and cfg.oom_retry:
        advice = f"it does not fit even at micro-batch 1: lower {lower} or eval_batch_size"
    elif retry:
        advice = (
            f"lower {first}{also}, or set oom_retry: true (or batch_size: auto) to retry "
            "with smaller micro-batches"
        )
    else:
        advice = f"lower {first}{also} (a probed run is not retried)"
    return f"{label} ran out of memory on {cfg.device} ({sizes}): {advice} [{reason}]"
