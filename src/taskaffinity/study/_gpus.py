"""GPUs of one machine shared out to the local executor's workers.

Each worker process gets its own ``CUDA_VISIBLE_DEVICES`` (set in the worker before torch
initialises CUDA there), so ``workers: N`` on an N-GPU machine trains N runs on N GPUs
instead of N runs on ``cuda:0``. ``executor.gpus_per_run`` sizes a worker's share as on
Ray: ``1`` (or ``0``, the default) one GPU each, ``0.5`` two workers per GPU, ``2`` two
GPUs per worker. More workers than the GPUs hold is refused before anything runs.
"""

from __future__ import annotations

import math
import os
import sys
from typing import TYPE_CHECKING, Any

from taskaffinity.errors import InputError

if TYPE_CHECKING:
    from taskaffinity.config import ExecutorConfig

__all__ = ["backend_wants_gpu", "cuda_initialised", "visible_gpus", "worker_gpus"]


def visible_gpus() -> list[int]:
    """GPU ids this process may hand out: ``0..n-1`` for the ``n`` CUDA devices torch sees
    (``CUDA_VISIBLE_DEVICES`` already applied; torch is not imported when it is absent,
    CUDA is not initialised here). Empty without torch or GPUs."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) == "":
        return []
    try:
        import torch
    except ImportError:
        return []
    try:
        return list(range(torch.cuda.device_count()))
    except Exception:  # a broken driver: no GPU to hand out
        return []


def backend_wants_gpu(backend: Any) -> bool:
    """Whether ``backend`` trains on whichever GPU it is given: its ``config.device`` is
    ``cuda`` or ``auto`` (no for ``cuda:N``: a device pinned by index, which a worker that
    sees one GPU would not have; no for backends without such a config)."""
    device = getattr(getattr(backend, "config", None), "device", None)
    return device in ("cuda", "auto")


def worker_gpus(ex: ExecutorConfig, workers: int, backend: Any) -> list[str] | None:
    """``CUDA_VISIBLE_DEVICES`` of each of ``workers`` local worker slots (one string per
    slot, e.g. ``["0", "1"]``; ``"0,1"`` for a slot of two GPUs), or None when the workers
    are not given GPUs (``executor.gpus: []``; ``auto`` with a backend that does not want
    a GPU or no GPU visible; the Ray executor, which places runs itself).

    Raises :class:`InputError` (field ``executor.workers``) naming what to change when the
    GPUs cannot hold ``workers`` workers at ``gpus_per_run`` each, and (field
    ``executor.gpus_per_run``) for a share above 1 that is not a whole number."""
    if ex.kind != "local":
        return None
    if ex.gpus == "auto":
        gpus = visible_gpus() if backend_wants_gpu(backend) else []
    else:
        gpus = list(ex.gpus)
    if not gpus:
        return None
    share = ex.gpus_per_run or 1.0
    if share > 1 and not float(share).is_integer():
        raise InputError(
            f"a worker gets a whole number of GPUs or a fraction of one, not {share:g}",
            field="executor.gpus_per_run",
        )
    per_gpu = 1 if share >= 1 else math.floor(1 / share + 1e-9)
    width = max(1, int(share))
    slots = (
        [str(g) for g in gpus for _ in range(per_gpu)]
        if share < 1
        else [
            ",".join(str(g) for g in gpus[i : i + width])
            for i in range(0, len(gpus) - width + 1, width)
        ]
    )
    if workers > len(slots):
        listed = ", ".join(str(g) for g in gpus)
        raise InputError(
            f"{workers} workers at gpus_per_run {share:g} need more GPUs than the "
            f"{len(gpus)} given ({listed}), which hold {len(slots)} worker(s): set "
            f"workers to {len(slots)} or less, list more GPUs in executor.gpus, or share "
            f"GPUs with gpus_per_run: {_sharing(workers, len(gpus))}",
            field="executor.workers",
        )
    return slots[:workers]


def _sharing(workers: int, n_gpus: int) -> str:
    """The ``gpus_per_run`` fraction that fits ``workers`` workers on ``n_gpus`` GPUs."""
    per_gpu = math.ceil(workers / n_gpus)
    return f"{1 / per_gpu:.4g}"


def cuda_initialised() -> bool:
    """Whether torch has already initialised CUDA in this process (then a new
    ``CUDA_VISIBLE_DEVICES`` no longer applies here)."""
    torch = sys.modules.get("torch")
    return bool(torch is not None and torch.cuda.is_initialized())
