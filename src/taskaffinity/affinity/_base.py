"""Estimator base class, budget and registry.

An estimator predicts pairwise transfer without training every pair. Contract
(docs/design.md, "Contracts"):

* constructor: keyword hyperparameters only, stored unchanged as attributes, no work
  (scikit-learn style; :meth:`Estimator.get_params` returns them);
* ``estimate(suite, backend, budget=None) -> AffinityMatrix`` with ``values[i, j]`` = how
  much source task ``j`` is predicted to help target task ``i`` (**row = target, column =
  source**), diagonal NaN, rows/columns in ``suite.names`` order; the matrix records the
  estimator's cost and, when ``budget.reference`` is known, ``cost_fraction``;
* registered by name with :func:`register_estimator`; :func:`get_estimator` builds one.

What an estimation may spend (:class:`~taskaffinity.affinity.Budget`) is in
:mod:`taskaffinity.affinity._budget`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from taskaffinity._registry import Registry
from taskaffinity.affinity._budget import Budget, cost_fraction
from taskaffinity.types import AffinityMatrix, Cost

if TYPE_CHECKING:
    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite

__all__ = ["ESTIMATORS", "Estimator", "available", "get_estimator", "register_estimator"]


class Estimator:
    """Base class: stores nothing but its keyword hyperparameters (set by subclasses)."""

    name: ClassVar[str] = ""

    def get_params(self) -> dict[str, Any]:
        """The constructor's keyword hyperparameters and their current values."""
        sig = inspect.signature(type(self).__init__)
        return {p: getattr(self, p) for p in sig.parameters if p != "self"}

    def estimate(
        self, suite: TaskSuite, backend: Backend, budget: Budget | None = None
    ) -> AffinityMatrix:
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


ESTIMATORS: Registry[type[Estimator]] = Registry("estimator", field="method")
E = TypeVar("E", bound=type[Estimator])


def register_estimator(name: str) -> Callable[[E], E]:
    """Class decorator: register an :class:`Estimator` subclass under ``name``."""
    return ESTIMATORS.register(name)


def available() -> list[str]:
    """Names of the registered estimators, sorted."""
    return ESTIMATORS.names()


def get_estimator(name: str, **params: Any) -> Estimator:
    """Build the estimator registered as ``name`` with keyword hyperparameters ``params``."""
    return ESTIMATORS.lookup(name)(**params)
