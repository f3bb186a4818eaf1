"""Run one estimator, or reuse its estimate from a cache directory.

``run_estimator`` caches an estimate as ``<method>[.max<steps>].json`` (PVI also writes its
per-instance values and groups as CSV) under a key of everything the estimate depends on:
method, hyperparameters, backend and its config, suite fingerprint, seed and step cap.
``load_affinity`` rebuilds an AffinityMatrix from its ``to_dict()`` JSON form.

``runs``: a study's stored runs, handed to estimators whose ``estimate`` takes a ``runs``
keyword (PVI reuses the single-task runs as its models on the real inputs; the estimate
then costs only its new training). The keys of the runs handed over are part of the
cache key, so an estimate computed without them is not mistaken for one with them.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.affinity._base import get_estimator
from taskaffinity.affinity._budget import Budget, cost_fraction
from taskaffinity.errors import InputError
from taskaffinity.types import AffinityMatrix, Cost

if TYPE_CHECKING:
    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite
    from taskaffinity.types import RunResult

__all__ = ["load_affinity", "run_estimator"]


def _key(
    method: str,
    params: dict,
    backend: Backend,
    suite: TaskSuite,
    budget: Budget,
    reused: list[str],
) -> str:
    config = getattr(backend, "config", None)  # a plug-in backend may keep none
    if config is None:  # what of it enters a run's key stands for it
        cfg: Any = dict(backend.spec((suite.names[0],), 0, suite).backend_config)
    else:
        cfg = config.to_dict() if hasattr(config, "to_dict") else config
    fields: list[Any] = [method, params, getattr(backend, "name", ""), cfg, suite.fingerprint,
                         budget.seed, budget.max_steps]  # fmt: skip
    if reused:
        fields.append(reused)
    payload = json.dumps(fields, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def load_affinity(data: dict[str, Any]) -> AffinityMatrix:
    """An AffinityMatrix from its ``to_dict()`` JSON form."""
    cost = data.get("cost", {})
    values = np.array([[np.nan if v is None else v for v in row] for row in data["values"]])
    return AffinityMatrix(
        tasks=tuple(data["tasks"]),
        values=values.astype(float),
        method=data["method"],
        cost=Cost(cost.get("seconds", 0.0), cost.get("steps", 0), cost.get("examples", 0)),
        cost_fraction=cost.get("fraction"),
        params=data.get("params", {}),
    )


def run_estimator(
    method: str,
    suite: TaskSuite,
    backend: Backend,
    budget: Budget,
    *,
    cache_dir: Path | None = None,
    params: dict[str, Any] | None = None,
    force: bool = False,
    runs: Sequence[RunResult] | None = None,
    cached_only: bool = False,
) -> tuple[AffinityMatrix, Any]:
    """Run (or reuse from ``cache_dir``) one estimator; returns the matrix and the
    estimator object (None when reused from the cache). ``runs``: stored runs the
    estimator may reuse (module docstring). ``cached_only``: the task data is not here
    (a study folder moved without it), so nothing can be estimated: the cached estimate is
    returned as it is (its key cannot be recomputed without the data), and InputError
    is raised when there is none."""
    stem = method if budget.max_steps is None else f"{method}.max{budget.max_steps}"
    if cached_only:
        path = cache_dir / f"{stem}.json" if cache_dir else None
        if path is None or not path.is_file():
            raise InputError(
                f"estimating {method!r} trains on the tasks' data, which is not here; this "
                "folder has no cached estimate of it",
                file=path or cache_dir,
            )
        aff = load_affinity(json.loads(path.read_text(encoding="utf-8")))
        return _with_fraction(aff, budget), None
    est = get_estimator(method, **(params or {}))
    takes_runs = "runs" in inspect.signature(est.estimate).parameters
    handed = list(runs) if (runs and takes_runs) else []
    key = _key(method, est.get_params(), backend, suite, budget, sorted(r.key for r in handed))
    path = cache_dir / f"{stem}.json" if cache_dir else None
    if path is not None and path.is_file() and not force:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") == key:
            aff = load_affinity(data)
            return _with_fraction(aff, budget), None
    try:
        aff = (
            est.estimate(suite, backend, budget, runs=handed)
            if handed
            else est.estimate(suite, backend, budget)
        )
    except AttributeError as err:
        if err.obj is not backend or err.name not in _CAPABILITIES:
            raise
        raise InputError(
            f"the estimator {method!r} needs the backend capability {err.name!r} "
            f"(taskaffinity.backends), which the backend {getattr(backend, 'name', backend)!r} "
            "does not offer; the built-in backends scratch, encoder and lora offer it",
            field="method",
        ) from err
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**aff.to_dict(), "key": key}, indent=1), encoding="utf-8")
        if hasattr(est, "result_"):
            est.result_.to_csv(path.with_name(f"{stem}_instances.csv"))
            est.grouping_.to_csv(path.with_name(f"{stem}_groups.csv"))
    return aff, est


_CAPABILITIES = ("gold_log_probs", "train_with_probe")
"""What estimators ask a backend for beyond ``run`` (:mod:`taskaffinity.backends`)."""


def _with_fraction(aff: AffinityMatrix, budget: Budget) -> AffinityMatrix:
    return AffinityMatrix(
        aff.tasks, aff.values, aff.method, aff.cost, cost_fraction(aff.cost, budget.reference),
        aff.params,
    )  # fmt: skip
