"""Sections of a study config: the backend (:class:`BackendConfig`), the plan of task groups
(:class:`PlanConfig`) and the executor (:class:`ExecutorConfig`), each validating itself and
raising :class:`InputError` with a dotted ``field``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from taskaffinity.errors import InputError

__all__ = ["BackendConfig", "ExecutorConfig", "PlanConfig"]


def _meta(help: str) -> dict[str, str]:
    return {"help": help}


@dataclass
class BackendConfig:
    """Which backend trains each run, with its hyperparameters (passed unchanged)."""

    name: str = field(default="scratch", metadata=_meta("backend name, e.g. scratch, encoder"))
    params: dict[str, Any] = field(
        default_factory=dict, metadata=_meta("hyperparameters of the backend (its own names)")
    )

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InputError("backend name must be a non-empty string", field="backend.name")
        if not isinstance(self.params, dict):
            raise InputError("backend hyperparameters must be a mapping", field="backend")


@dataclass
class PlanConfig:
    """Which task groups to train: each alone, every pair, all together, explicit groups."""

    singles: bool = field(default=True, metadata=_meta("train every task alone"))
    pairs: bool = field(default=True, metadata=_meta("train every pair of tasks"))
    all: bool = field(default=True, metadata=_meta("train all tasks together in one network"))
    groups: list[list[str]] = field(
        default_factory=list, metadata=_meta("explicit groups of task names to train together")
    )

    def __post_init__(self) -> None:
        for name in ("singles", "pairs", "all"):
            if not isinstance(getattr(self, name), bool):
                raise InputError("must be true or false", field=f"plan.{name}")
        if not isinstance(self.groups, list):
            raise InputError("must be a list of lists of task names", field="plan.groups")
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


@dataclass
class ExecutorConfig:
    """Where runs execute: ``local`` (sequential when workers == 1, else a process pool)
    or ``ray`` (optional extra); ``cpus_per_run``/``gpus_per_run`` are Ray resource requests."""

    kind: str = field(default="local", metadata=_meta("local or ray"))
    workers: int = field(default=1, metadata=_meta("runs trained at the same time"))
    cpus_per_run: float = field(default=1.0, metadata=_meta("Ray: CPUs requested per run"))
    gpus_per_run: float = field(default=0.0, metadata=_meta("Ray: GPUs requested per run"))
    address: str | None = field(default=None, metadata=_meta("Ray: cluster address (or local)"))

    def __post_init__(self) -> None:
        if self.kind not in ("local", "ray"):
            raise InputError(
                f"unknown executor {self.kind!r}; choose local or ray", field="executor.kind"
            )
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise InputError("workers must be an integer >= 1", field="executor.workers")
        for name in ("cpus_per_run", "gpus_per_run"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise InputError("must be a number >= 0", field=f"executor.{name}")
