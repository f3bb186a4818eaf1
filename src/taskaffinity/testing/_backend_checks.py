"""Contract every backend meets, runnable by anyone: :class:`BackendChecks`.

On the first two tasks of a suite (or the ``tasks`` given), one check per rule
(:attr:`BackendChecks.CHECKS` names them, in order):

* ``check_spec_names_the_run``: ``spec(tasks, seed, suite)`` holds the tasks sorted and
  the seed;
* ``check_key_is_stable``: the same inputs give the same :class:`~taskaffinity.types.RunSpec`
  key;
* ``check_key_follows_seed_and_group``: another seed, or another group, another key;
* ``check_unknown_task_refused``: an unknown task is an
  :class:`~taskaffinity.errors.InputError`, raised before training;
* ``check_result_names_the_run``: ``run(spec, suite)`` returns a
  :class:`~taskaffinity.types.RunResult` with the spec's key and a score for every task;
* ``check_scores_are_main_metrics``: each score is finite and is the task's main metric
  among its metrics;
* ``check_cost_recorded``: optimizer steps and seconds are recorded;
* ``check_predictions_match_test``: test predictions, when the backend keeps them
  (one-seed intervals need them), one per test example of a task of the run;
* ``check_deterministic``: a second run gives the same scores;
* ``check_pickles``: the backend pickles (for a process pool or a Ray task) into one that
  names and scores the run the same way.

:meth:`BackendChecks.run_all` runs every check and raises one ``AssertionError`` listing
every broken rule, so a plug-in author sees all of them at once (a check that raises
another exception counts as broken, with that exception). The joint run is trained once
and shared by the checks. :func:`check_backend` is ``BackendChecks(...).run_all()``.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from taskaffinity.errors import InputError
from taskaffinity.types import RunResult, RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = ["BackendChecks", "check_backend"]


class BackendChecks:
    """The backend contract for ``backend`` (anything with ``name``, ``spec`` and ``run``:
    a :class:`~taskaffinity.backends.Backend` or a plug-in class) on ``tasks`` of
    ``suite`` (default: its first two) under ``seed``; the joint run is trained once, on
    first use, and reused."""

    CHECKS: ClassVar[tuple[str, ...]] = (
        "check_spec_names_the_run",
        "check_key_is_stable",
        "check_key_follows_seed_and_group",
        "check_unknown_task_refused",
        "check_result_names_the_run",
        "check_scores_are_main_metrics",
        "check_cost_recorded",
        "check_predictions_match_test",
        "check_deterministic",
        "check_pickles",
    )

    def __init__(
        self,
        backend: RunBackend,
        suite: TaskSuite,
        tasks: Sequence[str] | None = None,
        *,
        seed: int = 0,
    ) -> None:
        self.backend = backend
        self.suite = suite
        self.tasks = tuple(tasks) if tasks is not None else tuple(suite.names[:2])
        self.seed = seed
        self.label = getattr(backend, "name", type(backend).__name__)
        self._result: RunResult | None = None
        self._run_error: Exception | None = None

    @property
    def spec(self) -> RunSpec:
        """The spec of the joint run of :attr:`tasks` under :attr:`seed`."""
        return self.backend.spec(self.tasks, self.seed, self.suite)

    @property
    def result(self) -> RunResult:
        """The joint run's result (trained on first use; a run that raised raises the
        same error again, without training again)."""
        if self._run_error is not None:
            raise self._run_error
        if self._result is None:
            try:
                self._result = self.backend.run(self.spec, self.suite)
            except Exception as err:
                self._run_error = err
                raise
        return self._result

    # ---- naming the run -------------------------------------------------------------
    def check_spec_names_the_run(self) -> None:
        spec = self.spec
        assert spec.tasks == tuple(sorted(self.tasks)), (
            f"{self.label}: spec tasks {spec.tasks} not the sorted {self.tasks}"
        )
        assert spec.seed == self.seed, f"{self.label}: spec seed {spec.seed} != {self.seed}"

    def check_key_is_stable(self) -> None:
        assert self.spec.key == self.spec.key, f"{self.label}: spec key not stable"

    def check_key_follows_seed_and_group(self) -> None:
        key = self.spec.key
        other = self.backend.spec(self.tasks, self.seed + 1, self.suite).key
        assert other != key, f"{self.label}: key ignores the seed"
        if len(self.tasks) > 1:
            alone = self.backend.spec(self.tasks[:1], self.seed, self.suite).key
            assert alone != key, f"{self.label}: key ignores the group"

    def check_unknown_task_refused(self) -> None:
        try:
            self.backend.spec((*self.tasks, "__no_such_task__"), self.seed, self.suite)
        except InputError:
            return
        raise AssertionError(f"{self.label}: spec accepted an unknown task")

    # ---- the run's result -----------------------------------------------------------
    def check_result_names_the_run(self) -> None:
        result, key = self.result, self.spec.key
        assert isinstance(result, RunResult), f"{self.label}: run returned {type(result).__name__}"
        assert result.key == key, f"{self.label}: result key {result.key} != spec key {key}"
        assert set(result.scores) == set(self.tasks), (
            f"{self.label}: scores for {sorted(result.scores)}, not {sorted(self.tasks)}"
        )

    def check_scores_are_main_metrics(self) -> None:
        result = self.result
        for name in self.tasks:
            score = result.scores.get(name)
            assert isinstance(score, float) and math.isfinite(score), (
                f"{self.label}: score of {name} is {score!r}"
            )
            metric = self.suite.task(name).metric
            assert result.metrics.get(name, {}).get(metric) == score, (
                f"{self.label}: main score of {name} is not its {metric!r} metric"
            )

    def check_cost_recorded(self) -> None:
        cost = self.result.cost
        assert cost.steps > 0 and cost.seconds >= 0, f"{self.label}: cost {cost}"

    def check_predictions_match_test(self) -> None:
        for name, pred in self.result.predictions.items():
            assert name in self.tasks, (
                f"{self.label}: predictions for {name!r}, not a task of the run"
            )
            n_test = len(self.suite.task(name).test)
            assert len(pred) == n_test, (
                f"{self.label}: {len(pred)} test predictions of {name}, {n_test} test examples"
            )

    # ---- purity ---------------------------------------------------------------------
    def check_deterministic(self) -> None:
        first = self.result  # a run that failed fails this check without another run
        again = self.backend.run(self.spec, self.suite)
        assert again.scores == first.scores, f"{self.label}: a second run gives other scores"

    def check_pickles(self) -> None:
        copy = pickle.loads(pickle.dumps(self.backend))
        spec = copy.spec(self.tasks, self.seed, self.suite)
        assert spec.key == self.spec.key, f"{self.label}: unpickled key differs"
        first = self.result
        assert copy.run(spec, self.suite).scores == first.scores, (
            f"{self.label}: unpickled run differs"
        )

    # ---- all of them ----------------------------------------------------------------
    def failures(self) -> dict[str, str]:
        """``{check: what broke}`` for every check of :attr:`CHECKS` that fails (an
        ``AssertionError``'s message, or another exception as ``Type: message``)."""
        out: dict[str, str] = {}
        for check in self.CHECKS:
            try:
                getattr(self, check)()
            except AssertionError as err:
                out[check] = str(err)
            except Exception as err:  # a broken rule all the same: report it with the rest
                out[check] = f"{type(err).__name__}: {err}"
        return out

    def run_all(self) -> RunResult:
        """Run every check; raise one ``AssertionError`` listing each broken rule (one
        line each: check name, then what broke). Returns the joint run's result."""
        broken = self.failures()
        if broken:
            lines = "\n".join(f"  {check}: {why}" for check, why in broken.items())
            raise AssertionError(
                f"{self.label}: {len(broken)} of {len(self.CHECKS)} backend checks failed:\n{lines}"
            )
        return self.result


def check_backend(
    backend: RunBackend, suite: TaskSuite, tasks: Sequence[str] | None = None, *, seed: int = 0
) -> RunResult:
    """Run the whole backend contract (:class:`BackendChecks`); returns the joint run's
    result. Raises one ``AssertionError`` naming every broken rule."""
    return BackendChecks(backend, suite, tasks, seed=seed).run_all()
