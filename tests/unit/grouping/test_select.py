"""Exact selection: published Standley tables vs brute force, MIMIC-III, pruning, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from taskaffinity.errors import InputError
from taskaffinity.grouping import (
    brute_force_select,
    evaluate_grouping,
    greedy_select,
    problem,
    score_on,
    select_networks,
    undominated,
)
from taskaffinity.tables import hoa, read_mtgnet, read_standley
from taskaffinity.testing import random_table

SETTINGS = [
    ("results.txt", "results_test.txt"),
    ("results_large.txt", "results_large_test.txt"),
    ("results_small_data.txt", "results_small_data_test.txt"),
    ("results_alt.txt", "results_alt_test.txt"),
]


@pytest.mark.parametrize("files", SETTINGS)
@pytest.mark.parametrize("use_hoa", [False, True])
def test_standley_equals_brute_force(published: Path, files, use_hoa: bool) -> None:
    val = read_standley(published / "standley2020" / files[0])
    test = read_standley(published / "standley2020" / files[1])
    choose = hoa(val) if use_hoa else val
    for budget in (1, 1.5, 2, 2.5, 3):  # budgets 3.5-5: benchmarks/grouping.py
        g = select_networks(choose, budget, test=test)
        ref = brute_force_select(choose, budget)
        assert g.predicted == pytest.approx(ref.predicted, abs=1e-12)
        assert (g.groups, g.costs) == (ref.groups, ref.costs)  # same tie-break
        assert sum(g.costs) <= budget and g.exact
        assert g.measured == pytest.approx(evaluate_grouping(test, g.groups, g.costs))


def test_standley_known_choice(published: Path) -> None:
    val = read_standley(published / "standley2020" / "results.txt")
    g = select_networks(val, 1.5)
    assert g.groups == (("s",), ("d", "e", "k", "n")) and g.costs == (0.5, 1.0)


def test_mimic_small_budgets(published: Path) -> None:
    d = published / "mtgnet2022" / "mimic27"
    val = read_mtgnet(d / "mimic_x.csv", d / "mimic_y_valid.csv")
    one = select_networks(val, 1)
    assert one.method == "milp_select" and len(one.groups[0]) == 27
    two = select_networks(val, 2)
    assert two.predicted >= one.predicted and len(two.groups) <= 2


@pytest.mark.parametrize("seed", range(15))
def test_pruning_keeps_optimum(seed: int) -> None:
    table = random_table(seed, complete=True)
    prob = problem(table)
    kept = undominated(prob, np.arange(len(table.groups)))
    assert 0 < len(kept) <= len(table.groups)
    for budget in (1.5, 2.5):
        try:
            ref = brute_force_select(table, budget)
        except InputError:
            continue
        for g in (select_networks(table, budget), select_networks(table, budget, prune=False)):
            assert g.predicted == pytest.approx(ref.predicted)
            assert tie_key(g) == tie_key(ref)


def tie_key(g) -> tuple[int, float]:
    """(task memberships, rounded total cost): the tie-break after the objective."""
    return sum(len(x) for x in g.groups), round(sum(g.costs), 9)


def test_tie_break_fewest_memberships_then_cost() -> None:
    """Exact ties: a+b + b+c and a+b+c + b+c both reach 3 (every task at its best); the
    fewest task memberships win (4 < 5) even though a+b+c is cheaper; when only the
    larger one fits, it is taken; among equal sizes the cheaper wins."""
    from taskaffinity.grouping import problem, selection_milp
    from taskaffinity.types import ScoreTable

    nan = np.nan
    groups = (("a",), ("b",), ("c",), ("a", "b"), ("b", "c"), ("a", "b", "c"), ("b", "c"))
    scores = np.array(
        [
            [0.0, nan, nan],
            [nan, 0.0, nan],
            [nan, nan, 0.0],
            [1.0, 0.0, nan],
            [nan, 1.0, 1.0],
            [1.0, 1.0, 0.0],
            [nan, 1.0, 1.0],  # b+c again, dearer: never chosen
        ]
    )
    costs = np.array([0.5, 0.5, 0.5, 1.0, 1.0, 0.5, 1.5])
    table = ScoreTable(("a", "b", "c"), groups, scores, costs, True)
    for prune in (True, False):
        for budget, want in ((2.0, [("a", "b"), ("b", "c")]), (1.5, [("b", "c"), ("a", "b", "c")])):
            g = select_networks(table, budget, prune=prune)
            assert g.predicted == pytest.approx(3.0) and list(g.groups) == want
            assert g.costs == (1.0, 1.0) if budget == 2.0 else (1.0, 0.5)
            ref = brute_force_select(table, budget)
            assert (ref.groups, ref.costs) == (g.groups, g.costs)
    # The MILP's second phase applies the same rule (here the best-per-task case does).
    prob = problem(table)
    for budget, want in ((3.0, [3, 4]), (1.5, [4, 5])):
        chosen, proved = selection_milp(prob, np.arange(len(groups)), budget)
        assert sorted(chosen) == want and proved
    # Dominance pruning keeps a+b (it only ties the larger a+b+c) and drops the dear b+c.
    kept = undominated(prob, np.arange(len(groups)))
    assert 3 in kept and 6 not in kept


def test_errors_and_scoring() -> None:
    table = random_table(1, n=3)
    with pytest.raises(InputError, match="budget"):
        select_networks(table, 0.1)
    g = select_networks(table, 3)
    assert score_on(g, table).measured == pytest.approx(g.predicted)
    h = greedy_select(table, 3)
    assert not h.exact and sum(h.costs) <= 3
    with pytest.raises(InputError, match="not in the table"):
        evaluate_grouping(table, [("t0", "t1", "t9")])


def test_grouping_to_dict() -> None:
    table = random_table(1, n=3)
    g = select_networks(table, 3)
    d = g.to_dict()
    assert list(d) == ["networks", "objective", "exact", "method"]
    assert d["networks"] == [
        {"tasks": list(t), "cost": c} for t, c in zip(g.groups, g.costs, strict=True)
    ]
    assert d["objective"] == g.predicted and d["method"] == "milp_select" and d["exact"]
    scored = score_on(g, table).to_dict()
    assert list(scored) == ["networks", "objective", "test_objective", "exact", "method"]
    assert scored["test_objective"] == pytest.approx(g.predicted)
