"""Contract every cheap estimator meets (docs/design.md, "Contracts"), runnable by anyone.

``check_estimator(name)`` runs every check on the registered estimator ``name`` over a
small synthetic suite and a tiny ``scratch`` backend (or the ``suite`` and ``backend``
given) and raises ``AssertionError`` naming the first broken rule:

* hyperparameters stored unchanged by the constructor, ``get_params`` round-trips, and the
  class name appears in ``repr``;
* ``estimate`` returns an :class:`~taskaffinity.types.AffinityMatrix` over the suite's
  tasks in the suite's order (row = target, column = source), diagonal NaN, finite
  off-diagonal, ``method`` = the registered name, cost recorded;
* deterministic under a seed; permutation equivariant (reordering the suite reorders rows
  and columns alike); a step budget is respected.

:class:`EstimatorChecks` exposes the checks one by one (``CHECKS`` names them) so a test
suite can parametrize over them and reuse one full estimate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from taskaffinity.affinity import Budget, get_estimator
from taskaffinity.types import AffinityMatrix, Cost

if TYPE_CHECKING:
    from taskaffinity.backends import Backend
    from taskaffinity.tasks import TaskSuite

__all__ = ["REFERENCE_COST", "EstimatorChecks", "check_estimator"]

REFERENCE_COST = Cost(seconds=1000.0, steps=10_000, examples=100_000)
"""The grid cost the checks pass as ``Budget.reference`` (for ``cost_fraction``)."""


class EstimatorChecks:
    """The estimator contract for the registered estimator ``name`` on ``suite`` with
    ``backend``; the full estimate (seed 0) is computed once and reused."""

    CHECKS: ClassVar[tuple[str, ...]] = (
        "check_params",
        "check_shape_order_and_cost",
        "check_deterministic",
        "check_permutation_equivariant",
        "check_step_budget",
    )

    def __init__(self, name: str, suite: TaskSuite, backend: Backend, *, max_steps: int = 40):
        self.name = name
        self.suite = suite
        self.backend = backend
        self.max_steps = max_steps
        self._base: AffinityMatrix | None = None

    @property
    def base(self) -> AffinityMatrix:
        """The estimate with seed 0 and :data:`REFERENCE_COST` (computed on first use)."""
        if self._base is None:
            est = get_estimator(self.name)
            budget = Budget(seed=0, reference=REFERENCE_COST)
            self._base = est.estimate(self.suite, self.backend, budget)
        return self._base

    def check_params(self) -> None:
        est = get_estimator(self.name)
        params = est.get_params()
        changed = [k for k, v in params.items() if getattr(est, k) is not v]
        assert not changed, f"{self.name}: constructor changed parameters {changed}"
        again = get_estimator(self.name, **params)
        assert again.get_params() == params, f"{self.name}: get_params does not round-trip"
        assert type(est).__name__ in repr(est), f"{self.name}: repr lacks the class name"

    def check_shape_order_and_cost(self) -> None:
        aff, n = self.base, len(self.suite.names)
        assert aff.tasks == self.suite.names, f"{self.name}: tasks {aff.tasks} not in suite order"
        assert aff.method == self.name, f"{self.name}: method is {aff.method!r}"
        assert aff.values.shape == (n, n), f"{self.name}: shape {aff.values.shape} != {(n, n)}"
        assert np.isnan(np.diag(aff.values)).all(), f"{self.name}: diagonal is not NaN"
        off = aff.values[~np.eye(n, dtype=bool)]
        assert np.isfinite(off).all(), f"{self.name}: off-diagonal values not all finite"
        cost = aff.cost
        assert cost.seconds > 0 and cost.steps > 0 and cost.examples > 0, (
            f"{self.name}: cost not recorded ({cost})"
        )
        assert np.isclose(aff.cost_fraction, cost.steps / REFERENCE_COST.steps), (
            f"{self.name}: cost_fraction {aff.cost_fraction} != steps / reference steps"
        )
        d = aff.to_dict()
        assert d["tasks"] == list(self.suite.names), f"{self.name}: to_dict task order"
        assert d["cost"]["fraction"] == aff.cost_fraction, f"{self.name}: to_dict cost"

    def check_deterministic(self) -> None:
        again = get_estimator(self.name).estimate(self.suite, self.backend, Budget(seed=0))
        assert np.array_equal(self.base.values, again.values, equal_nan=True), (
            f"{self.name}: two estimates with seed 0 differ"
        )

    def check_permutation_equivariant(self) -> None:
        order = list(reversed(self.suite.names))
        perm = get_estimator(self.name).estimate(
            self.suite.subset(order), self.backend, Budget(seed=0)
        )
        idx = [self.suite.names.index(t) for t in order]
        assert perm.tasks == tuple(order), f"{self.name}: tasks not in the given order"
        expected = self.base.values[np.ix_(idx, idx)]
        assert np.allclose(perm.values, expected, rtol=1e-6, atol=1e-9, equal_nan=True), (
            f"{self.name}: reordering the suite does not reorder rows and columns alike"
        )

    def check_step_budget(self) -> None:
        budget = Budget(seed=0, max_steps=self.max_steps)
        aff = get_estimator(self.name).estimate(self.suite, self.backend, budget)
        assert 0 < aff.cost.steps <= self.max_steps, (
            f"{self.name}: {aff.cost.steps} steps under a budget of {self.max_steps}"
        )
        assert aff.cost.steps < self.base.cost.steps, (
            f"{self.name}: a step budget did not shorten the estimate"
        )

    def run_all(self) -> None:
        """Run every check in :attr:`CHECKS` order."""
        for check in self.CHECKS:
            getattr(self, check)()


def check_estimator(
    name: str, suite: TaskSuite | None = None, backend: Backend | None = None
) -> None:
    """Run the whole estimator contract on the registered estimator ``name``.

    Defaults: :func:`~taskaffinity.testing.synthetic_suite` and the ``scratch`` backend
    with :data:`~taskaffinity.testing.TINY_SCRATCH` (about a minute on one CPU core).
    Raises ``AssertionError`` naming the first rule broken."""
    from taskaffinity.backends import get_backend
    from taskaffinity.testing._toy import TINY_SCRATCH, synthetic_suite

    suite = suite if suite is not None else synthetic_suite()
    backend = backend if backend is not None else get_backend("scratch", dict(TINY_SCRATCH))
    EstimatorChecks(name, suite, backend).run_all()
