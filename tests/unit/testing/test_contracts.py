"""Every registered estimator, every registered grouping search and the shipped backends
pass the contract suites of :mod:`taskaffinity.testing` (the same checks plug-in authors
run)."""

from __future__ import annotations

import pytest

from taskaffinity.affinity import available
from taskaffinity.backends import get_backend
from taskaffinity.testing import (
    TINY_SCRATCH,
    EstimatorChecks,
    ToyBackend,
    check_backend,
    synthetic_suite,
    toy_suite,
)

_CHECKS: dict[str, EstimatorChecks] = {}


def _checks(name: str) -> EstimatorChecks:
    if name not in _CHECKS:
        backend = get_backend("scratch", dict(TINY_SCRATCH))
        _CHECKS[name] = EstimatorChecks(name, synthetic_suite(), backend)
    return _CHECKS[name]


def test_the_estimators_are_registered() -> None:
    assert {"pvi", "tag", "gradient_cosine", "grad_tag"} <= set(available())


@pytest.mark.parametrize("check", EstimatorChecks.CHECKS)
@pytest.mark.parametrize("name", available())
def test_estimator_contract(name: str, check: str) -> None:
    getattr(_checks(name), check)()


def test_toy_backend_contract() -> None:
    result = check_backend(ToyBackend(), toy_suite())
    assert result.tasks == ("has_c", "more_a")


def test_scratch_backend_contract() -> None:
    check_backend(get_backend("scratch", dict(TINY_SCRATCH)), synthetic_suite())


def test_a_broken_backend_fails_the_contract() -> None:
    """The checks can fail: a backend whose scores change from run to run is caught."""

    class Drifting(ToyBackend):
        def run(self, spec, suite):  # type: ignore[override]
            result = super().run(spec, suite)
            type(self).calls = getattr(type(self), "calls", 0) + 1
            scores = {t: s + 0.01 * type(self).calls for t, s in result.scores.items()}
            metrics = {t: {"accuracy": scores[t]} for t in scores}
            return type(result)(result.key, result.tasks, result.seed, scores, metrics, result.cost)

    with pytest.raises(AssertionError, match="second run"):
        check_backend(Drifting(), toy_suite())
