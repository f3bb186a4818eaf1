"""Run plans: order, deduplication, unknown tasks."""

from __future__ import annotations

import pytest

from taskaffinity.config import PlanConfig, StudyConfig
from taskaffinity.errors import InputError
from taskaffinity.study import plan_groups, plan_runs, submission_order
from taskaffinity.testing import ToyBackend, toy_suite


def config(**plan) -> StudyConfig:
    return StudyConfig(suite="x", plan=PlanConfig(**plan), seeds=[3, 1])


def test_order_singles_pairs_groups_all_deduplicated():
    names = ("c", "a", "b")
    groups = plan_groups(config(groups=[["b", "a"], ["a", "b", "c"], ["c"]]), names)
    assert groups == [
        ("c",), ("a",), ("b",),
        ("a", "c"), ("b", "c"), ("a", "b"),
        ("a", "b", "c"),
    ]  # fmt: skip


def test_only_groups():
    groups = plan_groups(
        config(singles=False, pairs=False, all=False, groups=[["a", "b"]]), ("a", "b", "c")
    )
    assert groups == [("a", "b")]


def test_unknown_task_raises():
    with pytest.raises(InputError) as info:
        plan_groups(config(groups=[["a", "zz"]]), ("a", "b"))
    assert info.value.field == "plan.groups[0][1]"


def test_runs_are_seed_major_and_unique():
    suite = toy_suite()
    specs = plan_runs(config(), suite, ToyBackend())
    n = len(plan_groups(config(), suite.names))
    assert len(specs) == 2 * n == len({s.key for s in specs})
    assert [s.seed for s in specs] == [3] * n + [1] * n
    assert specs == plan_runs(config(), suite, ToyBackend())


def test_submission_is_seed_major_longest_first_within_a_seed():
    suite = toy_suite()
    specs = plan_runs(config(), suite, ToyBackend())
    order = submission_order(specs, suite)
    assert sorted(s.key for s in order) == sorted(s.key for s in specs)
    assert [s.seed for s in order] == [s.seed for s in specs]  # whole seeds, as planned
    for seed in (3, 1):
        sizes = [sum(len(suite.task(t).train) for t in s.tasks) for s in order if s.seed == seed]
        assert sizes == sorted(sizes, reverse=True)
    assert len(order[0].tasks) == len(suite.names)  # the all-task run goes first
