"""BackendChecks: one check per rule of the backend contract; a backend breaking several
rules hears of every one at once."""

from __future__ import annotations

import pytest

from taskaffinity.testing import BackendChecks, ToyBackend, check_backend, toy_suite
from taskaffinity.types import RunSpec

_TOY = BackendChecks(ToyBackend(), toy_suite())


@pytest.mark.parametrize("check", BackendChecks.CHECKS)
def test_the_toy_backend_passes_each_check(check: str) -> None:
    getattr(_TOY, check)()


class _Sloppy(ToyBackend):
    """Breaks three rules: its key ignores the seed, its score is not the main metric,
    and its scores drift from run to run."""

    calls = 0

    def spec(self, tasks, seed, suite):  # type: ignore[no-untyped-def]
        spec = super().spec(tasks, seed, suite)
        return RunSpec(spec.tasks, spec.backend, spec.backend_config, 0, spec.suite)

    def run(self, spec, suite):  # type: ignore[no-untyped-def]
        result = super().run(spec, suite)
        type(self).calls += 1
        scores = {t: s + 0.01 * type(self).calls for t, s in result.scores.items()}
        return type(result)(result.key, result.tasks, 0, scores, result.metrics, result.cost)


def test_every_broken_rule_is_reported_at_once() -> None:
    checks = BackendChecks(_Sloppy(), toy_suite(), seed=3)
    broken = checks.failures()
    assert set(broken) == {
        "check_spec_names_the_run",
        "check_key_follows_seed_and_group",
        "check_scores_are_main_metrics",
        "check_deterministic",
        "check_pickles",
    }
    assert "key ignores the seed" in broken["check_key_follows_seed_and_group"]
    with pytest.raises(AssertionError) as caught:
        check_backend(_Sloppy(), toy_suite(), seed=3)
    text = str(caught.value)
    assert "5 of 10 backend checks failed" in text
    for check in broken:
        assert check in text


def test_a_run_that_raises_is_reported_once_per_check_without_training_again() -> None:
    class Crashing(ToyBackend):
        runs = 0

        def run(self, spec, suite):  # type: ignore[no-untyped-def]
            type(self).runs += 1
            raise RuntimeError("no GPU here")

    broken = BackendChecks(Crashing(), toy_suite()).failures()
    assert broken["check_result_names_the_run"] == "RuntimeError: no GPU here"
    assert "check_spec_names_the_run" not in broken  # naming rules still pass
    assert Crashing.runs == 1
