"""Exact selection: published Standley tables vs brute force, MIMIC-III, pruning, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _grouping_random import random_table

from taskaffinity.errors import InputError
from taskaffinity.grouping import (
    brute_force_select,
    evaluate_grouping,
    greedy_select,
    score_on,
    select_networks,
    undominated,
)
from taskaffinity.grouping._problem import problem
from taskaffinity.tables import hoa, read_mtgnet, read_standley

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
        assert g.predicted == pytest.approx(brute_force_select(choose, budget).predicted, abs=1e-12)
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
    assert one.method == "single-network" and len(one.groups[0]) == 27
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
            ref = brute_force_select(table, budget).predicted
        except InputError:
            continue
        assert select_networks(table, budget).predicted == pytest.approx(ref)
        assert select_networks(table, budget, prune=False).predicted == pytest.approx(ref)


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
