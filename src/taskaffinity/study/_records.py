"""JSON records of run specs and run results, as stored in the ``spec`` and ``result``
columns of the SQLite result store."""

from __future__ import annotations

from typing import Any

from taskaffinity.types import Cost, RunResult, RunSpec

__all__ = ["result_from_dict", "result_to_dict", "spec_from_dict", "spec_to_dict"]


def spec_to_dict(spec: RunSpec) -> dict[str, Any]:
    return {
        "tasks": list(spec.tasks),
        "backend": spec.backend,
        "backend_config": dict(spec.backend_config),
        "seed": spec.seed,
        "suite": spec.suite,
    }


def spec_from_dict(d: dict[str, Any]) -> RunSpec:
    return RunSpec(tuple(d["tasks"]), d["backend"], d["backend_config"], d["seed"], d["suite"])


def result_to_dict(r: RunResult) -> dict[str, Any]:
    return {
        "key": r.key,
        "tasks": list(r.tasks),
        "seed": r.seed,
        "scores": dict(r.scores),
        "metrics": {t: dict(m) for t, m in r.metrics.items()},
        "cost": r.cost.to_dict(),
        "status": r.status,
        "error": r.error,
    }


def result_from_dict(d: dict[str, Any]) -> RunResult:
    return RunResult(
        key=d["key"],
        tasks=tuple(d["tasks"]),
        seed=d["seed"],
        scores=d["scores"],
        metrics=d["metrics"],
        cost=Cost(**d["cost"]),
        status=d["status"],
        error=d["error"],
    )
