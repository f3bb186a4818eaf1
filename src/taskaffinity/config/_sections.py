"""Sections of a study config: the backend (:class:`BackendConfig`), the plan of task groups
(:class:`PlanConfig`) and the executor (:class:`ExecutorConfig`), each validating itself and
raising :class:`InputError` with a dotted ``field``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from taskaffinity._fields import check_fields, option
from taskaffinity.errors import InputError

__all__ = ["BackendConfig", "ExecutorConfig", "PlanConfig"]


@dataclass
class BackendConfig:
    """Which backend trains each run, with its hyperparameters (passed unchanged)."""

    name: str = option(
        "scratch",
        "backend name, e.g. scratch, encoder",
        kind=str,
        nonempty=True,
        message="backend name must be a non-empty string",
    )
    params: dict[str, Any] = option(
        default_factory=dict, help="hyperparameters of the backend (its own names)"
    )

    def __post_init__(self) -> None:
        check_fields(self, prefix="backend.")
        if not isinstance(self.params, dict):  # the backend mapping itself holds them
            raise InputError("backend hyperparameters must be a mapping", field="backend")


@dataclass
class PlanConfig:
    """Which task groups to train: each alone, every pair, all together, explicit groups."""

    singles: bool = option(
        True, "train every task alone", kind=bool, message="must be true or false"
    )
    pairs: bool = option(
        True, "train every pair of tasks", kind=bool, message="must be true or false"
    )
    all: bool = option(
        True,
        "train all tasks together in one network",
        kind=bool,
        message="must be true or false",
    )
    groups: list[list[str]] = option(
        default_factory=list,
        help="explicit groups of task names to train together",
        kind=list,
        message="must be a list of lists of task names",
    )
    adaptive: dict[str, Any] | None = option(
        None,
        "train further seeds only for runs whose cells are not settled: "
        "{max_seeds: K, until: settled | grouping}",
        kind=dict,
        nullable=True,
        message="must be a mapping {{max_seeds: K, until: settled | grouping}}",
    )

    def __post_init__(self) -> None:
        check_fields(self, prefix="plan.")
        if not (self.singles or self.pairs or self.all or self.groups):
            raise InputError(
                "the plan trains nothing: set singles, pairs or all to true, or list groups",
                field="plan",
            )
        if self.adaptive is not None:
            self.adaptive = _adaptive(self.adaptive)
        for i, group in enumerate(self.groups):
            if not isinstance(group, list) or not group:
                raise InputError(
                    "a group is a non-empty list of task names", field=f"plan.groups[{i}]"
                )
            for j, task in enumerate(group):
                if not isinstance(task, str):
                    raise InputError("task names are strings", field=f"plan.groups[{i}][{j}]")
            if len(set(group)) != len(group):
                raise InputError(f"group repeats a task: {group}", field=f"plan.groups[{i}]")


ADAPTIVE_UNTIL = ("settled", "grouping")


def _adaptive(spec: dict[str, Any]) -> dict[str, Any]:
    """``plan.adaptive`` checked and completed: ``max_seeds`` (int >= 1, required) and
    ``until`` (``settled``, the default, or ``grouping``)."""
    unknown = sorted(set(spec) - {"max_seeds", "until"})
    if unknown:
        raise InputError(
            f"unknown option {unknown[0]!r}; known: max_seeds, until", field="plan.adaptive"
        )
    k = spec.get("max_seeds")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError(f"must be an integer >= 1, got {k!r}", field="plan.adaptive.max_seeds")
    until = spec.get("until", "settled")
    if until not in ADAPTIVE_UNTIL:
        raise InputError(
            f"must be 'settled' or 'grouping', got {until!r}", field="plan.adaptive.until"
        )
    return {"max_seeds": k, "until": until}


@dataclass
class ExecutorConfig:
    """Where runs execute: ``local`` (sequential when workers == 1, else a process pool)
    or ``ray`` (optional extra); ``cpus_per_run``/``gpus_per_run`` are Ray resource requests
    (``gpus_per_run`` also sizes each local worker's share of ``gpus``); ``retries``: how
    often a run whose worker died or that ran past ``run_timeout`` (pool worker, Ray task,
    this process) is tried again before it is stored failed; ``run_timeout``: seconds an
    attempt may run, ``auto`` (10x the longest complete run with as many tasks, at least
    600 s; no limit before one is stored) or ``off``; ``gpus``: the GPU ids local workers
    share out, one each (``auto``: every visible GPU when the backend trains on ``cuda``
    or ``auto``; ``[]``: none)."""

    kind: str = option(
        "local",
        "local or ray",
        choices=("local", "ray"),
        message="unknown executor {value!r}; choose local or ray",
    )
    workers: int = option(
        1,
        "runs trained at the same time",
        kind=int,
        ge=1,
        message="workers must be an integer >= 1, got {value!r}",
    )
    cpus_per_run: float = option(
        1.0,
        "Ray: CPUs requested per run",
        kind=float,
        ge=0,
        message="must be a finite number >= 0, got {value!r}",
    )
    gpus_per_run: float = option(
        0.0,
        "GPUs per run: Ray's request; local workers: fractions share a GPU, 2 gives two",
        kind=float,
        ge=0,
        message="must be a finite number >= 0, got {value!r}",
    )
    address: str | None = option(
        None,
        "Ray: cluster address (or local)",
        kind=str,
        nonempty=True,
        nullable=True,
        message="must be a cluster address such as 'auto' or 'ray://host:10001', got {value!r}",
    )
    retries: int = option(
        2,
        "times a run whose worker process died is tried again within the same call",
        kind=int,
        ge=0,
        message="retries must be an integer >= 0, got {value!r}",
    )
    run_timeout: float | str = option(
        "auto",
        "seconds one attempt of a run may take before it is stopped and retried: a number, "
        "auto (10x the longest complete run with as many tasks, at least 600 s) or off",
    )
    gpus: list[int] | str = option(
        "auto",
        "local executor: GPU ids given out to the workers, one each (auto: all visible "
        "when the backend trains on cuda or auto; []: none)",
    )

    def __post_init__(self) -> None:
        check_fields(self, prefix="executor.")
        t = self.run_timeout
        number = isinstance(t, int | float) and not isinstance(t, bool)
        if not (t in ("auto", "off") or (number and math.isfinite(t) and t > 0)):
            raise InputError(
                f"must be a number of seconds > 0, auto or off, got {t!r}",
                field="executor.run_timeout",
            )
        g = self.gpus
        ids = isinstance(g, list) and all(
            isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in g
        )
        if not (g == "auto" or (ids and len(set(g)) == len(g))):
            raise InputError(
                f"must be auto or a list of distinct GPU ids such as [0, 1], got {g!r}",
                field="executor.gpus",
            )
