"""Estimator base class, budget and registry.

An estimator predicts pairwise transfer without training every pair. Contract (DESIGN.md):

* constructor: keyword hyperparameters only, stored unchanged as attributes, no work
  (scikit-learn style; :meth:`Estimator.get_params` returns them);
* ``estimate(suite, backend, budget=None) -> AffinityMatrix`` with ``values[i, j]`` = how
  much source task ``j`` is predicted to help target task ``i`` (**row = target, column =
  source**), diagonal NaN, rows/columns in ``suite.names`` order; the matrix records the
  estimator's cost and, when ``budget.reference`` is known, ``cost_fraction``;
* registered by name with :func:`register_estimator`; :func:`get_estimator` builds one.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from taskaffinity.errors import InputError, TaskAffinityError
from taskaffinity.types import AffinityMatrix, Cost

__all__ = [
    "Budget",
    "BudgetExceeded",
    "Estimator",
    "available",
    "cost_fraction",
    "get_estimator",
    "register_estimator",
    "seconds_fraction",
]


class BudgetExceeded(TaskAffinityError):
    """An estimator would spend more than its :class:`Budget` allows."""


@dataclass(frozen=True)
class Budget:
    """What one estimation may spend, for one seed.

    * ``seed``: the seed of every training run the estimator starts;
    * ``max_steps``: cap on training steps, summed over the estimator's training runs
      (None: the backend's own training length). Probe estimators count their probes'
      work in step equivalents and cut their joint run so that the total fits; PVI gives
      every one of its ``2 x n_tasks`` runs an equal share;
    * ``max_seconds``: wall-clock cap; checked between training runs, a run is never cut,
      so the estimator raises :class:`BudgetExceeded` when the cap is already spent;
    * ``reference``: cost of the brute-force singles+pairs grid for one seed (from a
      study), the denominator of ``AffinityMatrix.cost_fraction``.

    Cost fraction = estimator steps / grid steps (training-step equivalents: optimizer
    steps plus probe work, see :mod:`taskaffinity.affinity._probe`), the same unit on
    both sides, deterministic and independent of caches (a frozen encoder's features
    are computed once per process, which makes wall seconds depend on what ran before);
    wall seconds when either side has no steps. ``seconds_fraction`` gives the wall ratio.
    """

    seed: int = 0
    max_steps: int | None = None
    max_seconds: float | None = None
    reference: Cost | None = None

    def __post_init__(self) -> None:
        if self.max_steps is not None and self.max_steps <= 0:
            raise InputError(f"must be positive, got {self.max_steps}", field="max_steps")
        if self.max_seconds is not None and self.max_seconds <= 0:
            raise InputError(f"must be positive, got {self.max_seconds}", field="max_seconds")

    def check_time(self, spent: Cost) -> None:
        """Raise :class:`BudgetExceeded` when ``spent.seconds`` already exceeds the cap."""
        if self.max_seconds is not None and spent.seconds > self.max_seconds:
            raise BudgetExceeded(f"spent {spent.seconds:.1f}s of a {self.max_seconds:.1f}s budget")


def cost_fraction(cost: Cost, reference: Cost | None) -> float | None:
    """``cost / reference`` in steps (wall seconds when steps are missing); None if unknown."""
    if reference is None:
        return None
    if cost.steps > 0 and reference.steps > 0:
        return cost.steps / reference.steps
    if reference.seconds > 0:
        return cost.seconds / reference.seconds
    return None


def seconds_fraction(cost: Cost, reference: Cost | None) -> float | None:
    """``cost.seconds / reference.seconds``; None if unknown."""
    if reference is None or reference.seconds <= 0:
        return None
    return cost.seconds / reference.seconds


class Estimator:
    """Base class: stores nothing but its keyword hyperparameters (set by subclasses)."""

    name: ClassVar[str] = ""

    def get_params(self) -> dict[str, Any]:
        """The constructor's keyword hyperparameters and their current values."""
        sig = inspect.signature(type(self).__init__)
        return {p: getattr(self, p) for p in sig.parameters if p != "self"}

    def estimate(self, suite: Any, backend: Any, budget: Budget | None = None) -> AffinityMatrix:
        raise NotImplementedError

    def _matrix(self, tasks: tuple[str, ...], values: Any, cost: Cost, budget: Budget) -> Any:
        import numpy as np

        values = np.array(values, dtype=float)
        np.fill_diagonal(values, np.nan)
        return AffinityMatrix(
            tasks=tuple(tasks),
            values=values,
            method=self.name,
            cost=cost,
            cost_fraction=cost_fraction(cost, budget.reference),
            params=self.get_params(),
        )

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


_REGISTRY: dict[str, type[Estimator]] = {}
E = TypeVar("E", bound=type[Estimator])


def register_estimator(name: str) -> Callable[[E], E]:
    """Class decorator: register an :class:`Estimator` subclass under ``name``."""

    def deco(cls: E) -> E:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"estimator {name!r} is already registered")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return deco


def available() -> list[str]:
    """Names of the registered estimators, sorted."""
    return sorted(_REGISTRY)


def get_estimator(name: str, **params: Any) -> Estimator:
    """Build the estimator registered as ``name`` with keyword hyperparameters ``params``."""
    if name not in _REGISTRY:
        raise InputError(f"unknown estimator {name!r}; choose one of {available()}", field="method")
    return _REGISTRY[name](**params)
