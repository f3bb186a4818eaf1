"""Run plans: which task groups a study trains, as a deduplicated, stably ordered list."""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from taskaffinity.config import StudyConfig
from taskaffinity.errors import InputError
from taskaffinity.types import RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = ["plan_groups", "plan_runs", "submission_order"]


def plan_groups(config: StudyConfig, names: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Task groups of ``config.plan`` over ``names`` (suite order), each a sorted tuple.

    Order: singles, pairs (in suite order), explicit groups, all tasks; a group already
    listed (e.g. ``all`` of two tasks equals their pair) is kept once, first place wins.
    Raises InputError (file, line, field) for an unknown task in ``plan.groups``.
    """
    config.check_plan(names)
    plan = config.plan
    groups: list[tuple[str, ...]] = []
    if plan.singles:
        groups += [(t,) for t in names]
    if plan.pairs:
        groups += [tuple(p) for p in combinations(names, 2)]
    groups += [tuple(g) for g in plan.groups]
    if plan.all and names:
        groups.append(tuple(names))
    seen: set[tuple[str, ...]] = set()
    out: list[tuple[str, ...]] = []
    for g in groups:
        key = tuple(sorted(g))
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def plan_runs(config: StudyConfig, suite: TaskSuite, backend: RunBackend) -> list[RunSpec]:
    """Every RunSpec of the study, seed-major (all groups of the first seed first), unique
    by ``RunSpec.key``. ``backend.spec(tasks, seed, suite)`` builds each spec; an
    InputError it raises (a run the backend cannot make) names the config's ``plan``."""
    specs: list[RunSpec] = []
    seen: set[str] = set()
    for seed in config.seeds:
        for group in plan_groups(config, suite.names):
            try:
                spec = backend.spec(group, seed, suite)
            except InputError as err:  # e.g. a combination a replayed table does not hold
                if err.file is not None:
                    raise
                raise config.error(err.message, "plan") from None
            if spec.key not in seen:
                seen.add(spec.key)
                specs.append(spec)
    return specs


def submission_order(specs: list[RunSpec], suite: TaskSuite) -> list[RunSpec]:
    """``specs`` in the order to train them: seed-major as planned (so an interrupted study
    holds whole seeds first), and within a seed the longest runs first (most training
    examples in the union of the run's tasks; ties keep the plan's order), so that a pool
    of workers does not end on one long run while the others idle."""
    first_at: dict[int, int] = {}
    for i, spec in enumerate(specs):
        first_at.setdefault(spec.seed, i)

    def size(spec: RunSpec) -> int:
        return sum(len(suite.task(name).train) for name in spec.tasks)

    order = sorted(range(len(specs)), key=lambda i: (first_at[specs[i].seed], -size(specs[i]), i))
    return [specs[i] for i in order]
