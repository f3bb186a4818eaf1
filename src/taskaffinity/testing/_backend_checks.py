"""Contract every backend meets (docs/design.md, "Contracts"), runnable by anyone.

``check_backend(backend, suite)`` checks, on the first two tasks of ``suite`` (or the
``tasks`` given):

* ``spec(tasks, seed, suite)`` names the run: the same inputs give the same
  :class:`~taskaffinity.types.RunSpec` key, another seed or another group another key;
  an unknown task is an :class:`~taskaffinity.errors.InputError`, raised before training;
* ``run(spec, suite)`` returns a :class:`~taskaffinity.types.RunResult` for that key with a
  finite main score for every task of the run, that score among the task's metrics, and
  a recorded cost; test predictions, when the backend keeps them (needed for one-seed
  intervals), one per test example of each task;
* ``run`` is a pure function of its inputs: a second run gives the same scores, and the
  backend pickles (for a process pool or a Ray task) into one that names and scores the
  run the same way.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Sequence
from typing import TYPE_CHECKING

from taskaffinity.errors import InputError
from taskaffinity.types import RunResult

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = ["check_backend"]


def check_backend(
    backend: RunBackend, suite: TaskSuite, tasks: Sequence[str] | None = None, *, seed: int = 0
) -> RunResult:
    """Run the backend contract; returns the joint run's result. Raises ``AssertionError``
    naming the first broken rule. ``backend`` is anything with ``name``, ``spec`` and
    ``run`` (a :class:`~taskaffinity.backends.Backend` or a plug-in class)."""
    names = tuple(tasks) if tasks is not None else suite.names[:2]
    label = getattr(backend, "name", type(backend).__name__)
    spec = backend.spec(names, seed, suite)
    assert spec.tasks == tuple(sorted(names)), (
        f"{label}: spec tasks {spec.tasks} not the sorted {names}"
    )
    assert spec.seed == seed, f"{label}: spec seed {spec.seed} != {seed}"
    assert backend.spec(names, seed, suite).key == spec.key, f"{label}: spec key not stable"
    assert backend.spec(names, seed + 1, suite).key != spec.key, f"{label}: key ignores seed"
    if len(names) > 1:
        alone = backend.spec(names[:1], seed, suite)
        assert alone.key != spec.key, f"{label}: key ignores the group"
    try:
        backend.spec((*names, "__no_such_task__"), seed, suite)
    except InputError:
        pass
    else:
        raise AssertionError(f"{label}: spec accepted an unknown task")

    result = backend.run(spec, suite)
    assert isinstance(result, RunResult), f"{label}: run returned {type(result).__name__}"
    assert result.key == spec.key, f"{label}: result key {result.key} != spec key {spec.key}"
    assert set(result.scores) == set(names), f"{label}: scores for {sorted(result.scores)}"
    for name in names:
        score = result.scores[name]
        assert isinstance(score, float) and math.isfinite(score), (
            f"{label}: score of {name} is {score!r}"
        )
        metric = suite.task(name).metric
        assert result.metrics[name].get(metric) == score, (
            f"{label}: main score of {name} is not its {metric!r} metric"
        )
    assert result.cost.steps > 0 and result.cost.seconds >= 0, f"{label}: cost {result.cost}"
    for name, pred in result.predictions.items():
        assert name in names, f"{label}: predictions for {name!r}, not a task of the run"
        n_test = len(suite.task(name).test)
        assert len(pred) == n_test, f"{label}: {len(pred)} test predictions of {name}, {n_test}"

    again = backend.run(spec, suite)
    assert again.scores == result.scores, f"{label}: a second run gives other scores"
    copy = pickle.loads(pickle.dumps(backend))
    assert copy.spec(names, seed, suite).key == spec.key, f"{label}: unpickled key differs"
    assert copy.run(spec, suite).scores == result.scores, f"{label}: unpickled run differs"
    return result
