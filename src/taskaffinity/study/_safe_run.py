"""Train one run safely: an exception or a wrong key becomes a ``failed`` RunResult carrying
the error text, and the torch/BLAS thread limit of the process running it."""

from __future__ import annotations

import os
import sys
import time
import traceback
from typing import Any

from taskaffinity.types import Cost, RunResult, RunSpec

__all__ = ["failed_result", "safe_run", "set_threads"]


def failed_result(spec: RunSpec, error: str, seconds: float = 0.0) -> RunResult:
    """A ``failed`` RunResult for ``spec`` with the error text."""
    return RunResult(
        key=spec.key,
        tasks=spec.tasks,
        seed=spec.seed,
        cost=Cost(seconds=seconds),
        status="failed",
        error=error,
    )


def safe_run(backend: Any, spec: RunSpec, suite: Any) -> RunResult:
    """``backend.run(spec, suite)``; an exception becomes a failed result with its traceback."""
    start = time.perf_counter()
    try:
        result = backend.run(spec, suite)
    except Exception:
        return failed_result(spec, traceback.format_exc(), time.perf_counter() - start)
    if result.key != spec.key:
        return failed_result(spec, f"backend returned key {result.key}, expected {spec.key}")
    return result


def set_threads(n: int) -> None:
    """Limit torch and BLAS to ``n`` threads in this process: through the environment before
    torch is imported (torch reads ``OMP_NUM_THREADS`` at start-up), directly after."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(n)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(n)
