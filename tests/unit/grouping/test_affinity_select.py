"""Selection from an affinity matrix with TAG's rule: group values, the objective, the
choice on hand-made cases, invariance to the scale of the affinities, and errors."""

from __future__ import annotations

import numpy as np
import pytest

from taskaffinity.errors import InputError
from taskaffinity.grouping import (
    SINGLETON_SCORE,
    affinity_objective,
    affinity_table,
    select_from_affinity,
)
from taskaffinity.testing import random_affinity
from taskaffinity.types import AffinityMatrix

# row = target, column = source: a and b help each other, c is helped by a only and
# hurts both.
TASKS = ("a", "b", "c")
VALUES = np.array(
    [
        [np.nan, 0.4, -0.3],
        [0.5, np.nan, -0.2],
        [0.1, -0.1, np.nan],
    ]
)


def _aff(values: np.ndarray = VALUES) -> AffinityMatrix:
    return AffinityMatrix(TASKS, values, "hand")


def test_a_task_scores_the_mean_affinity_onto_it_from_its_group_mates() -> None:
    table = affinity_table(_aff())
    assert table.groups == (("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c"),
                            ("a", "b", "c"))  # fmt: skip
    assert table.score(("a",), "a") == SINGLETON_SCORE == -1e6
    assert table.score(("a", "b"), "a") == pytest.approx(0.4)
    assert table.score(("a", "b"), "b") == pytest.approx(0.5)
    assert table.score(("a", "c"), "c") == pytest.approx(0.1)
    assert table.score(("a", "b", "c"), "a") == pytest.approx((0.4 - 0.3) / 2)
    assert table.score(("a", "b", "c"), "c") == pytest.approx((0.1 - 0.1) / 2)
    assert np.array_equal(table.costs, np.ones(7)) and table.higher_is_better
    assert affinity_table(_aff(), max_size=2).groups == table.groups[:6]


def test_each_task_counts_its_best_chosen_group() -> None:
    # a: max(0.4, 0.05) ; b: 0.5 ; c: 0.0 (only in the triple)
    assert affinity_objective(_aff(), [("a", "b"), ("a", "b", "c")]) == pytest.approx(
        (0.4 + 0.5 + 0.0) / 3
    )
    assert affinity_objective(_aff(), [("a", "b"), ("c",)]) == pytest.approx((0.4 + 0.5 - 1e6) / 3)
    with pytest.raises(InputError, match="not covered"):
        affinity_objective(_aff(), [("a", "b")])


def test_the_choice_on_a_hand_made_matrix() -> None:
    # One network: only the triple covers everything.
    one = select_from_affinity(_aff(), 1)
    assert one.groups == (("a", "b", "c"),) and one.exact and one.method == "milp_select"
    assert one.predicted == pytest.approx((0.05 + 0.15 + 0.0) / 3)
    # Two: {a, b} for a and b; c's best group is {a, c} (0.1), which beats c alone.
    two = select_from_affinity(_aff(), 2)
    assert two.groups == (("a", "b"), ("a", "c")) and two.costs == (1.0, 1.0)
    assert two.predicted == pytest.approx((0.4 + 0.5 + 0.1) / 3)
    # More budget adds nothing: the same networks (no network that does not help).
    assert select_from_affinity(_aff(), 5).groups == two.groups


def test_a_singleton_score_of_zero_leaves_a_hurt_task_alone() -> None:
    values = VALUES.copy()
    values[2] = [-0.1, -0.2, np.nan]  # c is hurt by both partners
    g = select_from_affinity(_aff(values), 2, singleton_score=0.0)
    assert g.groups == (("c",), ("a", "b")) and g.predicted == pytest.approx(0.9 / 3)
    tag = select_from_affinity(_aff(values), 2)  # TAG's -1e6: c joins a group
    assert ("c",) not in tag.groups


@pytest.mark.parametrize("seed", range(10))
def test_the_choice_does_not_depend_on_the_scale_of_the_affinities(seed: int) -> None:
    """Lookahead affinities are often of order 1e-4 or smaller, next to TAG's singleton
    score of -1e6: the selection must see their differences all the same."""
    aff = random_affinity(seed)
    small = AffinityMatrix(aff.tasks, aff.values * 1e-6, "small")
    for budget in (2, 3):
        ref = select_from_affinity(aff, budget)
        got = select_from_affinity(small, budget)
        assert got.groups == ref.groups
        assert got.predicted == pytest.approx(affinity_objective(small, ref.groups), rel=1e-12)


def test_brute_select_agrees_with_milp_select() -> None:
    for seed in range(5):
        aff = random_affinity(seed, n=4)
        a = select_from_affinity(aff, 2, method="milp_select")
        b = select_from_affinity(aff, 2, method="brute_select")
        assert a.groups == b.groups and b.method == "brute_select"


def test_errors() -> None:
    with pytest.raises(InputError, match="chooses none"):
        select_from_affinity(_aff(), 0.5)
    with pytest.raises(InputError, match="not a selection"):
        select_from_affinity(_aff(), 2, method="dp_partition")
    with pytest.raises(InputError, match="unknown search"):
        select_from_affinity(_aff(), 2, method="no_such_search")
    with pytest.raises(InputError, match="not finite"):
        select_from_affinity(_aff(), 2, singleton_score=float("nan"))
    hole = VALUES.copy()
    hole[0, 2] = np.nan
    with pytest.raises(InputError, match="target 'a', source 'c'"):
        select_from_affinity(_aff(hole), 2)
    big = random_affinity(0, n=13)
    with pytest.raises(InputError, match="8191 candidate networks"):
        select_from_affinity(big, 2)
    assert len(affinity_table(big, max_size=3).groups) == 13 + 78 + 286
