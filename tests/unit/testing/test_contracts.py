"""Every registered estimator, every registered grouping search (selection from affinity
matrices included) and the shipped backends pass the contract suites of
:mod:`taskaffinity.testing` (the same checks plug-in authors run)."""

from __future__ import annotations

import pytest

from taskaffinity.affinity import available
from taskaffinity.backends import get_backend
from taskaffinity.grouping import SEARCHES, available_searches, register_search
from taskaffinity.testing import (
    TINY_SCRATCH,
    EstimatorChecks,
    ToyBackend,
    check_affinity_select,
    check_backend,
    synthetic_suite,
    toy_suite,
)
from taskaffinity.types import Grouping

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


@pytest.mark.parametrize("name", available_searches("select"))
@pytest.mark.parametrize("seed", range(24))
def test_affinity_selection_contract(name: str, seed: int) -> None:
    check_affinity_select(name, seed)


def test_a_wrong_affinity_selection_fails_the_contract() -> None:
    """The check can fail: a search claiming exactness that always answers with the one
    network of every task is caught."""

    @register_search("all_tasks_select", kind="select", exact=True)
    class AllTasks:
        def search(self, table, budget):  # type: ignore[no-untyped-def]
            return Grouping((tuple(table.tasks),), 0.0, None, (1.0,), True, "all_tasks_select")

    try:
        with pytest.raises(AssertionError, match="not optimal"):
            for seed in range(24):
                check_affinity_select("all_tasks_select", seed)
    finally:
        SEARCHES.pop("all_tasks_select")
