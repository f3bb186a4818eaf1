"""Sections of a study config: the backend (:class:`BackendConfig`), the plan of task groups
(:class:`PlanConfig`) and the executor (:class:`ExecutorConfig`), each validating itself and
raising :class:`InputError` with a dotted ``field``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from taskaffinity._fields import check_fields, option
from taskaffinity.errors import InputError, did_you_mean

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
    active: dict[str, Any] | None = option(
        None,
        "an active plan instead of the grid: every task alone, all tasks together and a "
        "space-filling start, then rounds that train the combinations a predictor says can "
        "change the recommendation: {max_runs: R, seed: S, batch: k, predictor: NAME, "
        "until: grouping | budget, start: N, draws: D, rule: measured | mean | lower, "
        "params: {...}, solver: auto | exact | greedy}",
        kind=dict,
        nullable=True,
        message="must be a mapping {{max_runs: R, seed: S, batch: k, predictor: NAME}}",
    )

    def __post_init__(self) -> None:
        check_fields(self, prefix="plan.")
        if self.active is not None:
            self.active = _active(self.active)
            if self.adaptive is not None:
                raise InputError(
                    "an active plan chooses its runs itself: use plan.active or "
                    "plan.adaptive, not both",
                    field="plan.active",
                )
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


ACTIVE_UNTIL = ("grouping", "budget")
ACTIVE_RULES = ("measured", "mean", "lower")


def _int_option(spec: dict[str, Any], key: str, default: int | None, least: int) -> int | None:
    value = spec.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InputError(
            f"must be an integer >= {least}, got {value!r}", field=f"plan.active.{key}"
        )
    return value


def _active(spec: dict[str, Any]) -> dict[str, Any]:
    """``plan.active`` checked and completed (:mod:`taskaffinity.study._active_plan`):
    ``max_runs`` (int >= 1, required: trained combinations, singles and the all-task run
    included), ``seed`` (the plan's own choices, default 0), ``batch`` (combinations per
    round; default ``None``: half the tasks, at least 1), ``predictor`` (a registered
    predictor name, default ``pairwise``; checked when the study starts), ``until``
    (``grouping``: stop once the recommendation is settled, the default; ``budget``: spend
    ``max_runs``), ``start`` (space-filling combinations besides the singles and the
    all-task run; default ``None``: half of what ``max_runs`` leaves, at most the number
    of tasks), ``draws`` (posterior draws per round, default 16), ``rule`` (how the
    recommendation values unmeasured combinations: ``measured``, the default, ``mean`` or
    ``lower``), ``params`` (the predictor's keyword hyperparameters) and ``solver`` (how
    each posterior draw's selection is solved: ``exact``, ``greedy``, or ``auto``, the
    default: exact up to 256 candidate combinations) and ``patience`` (``until: grouping``
    also stops after this many consecutive rounds that leave the recommendation unchanged
    within its interval; default 2; 0: only when it is certain)."""
    known = (
        "max_runs", "seed", "batch", "predictor", "until", "start", "draws", "rule", "params",
        "solver", "patience",
    )  # fmt: skip
    for key in spec:
        if key not in known:
            raise InputError(
                f"unknown option {key!r}{did_you_mean(str(key), known)}; known: {', '.join(known)}",
                field=f"plan.active.{key}",
            )
    if "max_runs" not in spec:
        raise InputError("the active plan needs max_runs", field="plan.active.max_runs")
    out: dict[str, Any] = {
        "max_runs": _int_option(spec, "max_runs", None, 1),
        "seed": _int_option(spec, "seed", 0, 0),
        "batch": _int_option(spec, "batch", None, 1),
        "start": _int_option(spec, "start", None, 0),
        "draws": _int_option(spec, "draws", 16, 2),
        "patience": _int_option(spec, "patience", 2, 0),
    }
    predictor = spec.get("predictor", "pairwise")
    if not isinstance(predictor, str) or not predictor:
        raise InputError(
            f"must be a predictor name such as pairwise, got {predictor!r}",
            field="plan.active.predictor",
        )
    until = spec.get("until", "grouping")
    if until not in ACTIVE_UNTIL:
        raise InputError(
            f"must be 'grouping' or 'budget', got {until!r}", field="plan.active.until"
        )
    rule = spec.get("rule", "measured")
    if rule not in ACTIVE_RULES:
        raise InputError(
            f"must be one of {', '.join(ACTIVE_RULES)}, got {rule!r}", field="plan.active.rule"
        )
    params = spec.get("params", {}) or {}
    if not isinstance(params, dict):
        raise InputError(
            f"must be a mapping of the predictor's hyperparameters, got {params!r}",
            field="plan.active.params",
        )
    solver = spec.get("solver", "auto")
    if solver not in ("auto", "exact", "greedy"):
        raise InputError(
            f"must be auto, exact or greedy, got {solver!r}", field="plan.active.solver"
        )
    out.update(predictor=predictor, until=until, rule=rule, params=dict(params), solver=solver)
    return out


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
